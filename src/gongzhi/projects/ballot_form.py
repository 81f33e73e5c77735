"""A ballot as posted by a form: the resident's own vote page and the staff's entry of a paper ballot
read the same fields (`points_<id>` for cumulative, `rank_<id>` for ordinal, `choice` otherwise)."""

from django.http import QueryDict
from django.utils.translation import gettext as _

from gongzhi.projects.errors import ProjectError
from gongzhi.projects.models import Proposal, Vote
from gongzhi.projects.workflow import BallotType


def choices_from_form(vote: Vote, post: QueryDict, candidates: list[Proposal]) -> object:
    if vote.ballot_type == BallotType.CUMULATIVE:
        out = {}
        for p in candidates:
            raw = (post.get(f"points_{p.pk}") or "0").strip()
            if not raw.isdigit():
                raise ProjectError(_("票数必须是非负整数"))
            out[str(p.pk)] = int(raw)
        return out
    if vote.ballot_type == BallotType.ORDINAL:
        ranked = []
        for p in candidates:
            raw = (post.get(f"rank_{p.pk}") or "").strip()
            if raw.isdigit() and int(raw) > 0:
                ranked.append((int(raw), p.pk))
        if len({r for r, _pk in ranked}) != len(ranked):
            raise ProjectError(_("两个项目不能排在同一名次"))
        return [pk for _r, pk in sorted(ranked)]
    return [int(x) for x in post.getlist("choice") if x.isdigit()]
