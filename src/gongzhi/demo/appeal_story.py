"""Replaying an appeal's lifecycle in memory, for the demo's history (demo/appeals.py).

Each Story method mirrors one lifecycle function (intake.appeal_submit's auto accept and dispatch,
actions.appeal_sign, appeal_rate, …): the same status moves through workflow.next_status, the same
event (action, from/to status, note, data), the same clock fields from deadlines.due_times, and the
DailyStat increments stats.bump would make, keyed the same way. Only the writing differs: the loader
bulk-inserts what the stories collected. test_demo_appeals compares the two paths step by step."""

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.appeals.actions import MAX_REOPENS
from gongzhi.appeals.calendar import WorkCalendar
from gongzhi.appeals.deadlines import Clocks, due_times
from gongzhi.appeals.models import Appeal, AppealEvent, DailyStat, ExtensionRequest, Rating, Satisfaction
from gongzhi.appeals.workflow import Action, Status, next_status
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
    bumps: list[tuple[datetime.date, int | None, dict[str, int]]] = field(default_factory=list)
    merge_into: int | None = None  # index of the parent story
    # how the story goes; used by HistoryBuilder.play, not stored
    place: "Place | None" = None
    scenario: str = "closed"
    submitter: Actor = field(default_factory=lambda: SYSTEM)
    rng: random.Random = field(default_factory=random.Random)

    def _event(
        self, at: datetime.datetime, action: str, actor: Actor, before: str, note: str = "", **data: Any
    ) -> None:
        self.events.append(
            AppealEvent(
                appeal=self.appeal,
                at=at,
                actor=actor.user,
                actor_label=actor.label,
                action=action,
                from_status=before,
                to_status=self.appeal.status,
                note=note,
                data=data,
            )
        )
        self.appeal.updated_at = at

    def _move(self, at: datetime.datetime, action: str, actor: Actor, note: str = "", **data: Any) -> None:
        before = self.appeal.status
        self.appeal.status = next_status(before, action)
        self._event(at, action, actor, before, note, **data)

    def _bump(self, day: datetime.date, **deltas: int) -> None:
        self.bumps.append((day, self.appeal.department_id, deltas))

    def submit(self, at: datetime.datetime, actor: Actor) -> None:
        self.appeal.created_at = at
        self.appeal.status = Status.SUBMITTED
        self._event(at, Action.SUBMIT, actor, "", channel=self.appeal.channel)

    def accept(self, at: datetime.datetime, actor: Actor = SYSTEM, note: str = "系统自动受理") -> None:
        self._move(at, Action.ACCEPT, actor, note)

    def _start_clocks(self, at: datetime.datetime) -> None:
        due = due_times(at, self.clocks, self.calendar)
        a = self.appeal
        a.dispatched_at, a.sign_due_at, a.contact_due_at, a.resolve_due_at = (
            at,
            due.sign_due_at,
            due.contact_due_at,
            due.resolve_due_at,
        )
        a.signed_at = a.signed_on_time = a.near_due_notified_at = a.overdue_marked_at = None

    def dispatch(
        self, at: datetime.datetime, department: Organisation, actor: Actor = SYSTEM, note: str = ""
    ) -> None:
        self._move(at, Action.DISPATCH, actor, note, department_id=department.pk)
        self.appeal.department = department
        self._start_clocks(at)
        self._bump(timezone.localdate(at), dispatched=1)

    def sign(self, at: datetime.datetime, actor: Actor) -> None:
        self._move(at, Action.SIGN, actor)
        a = self.appeal
        a.signed_at = at
        a.signed_on_time = a.sign_due_at is None or at <= a.sign_due_at
        if a.signed_on_time:
            self._bump(timezone.localdate(a.dispatched_at or at), signed_on_time=1)

    def return_(self, at: datetime.datetime, actor: Actor, reason: str) -> None:
        self._move(at, Action.RETURN, actor, reason, department_id=self.appeal.department_id)
        self.appeal.department = None

    def start(self, at: datetime.datetime, actor: Actor) -> None:
        self._move(at, Action.START, actor)

    def contact(self, at: datetime.datetime, actor: Actor, note: str) -> None:
        self._move(at, Action.CONTACT, actor, note)
        if self.appeal.first_contact_at is None:
            self.appeal.first_contact_at = at

    def reply(self, at: datetime.datetime, actor: Actor, text: str) -> None:
        self._move(at, Action.REPLY, actor, text)
        self.appeal.replied_at = at
        self.appeal.first_contact_at = self.appeal.first_contact_at or at

    def rate(
        self, at: datetime.datetime, actor: Actor, satisfaction: str, solved: bool, comment: str = ""
    ) -> None:
        a = self.appeal
        self._move(at, Action.RATE, actor, comment, satisfaction=satisfaction, solved=solved)
        self.ratings.append(
            Rating(
                appeal=a,
                round=len(self.ratings) + 1,
                satisfaction=satisfaction,
                solved=solved,
                comment=comment[:500],
                rated_by_id=a.submitter_id,
                department_id=a.department_id,
                at=at,
            )
        )
        happy = satisfaction != Satisfaction.UNSATISFIED
        self._bump(timezone.localdate(at), rated=1, solved=int(solved), satisfied=int(happy))
        if not happy and a.reopen_count < MAX_REOPENS:
            a.reopen_count += 1
            self._start_clocks(at)
            self._move(at, Action.REOPEN, SYSTEM, "群众不满意,重新办理")
            self._bump(timezone.localdate(at), dispatched=1)
        else:
            a.closed_at = at
            self._move(at, Action.CLOSE, SYSTEM, "评价后办结")

    def merge(self, at: datetime.datetime, actor: Actor, parent_index: int) -> None:
        self.merge_into = parent_index
        self._move(at, Action.MERGE, actor)  # data (parent_id) is filled in once the parent has an id
        self.appeal.closed_at = at

    def extension_request(self, at: datetime.datetime, actor: Actor, workdays: int, reason: str) -> None:
        self._move(at, Action.EXTEND_REQUEST, actor, reason, workdays=workdays)
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
        self._move(at, Action.EXTEND_DECIDE, actor, approved=approve)
        request.state = ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.REFUSED
        request.decided_by = actor.user
        request.updated_at = at
        if approve and self.appeal.resolve_due_at is not None:
            due = timezone.localtime(self.appeal.resolve_due_at)
            self.appeal.resolve_due_at = self.calendar.add_workdays(due, request.workdays)
            self.appeal.overdue_marked_at = None


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
    """stats.bump's increments, summed per (day, department, community)."""
    rows: dict[tuple[datetime.date, int, int | None], DailyStat] = {}
    for story in stories:
        appeal = story.appeal
        for day, department_id, deltas in story.bumps:
            assert department_id is not None
            key = (day, department_id, appeal.community_id)
            row = rows.get(key)
            if row is None:
                row = rows[key] = DailyStat(
                    day=day,
                    department_id=department_id,
                    community_id=appeal.community_id,
                    street_id=appeal.street_id,
                )
            for name, delta in deltas.items():
                setattr(row, name, getattr(row, name) + delta)
    return [rows[key] for key in sorted(rows, key=lambda k: (k[0], k[1], k[2] or 0))]
