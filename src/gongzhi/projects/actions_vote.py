"""Writes of votes: set up, cast a secret ballot, enter paper sheets twice, count, publish.

Concurrency: one ballot per person holds because the roll row and the ballot row are written with
INSERT … ON CONFLICT on unique keys (voter roll (vote, person), ballot token) — two simultaneous
casts by one person leave one roll row and one ballot, the later choices winning; no lock is taken on
the vote, so thousands of residents vote at once. Counting starts only `COUNT_GRACE` after the close,
longer than any request may run, so no ballot commits after the count has read them.
"""

import datetime
import json
from collections.abc import Set as AbstractSet
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.core.cache import MISSING, Namespace
from gongzhi.core.errors import NotAllowed
from gongzhi.people.models import Person
from gongzhi.projects import sql, tally
from gongzhi.projects.access import actor_id, lives_in
from gongzhi.projects.actions import phase_move
from gongzhi.projects.errors import NotInCensus, OverAllowance, ProjectError, VoteClosed
from gongzhi.projects.models import (
    Ballot,
    BallotChannel,
    PaperEntry,
    Proposal,
    Round,
    Vote,
    VoterRoll,
)
from gongzhi.projects.workflow import BallotType, Phase, VoteStatus

COUNT_GRACE = datetime.timedelta(seconds=60)


def ballot_token(vote_id: int, person_id: int) -> str:
    """Derivable only with the server's SECRET_KEY: the voter finds their ballot again, a database
    reader cannot link it to them (decision 0020)."""
    return salted_hmac("gongzhi.projects.ballot", f"{vote_id}:{person_id}", algorithm="sha256").hexdigest()


@transaction.atomic
def vote_create(
    *,
    actor: Actor | None,
    round: Round,
    title: str,
    area: Any,
    ballot_type: str,
    rule: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    allowance: int = 10,
    max_choices: int | None = None,
    residence_types: list[str] | None = None,
    budget: int | None = None,
) -> Vote:
    if not area.path.startswith(round.community.path):
        raise ProjectError(_("投票范围必须在本社区内"), status=422)
    if opens_at >= closes_at:
        raise ProjectError(_("截止时间必须晚于开始时间"), status=422)
    if ballot_type == BallotType.CUMULATIVE and allowance < 1:
        raise ProjectError(_("累积票每人至少 1 票"), status=422)
    vote = Vote.objects.create(
        round=round,
        title=title,
        area=area,
        ballot_type=ballot_type,
        rule=rule,
        opens_at=opens_at,
        closes_at=closes_at,
        allowance=allowance,
        max_choices=max_choices,
        residence_types=residence_types or ["registered", "non_registered"],
        budget=budget or round.budget,
    )
    audit.record_write(actor=actor, action="projects.vote_create", obj=vote, scope_path=round.community.path)
    return vote


@transaction.atomic
def vote_open(*, actor: Actor | None, vote: Vote, proposal_ids: list[int]) -> Vote:
    """Put deliberated proposals on the ballot and open the vote."""
    v = Vote.objects.select_for_update().get(pk=vote.pk)
    if v.status != VoteStatus.DRAFT:
        raise VoteClosed(_("投票已经开始，不能再调整候选项目"))
    chosen = list(Proposal.objects.select_for_update().filter(round=v.round, pk__in=proposal_ids))
    if not chosen:
        raise ProjectError(_("请至少选择一个候选项目"), status=422)
    for p in chosen:
        if p.phase != Phase.DELIBERATION:
            raise ProjectError(_("“%(t)s”未完成协商议事，不能进入投票") % {"t": p.title}, status=409)
        if (p.cost_estimate or 0) > v.budget:
            raise ProjectError(_("“%(t)s”估算费用超过可分配预算") % {"t": p.title}, status=422)
        phase_move(p, Phase.VOTING, actor, v.title)
        p.vote = v
        p.save(update_fields=["phase", "vote", "updated_at"])
    v.status = VoteStatus.OPEN
    v.save(update_fields=["status"])
    return v


