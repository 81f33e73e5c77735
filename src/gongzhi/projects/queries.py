"""Reads for the public pages (公示), the results page and the staff desk."""

from typing import Any

from django.db.models import Avg, Count, Sum
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from gongzhi.core.actors import Actor
from gongzhi.people.models import Person
from gongzhi.projects.access import CAPABILITY
from gongzhi.projects.models import Proposal, Round, Vote, VoterRoll
from gongzhi.projects.workflow import ORDER, Phase
from gongzhi.territory.models import Level, TerritoryNode


def mask_person(name: str) -> str:
    """王** — the family name only, as the public page shows proposers and commenters."""
    return (name[:1] + "*" * max(len(name) - 1, 1)) if name else _("居民")


def yuan(value: float | int | None) -> str:
    return "—" if value is None else f"{round(value):,}"


def explain(reason: dict[str, Any] | None) -> str:
    """The sentence a resident reads under each project on the results page."""
    if not reason:
        return ""
    code = reason["code"]
    if code == "greedy_selected":
        return _("得票排名第 %(rank)s，费用 %(cost)s 元不超过剩余预算 %(left)s 元，入选") % {
            "rank": reason["rank"],
            "cost": yuan(reason["cost"]),
            "left": yuan(reason["remaining"]),
        }
    if code == "greedy_skipped":
        return _("得票排名第 %(rank)s，但费用 %(cost)s 元超过了剩余预算 %(left)s 元，跳过") % {
            "rank": reason["rank"],
            "cost": yuan(reason["cost"]),
            "left": yuan(reason["remaining"]),
        }
    if code == "mes_selected" and "share" in reason:
        return _("第 %(round)s 轮入选：%(payers)s 位支持者平摊费用，每人至多出 %(share)s 元（ρ=%(rho)s）") % {
            "round": reason["round"],
            "payers": reason["payers"],
            "share": yuan(reason["share"]),
            "rho": f"{reason['rho']:.4g}",
        }
    if code == "mes_selected":
        return _("第 %(round)s 轮入选：%(payers)s 位支持者按 ρ=%(rho)s 平摊了费用") % {
            "round": reason["round"],
            "payers": reason["payers"],
            "rho": f"{reason['rho']:.4g}",
        }
    if code == "mes_free":
        return _("费用为零且有人支持，直接入选")
    if code == "no_support":
        return _("没有人投票支持，未入选")
    if code == "mes_unaffordable":
        text = _("其支持者剩余的份额合计 %(money)s 元，付不起费用 %(cost)s 元，未入选") % {
            "money": yuan(reason["money"]),
            "cost": yuan(reason["cost"]),
        }
        if reason.get("rho") is not None:
            text += _("（最后入选项目的 ρ=%(rho)s）") % {"rho": f"{reason['rho']:.4g}"}
        return text
    return ""


def meeting_url(meeting_id: int | None) -> str:
    """The councils app's meeting page, when it has one (the link is optional by design)."""
    if not meeting_id:
        return ""
    for name in ("councils:meeting", "councils:meeting_detail"):
        try:
            return reverse(name, args=[meeting_id])
        except NoReverseMatch:
            continue
    return ""


def source_url(p: Proposal) -> str:
    if not p.source_id:
        return ""
    candidates = {
        "appeal": [("appeals:detail", [p.source_id])],
        "hot_issue": [("appeals:detail", [p.source_id])],
        "wish": [("service:wish", [p.source_id]), ("service:wish_detail", [p.source_id])],
    }.get(p.source_kind, [])
    for name, args in candidates:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return ""


def managed_communities(actor: Actor) -> list[TerritoryNode]:
    """The communities where the actor runs micro-projects (the new round form's choices)."""
    return list(TerritoryNode.objects.visible_to(actor, CAPABILITY).filter(level=Level.COMMUNITY)[:100])


def managed_area(actor: Actor, node_id: int | None) -> TerritoryNode | None:
    """A vote's area among the nodes the actor manages, or None."""
    if node_id is None:
        return None
    return TerritoryNode.objects.visible_to(actor, CAPABILITY).filter(pk=node_id).first()


def managed_rounds(actor: Actor) -> Any:
    return Round.objects.visible_to(actor).select_related("community")[:100]


def public_rounds() -> Any:
    """Public: the latest 200 rounds of every community for the 公示 index (no personal data)."""
    return Round.objects.select_related("community").order_by("-year", "community__path")[:200]


def round_overview(rnd: Round) -> dict[str, Any]:
    proposals = list(Proposal.objects.public().filter(round=rnd).select_related("proposer").order_by("pk"))
    by_phase = {
        ph: [p for p in proposals if p.phase == ph] for ph in [*ORDER, Phase.NOT_SELECTED, Phase.REJECTED]
    }
    committed = sum(
        p.approved_budget or 0
        for p in proposals
        if p.phase in (Phase.APPROVED, Phase.IMPLEMENTATION, Phase.ACCEPTANCE, Phase.EVALUATION, Phase.CLOSED)
    )
    return {
        "round": rnd,
        "phases": [(Phase(ph).label, ph, items) for ph, items in by_phase.items() if items],
        "votes": list(rnd.votes.order_by("opens_at")),
        "committed": committed,
        "count": len(proposals),
    }


def proposal_page(p: Proposal) -> dict[str, Any]:
    spent = p.spending.aggregate(s=Sum("amount"))["s"] or 0
    rating = p.evaluations.aggregate(avg=Avg("rating"), n=Count("id"))
    return {
        "p": p,
        "proposer": mask_person(p.proposer.name) if p.proposer else p.get_source_kind_display(),
        "events": list(p.events.all()),
        "documents": list(p.documents.all()),
        "comments": [(mask_person(c.author.name), c) for c in p.comments.select_related("author")],
        "milestones": list(p.milestones.all()),
        "spending": list(p.spending.all()),
        "spent": spent,
        "evaluations": [(mask_person(e.person.name), e) for e in p.evaluations.select_related("person")],
        "rating_avg": rating["avg"],
        "rating_n": rating["n"],
        "meeting_url": meeting_url(p.council_meeting_id),
        "source_url": source_url(p),
    }


def census(vote: Vote) -> Any:
    return Person.objects.filter(
        household__path__startswith=vote.area.path, residence_type__in=vote.residence_types
    )


def turnout(vote: Vote) -> dict[str, int]:
    """Totals only: how many voted, never who voted what."""
    return {
        "census": census(vote).count(),
        "voted": VoterRoll.objects.filter(vote=vote).count(),
        "ballots": vote.ballots.count(),
    }


def results(vote: Vote) -> dict[str, Any] | None:
    if not vote.result:
        return None
    titles = dict(Proposal.objects.filter(vote=vote).values_list("pk", "title"))
    rows = []
    for r in vote.result["projects"]:
        rows.append({**r, "title": titles.get(int(r["id"]), r["id"]), "why": explain(r.get("reason"))})
    return {**vote.result, "rows": rows}
