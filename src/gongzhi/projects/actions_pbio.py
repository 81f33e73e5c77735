"""Writes of a pabulib import (issue 7, item 3): an election read from a .pb file becomes a vote
with its proposals and anonymous ballots (the export, a read, is in pbio.py)."""

import datetime
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongzhi.core.lifecycle import history_row
from gongzhi.projects.counting.election import Election
from gongzhi.projects.models import Ballot, BallotChannel, Proposal, ProposalEvent, Round, SourceKind, Vote
from gongzhi.projects.workflow import Phase, Rule, VoteStatus


def _date(text: str | None) -> datetime.date | None:
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime((text or "").strip(), fmt).date()  # noqa: DTZ007 — a calendar date
        except ValueError:
            continue
    return None


@transaction.atomic
def import_election(election: Election, *, community: Any, rule: str = Rule.MES, title: str = "") -> Vote:
    begin = _date(election.meta.get("date_begin")) or timezone.localdate()
    end = _date(election.meta.get("date_end")) or begin
    year = begin.year
    rnd = Round.objects.filter(community=community, year=year).first() or Round.objects.create(
        community=community,
        year=year,
        title=f"{community.name} {year}",
        budget=int(election.budget),
        collect_from=begin,
        collect_until=begin,
        review_until=begin,
        deliberate_until=begin,
    )
    tz = timezone.get_current_timezone()
    opens = datetime.datetime.combine(begin, datetime.time(0, 0), tz)
    closes = datetime.datetime.combine(end, datetime.time(23, 59), tz)
    allowance = int(election.meta.get("max_sum_points") or 10) if election.vote_type == "cumulative" else 10
    vote = Vote.objects.create(
        round=rnd,
        title=title or election.meta.get("description", "pabulib")[:120] or "pabulib",
        area=community,
        ballot_type=election.vote_type,
        rule=rule,
        opens_at=opens,
        closes_at=max(closes, opens + datetime.timedelta(minutes=1)),
        allowance=max(allowance, 1),
        budget=int(election.budget),
        status=VoteStatus.OPEN,
        residence_types=["registered", "non_registered"],
    )
    pk_of: dict[str, int] = {}
    for p in election.projects:
        name = p.name or election.project_extra.get(p.id, {}).get("name", "") or p.id
        prop = Proposal.objects.create(
            round=rnd,
            title=name[:80],
            description=name,
            source_kind=SourceKind.IMPORTED,
            phase=Phase.VOTING,
            cost_estimate=int(p.cost),
            vote=vote,
            pb_id=p.id,
        )
        history_row(ProposalEvent, proposal=prop, to_phase=Phase.VOTING, note="pabulib")
        pk_of[p.id] = prop.pk
    rows = []
    for b in election.ballots:
        if isinstance(b, dict):
            rows.append(imported_ballot(vote, {str(pk_of[k]): int(v) for k, v in b.items()}))
        else:
            rows.append(imported_ballot(vote, [pk_of[k] for k in b]))
    Ballot.objects.bulk_create(rows, batch_size=2000)
    return vote


def imported_ballot(vote: Vote, choices: Any) -> Ballot:
    """An unsaved anonymous ballot of an imported election (a random token: nobody can derive it)."""
    return Ballot(token=secrets.token_hex(32), vote=vote, channel=BallotChannel.IMPORTED, choices=choices)