def _normalise(vote: Vote, candidates: AbstractSet[int], choices: Any) -> Any:
    """Validated, canonical choices, or ProjectError with the reason in the voter's language."""
    if vote.ballot_type == BallotType.CUMULATIVE:
        if not isinstance(choices, dict):
            raise ProjectError(_("累积票应为“项目: 票数”"))
        clean: dict[str, int] = {}
        for k, v in choices.items():
            if not str(k).isdigit() or int(k) not in candidates:
                raise ProjectError(_("选票上有不是本次候选的项目"))
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise ProjectError(_("票数必须是非负整数"))
            if v:
                clean[str(int(k))] = v
        total = sum(clean.values())
        if total == 0:
            raise ProjectError(_("请至少给一个项目投票"), status=422)
        if total > vote.allowance:
            raise OverAllowance(
                _("共投 %(n)s 票，超过每人 %(a)s 票的上限") % {"n": total, "a": vote.allowance}
            )
        return dict(sorted(clean.items(), key=lambda kv: int(kv[0])))
    if not isinstance(choices, list) or not all(
        isinstance(c, int) and not isinstance(c, bool) for c in choices
    ):
        raise ProjectError(_("选票应为项目编号列表"))
    if len(set(choices)) != len(choices):
        raise ProjectError(_("同一个项目不能选两次"))
    if not choices:
        raise ProjectError(_("请至少选择一个项目"), status=422)
    if any(c not in candidates for c in choices):
        raise ProjectError(_("选票上有不是本次候选的项目"))
    if vote.max_choices and len(choices) > vote.max_choices:
        raise OverAllowance(_("最多选择 %(n)s 个项目") % {"n": vote.max_choices})
    return sorted(choices) if vote.ballot_type == BallotType.APPROVAL else list(choices)


CANDIDATES_TTL = 5.0
# Open votes and their candidates, per process (decision 0030; the one cache, decision 0046): a
# vote's save bumps the version, and every change of a vote's candidates saves the vote in the same
# transaction (vote_open, vote_count, vote_publish), so nothing else needs to bump. Other processes
# see a bump within CANDIDATES_TTL (recheck_seconds: no cache read per ballot), and an entry lives
# that long at most, as before.
OPEN_VOTES = Namespace(
    "projects.open_votes", recheck_seconds=CANDIDATES_TTL, max_age=CANDIDATES_TTL, maxsize=2000
)
OPEN_VOTES.watch(Vote)


def candidates_of(vote: Vote) -> frozenset[int]:
    """The proposals on an open vote's ballot: they are fixed from vote_open until the count,
    which waits COUNT_GRACE after the close."""

    def read() -> frozenset[int]:
        return frozenset(Proposal.objects.filter(vote=vote, phase=Phase.VOTING).values_list("pk", flat=True))

    # a recreated row with a reused id is another vote
    return OPEN_VOTES.get(("candidates", vote.pk, vote.opens_at), read)


def open_vote(vote_id: int) -> Vote | None:
    """An open vote with its area, for the ballot API, or None (the caller then reads it as usual).

    Cached only before its close: nothing changes an open vote — its window, census and ballot
    rules are fixed by vote_open, and it leaves OPEN only through vote_count, which waits
    COUNT_GRACE after the close. ballot_cast compares the time with the close itself, so the window
    holds to the second. Reading the vote was one of five queries per ballot (issue #7,
    bench/ballots.py)."""
    version = OPEN_VOTES.version()
    hit = OPEN_VOTES.peek(("open", vote_id), version)
    if hit is not MISSING and timezone.now() < hit.closes_at:
        return hit  # type: ignore[no-any-return]
    vote = Vote.objects.select_related("area").filter(pk=vote_id, status=VoteStatus.OPEN).first()
    if vote is None or timezone.now() >= vote.closes_at:
        return None
    OPEN_VOTES.put(("open", vote_id), vote, version)
    return vote


def _not_in_census(vote: Vote) -> NotInCensus:
    return NotInCensus(_("您不在本次投票的选民范围内（%(area)s 登记居民）") % {"area": vote.area.name})


def check_census(vote: Vote, person: Any) -> None:
    if person is None or not lives_in(person, vote.area) or person.residence_type not in vote.residence_types:
        raise _not_in_census(vote)


def _voter(person_id: int | None) -> Any:
    return Person.objects.select_related("household").filter(pk=person_id).first() if person_id else None


