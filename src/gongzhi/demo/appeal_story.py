"""Replaying an appeal's lifecycle in memory, for the demo's history (demo/appeals.py).

Each Story method is one lifecycle action planned by appeals.lifecycle.plan — the function whose
outcome actions.py applies through the ORM — applied in memory: the same status moves, events, clock
fields and DailyStat deltas. Only the writing differs: the loader bulk-inserts what the stories
collected. test_demo_appeals compares the two paths step by step."""

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from gongzhi.accounts.models import User
from gongzhi.appeals import lifecycle
from gongzhi.appeals.actions import event_rows
from gongzhi.appeals.calendar import WorkCalendar
from gongzhi.appeals.deadlines import Clocks, DueTimes, due_times
from gongzhi.appeals.lifecycle import Outcome, StatDelta, plan, submitted
from gongzhi.appeals.models import Appeal, AppealEvent, DailyStat, ExtensionRequest, Rating
from gongzhi.appeals.workflow import Action, Status
from gongzhi.core.audit import actor_label
from gongzhi.orgs.models import Organisation
from gongzhi.territory.models import TerritoryNode


@dataclass(frozen=True)
class Actor:
    """Who did a step: a demo account (user) or, for people without one, a label only."""

    user: User | None
    label: str

    @classmethod
    def of(cls, user: User | None, fallback: str) -> "Actor":
        return cls(user, actor_label(user)) if user is not None else cls(None, fallback)


SYSTEM = Actor(None, "系统")


@dataclass
class Place:
    compound: TerritoryNode
    buildings: list[TerritoryNode]
    community_code: str
    polygon: Any


@dataclass
class Story:
    """One appeal's history, replayed in memory with the effects of the lifecycle functions."""

    appeal: Appeal
    clocks: Clocks
    calendar: WorkCalendar
    events: list[AppealEvent] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)
    extensions: list[ExtensionRequest] = field(default_factory=list)
    bumps: list[StatDelta] = field(default_factory=list)
    merge_into: int | None = None  # index of the parent story
    # how the story goes; used by HistoryBuilder.play, not stored
    place: "Place | None" = None
    scenario: str = "closed"
    submitter: Actor = field(default_factory=lambda: SYSTEM)
    rng: random.Random = field(default_factory=random.Random)

    def _apply(self, outcome: Outcome) -> None:
        """The in-memory applier: the appeal's fields, and the rows the loader bulk-inserts."""
        outcome.apply_to(self.appeal)
        self.events += event_rows(self.appeal, outcome)
        self.appeal.updated_at = outcome.events[-1].at
        self.bumps += outcome.stats
        if outcome.rating is not None:
            self.ratings.append(Rating(appeal=self.appeal, **outcome.rating))

    def _do(self, at: datetime.datetime, action: str, actor: Actor, **args: Any) -> None:
        self._apply(plan(self.appeal, action, at=at, actor=actor.user, label=actor.label, **args))

    def _clock(self, at: datetime.datetime) -> DueTimes:
        return due_times(at, self.clocks, self.calendar)

    def submit(self, at: datetime.datetime, actor: Actor) -> None:
        self.appeal.created_at = at
        self.appeal.status = Status.SUBMITTED
        self.events += event_rows(
            self.appeal, submitted(self.appeal, at=at, actor=actor.user, label=actor.label)
        )
        self.appeal.updated_at = at

    def accept(self, at: datetime.datetime, actor: Actor = SYSTEM, note: str = "系统自动受理") -> None:
        self._do(at, Action.ACCEPT, actor, note=note)

    def dispatch(
        self, at: datetime.datetime, department: Organisation, actor: Actor = SYSTEM, note: str = ""
    ) -> None:
        self._do(at, Action.DISPATCH, actor, note=note, department_id=department.pk, clock=self._clock)
        self.appeal.department = department

    def sign(self, at: datetime.datetime, actor: Actor) -> None:
        self._do(at, Action.SIGN, actor)

    def return_(self, at: datetime.datetime, actor: Actor, reason: str) -> None:
        self._do(at, Action.RETURN, actor, note=reason)

    def start(self, at: datetime.datetime, actor: Actor) -> None:
        self._do(at, Action.START, actor)

    def contact(self, at: datetime.datetime, actor: Actor, note: str) -> None:
        self._do(at, Action.CONTACT, actor, note=note)

    def reply(self, at: datetime.datetime, actor: Actor, text: str) -> None:
        self._do(at, Action.REPLY, actor, note=text)

    def rate(
        self, at: datetime.datetime, actor: Actor, satisfaction: str, solved: bool, comment: str = ""
    ) -> None:
        self._do(
            at,
            Action.RATE,
            actor,
            note=comment,
            satisfaction=satisfaction,
            solved=solved,
            clock=self._clock,
            rating_round=len(self.ratings) + 1,
        )

    def merge(self, at: datetime.datetime, actor: Actor, parent_index: int) -> None:
        self.merge_into = parent_index
        self._do(at, Action.MERGE, actor, parent_id=None)  # the loader names the parent once it has an id

    def extension_request(self, at: datetime.datetime, actor: Actor, workdays: int, reason: str) -> None:
        self._do(at, Action.EXTEND_REQUEST, actor, note=reason, workdays=workdays)
        self.extensions.append(
            ExtensionRequest(
                appeal=self.appeal,
                workdays=workdays,
                reason=reason,
                requested_by=actor.user,
                created_at=at,
                updated_at=at,
            )
        )

    def extension_decide(self, at: datetime.datetime, actor: Actor, approve: bool) -> None:
        request = self.extensions[-1]
        self._do(
            at,
            Action.EXTEND_DECIDE,
            actor,
            approve=approve,
            workdays=request.workdays,
            calendar=self.calendar,
        )
        request.state = ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.REFUSED
        request.decided_by = actor.user
        request.updated_at = at


@contextmanager
def own_timestamps(model: type[Any]) -> Iterator[None]:
    """Let bulk_create keep the history's created_at/updated_at: TimeStamped's auto_now fields would
    stamp the load time. Only for this single-threaded loader; restored on exit."""
    fields = [model._meta.get_field(name) for name in ("created_at", "updated_at")]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def daily_stats(stories: list[Story]) -> list[DailyStat]:
    """The stories' DailyStat deltas, summed per (day, department, community), as rows."""
    totals = lifecycle.total(d for story in stories for d in story.bumps)
    rows = [DailyStat(street_id=d.street_id, **d.row_key(), **d.counts) for d in totals]
    return sorted(rows, key=lambda r: (r.day, r.department_id, r.community_id or 0))
