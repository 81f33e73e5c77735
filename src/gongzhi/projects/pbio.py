"""A vote as a pabulib election (issue 7, item 3): it exports as a .pb file any pabulib tool reads
(the import, which writes, is actions_pbio.import_election)."""

from fractions import Fraction

from django.utils import timezone

from gongzhi.projects import tally
from gongzhi.projects.counting.election import Election, Project
from gongzhi.projects.models import Proposal, Vote
from gongzhi.projects.workflow import Rule


def export_election(vote: Vote) -> Election:
    proposals = list(Proposal.objects.filter(vote=vote).order_by("pk"))
    db = tally.election_of(vote, proposals)
    pb_of = {str(p.pk): p.public_id for p in proposals}
    ballots: list = []
    for b in db.ballots:
        ballots.append(
            {pb_of[k]: v for k, v in b.items()} if isinstance(b, dict) else tuple(pb_of[k] for k in b)
        )
    projects = [Project(pb_of[p.id], p.cost, p.name) for p in db.projects]
    meta = {
        "description": vote.title,
        "country": "China",
        "unit": vote.round.community.name,
        "instance": str(vote.round.year),
        "date_begin": timezone.localtime(vote.opens_at).strftime("%d.%m.%Y"),
        "date_end": timezone.localtime(vote.closes_at).strftime("%d.%m.%Y"),
        "rule": "greedy" if vote.rule == Rule.GREEDY else "equalshares",
        "currency": "CNY",
    }
    if vote.ballot_type == "cumulative":
        meta["max_sum_points"] = str(vote.allowance)
    return Election(
        Fraction(vote.budget),
        vote.ballot_type,
        projects,
        ballots,
        meta,
        {},
        [str(i + 1) for i in range(len(ballots))],
    )