def ballot_cast(*, actor: Actor | None, vote: Vote, choices: Any, person: Any = None) -> None:
    """Cast or change the ballot of `person` (default: the actor's own) while the vote is open.

    A refusal gives the first reason in this order: outside the census, outside the window, an
    invalid ballot. On PostgreSQL the census is checked by the writing statement itself, so the
    person is read only to explain a refusal (two of five queries per ballot, issue #7)."""
    postgres = connection.vendor == "postgresql"
    person_id = person.pk if person is not None else getattr(actor, "person_id", None)

    def census() -> None:
        check_census(vote, person if person is not None else _voter(person_id))

    if not postgres:
        census()
    now = timezone.now()
    if vote.status != VoteStatus.OPEN or not (vote.opens_at <= now < vote.closes_at):
        if postgres:
            census()
        raise VoteClosed(
            _("投票时间为 %(a)s 至 %(b)s，现在不能投票")
            % {
                "a": timezone.localtime(vote.opens_at).strftime("%Y-%m-%d %H:%M"),
                "b": timezone.localtime(vote.closes_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    try:
        clean = _normalise(vote, candidates_of(vote), choices)
    except ProjectError:
        if postgres:
            census()
        raise
    if person_id is None:
        raise _not_in_census(vote)  # no person, no census
    token = ballot_token(vote.pk, person_id)
    if postgres:
        # One statement, one round trip (projects/sql.py, decision 0030).
        with connection.cursor() as cursor:
            cursor.execute(
                sql.cast_ballot(),
                {
                    "person": person_id,
                    "area": vote.area.path,
                    "types": list(vote.residence_types),
                    "vote": vote.pk,
                    "day": timezone.localdate(),
                    "token": token,
                    "channel": BallotChannel.ONLINE,
                    "choices": json.dumps(clean),
                },
            )
            written = cursor.rowcount
        if written == 0:
            census()
            # the household changed between the statement and this read: refuse, the voter retries
            raise _not_in_census(vote)
        return
    with transaction.atomic():
        VoterRoll.objects.bulk_create(
            [VoterRoll(vote=vote, person_id=person_id, voted_on=timezone.localdate())], ignore_conflicts=True
        )
        Ballot.objects.bulk_create(
            [Ballot(token=token, vote=vote, choices=clean)],
            update_conflicts=True,
            unique_fields=["token"],
            update_fields=["choices"],
        )


def my_ballot(vote: Vote, person: Any) -> Any:
    """The resident's own current choices (only they can derive the token)."""
    b = Ballot.objects.filter(token=ballot_token(vote.pk, person.pk)).first()
    return b.choices if b else None


@transaction.atomic
def paper_enter(*, actor: Actor | None, vote: Vote, sheet_no: int, choices: Any) -> PaperEntry:
    """One clerk's entry of a paper sheet; two different clerks per sheet, no third entry. A clerk
    entering a sheet again corrects their own entry (how a listed mismatch is resolved)."""
    v = Vote.objects.select_for_update().get(pk=vote.pk)
    if v.status not in (VoteStatus.OPEN, VoteStatus.DRAFT):
        raise VoteClosed(_("已经计票，不能再录入纸质选票"))
    candidates = set(Proposal.objects.filter(vote=v).values_list("pk", flat=True))
    clean = _normalise(v, candidates, choices)
    existing = list(PaperEntry.objects.filter(vote=v, sheet_no=sheet_no))
    clerk = actor_id(actor)
    if clerk is None:
        raise NotAllowed()  # a sheet is entered by a signed-in clerk
    mine = [e for e in existing if e.entered_by_id == clerk]
    if mine:
        PaperEntry.objects.filter(pk=mine[0].pk).update(choices=clean)
        mine[0].choices = clean
        return mine[0]
    if len(existing) >= 2:
        raise ProjectError(_("第 %(n)s 号选票已有两次录入") % {"n": sheet_no}, status=409)
    return PaperEntry.objects.create(vote=v, sheet_no=sheet_no, entered_by_id=clerk, choices=clean)


@transaction.atomic
def vote_count(*, actor: Actor | None, vote: Vote) -> Vote:
    """Count after the close: electronic ballots plus paper sheets both clerks agree on."""
    v = Vote.objects.select_for_update().get(pk=vote.pk)
    if v.status not in (VoteStatus.OPEN, VoteStatus.COUNTED):
        raise VoteClosed(_("这次投票不能计票"))
    if timezone.now() < v.closes_at + COUNT_GRACE:
        raise VoteClosed(_("投票截止一分钟后才能计票"))
    _agreed, mismatched = tally.paper_sheets(v)
    if mismatched:
        raise ProjectError(
            _("还有 %(n)s 张纸质选票两次录入不一致或未复核") % {"n": len(mismatched)}, status=409
        )
    proposals = list(Proposal.objects.filter(vote=v).order_by("pk"))
    v.result = tally.count(v, proposals)
    v.status, v.counted_at = VoteStatus.COUNTED, timezone.now()
    v.save(update_fields=["result", "status", "counted_at"])
    audit.record_write(actor=actor, action="projects.vote_count", obj=v, scope_path=v.round.community.path)
    return v


@transaction.atomic
def vote_publish(*, actor: Actor | None, vote: Vote) -> Vote:
    """Publish the count: selected proposals move on, the others are marked not selected."""
    v = Vote.objects.select_for_update().get(pk=vote.pk)
    if v.status != VoteStatus.COUNTED:
        raise VoteClosed(_("请先计票"))
    chosen = {int(s) for s in v.result["selected"]}
    for p in Proposal.objects.select_for_update().filter(vote=v, phase=Phase.VOTING):
        to = Phase.SELECTED if p.pk in chosen else Phase.NOT_SELECTED
        phase_move(p, to, actor, v.title)
        p.save(update_fields=["phase", "updated_at"])
    v.status = VoteStatus.PUBLISHED
    v.save(update_fields=["status"])
    audit.record_write(actor=actor, action="projects.vote_publish", obj=v, scope_path=v.round.community.path)
    return v
