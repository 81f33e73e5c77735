"""What each lifecycle action produces, computed once (issue 14 step 1).

`plan(appeal, action, at=…, actor=…, …)` reads the appeal's current fields (attributes only, never
the database) and returns an `Outcome`: the fields the action sets, the history rows (AppealEvent,
in order), the DailyStat deltas, the inbox rows for the department's handlers, the resident's
notices and, for a rating, the Rating row. It is applied in three ways:

- through the ORM, one action at a time, under the appeal's row lock (actions.py);
- as the one intake statement: the auto accept + dispatch of a routed appeal (actions_intake.py);
- in batches, for a hotline import (hotline_write.py), and in memory for the demo's history
  (demo/appeal_story.py, which the loader bulk-inserts).

Inputs that need the database are passed in: `clock` gives the due times of a clock started at a
moment (deadlines.clocks_and_due or due_times with loaded clocks), `calendar` the working days for
an approved extension."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from gongzhi.appeals.models import Satisfaction
from gongzhi.appeals.workflow import Action, Status, next_status
from gongzhi.core.actors import Actor
from gongzhi.core.audit import actor_label

if TYPE_CHECKING:
    from gongzhi.appeals.calendar import WorkCalendar
    from gongzhi.appeals.deadlines import DueTimes

MAX_REOPENS = getattr(settings, "APPEAL_MAX_REOPENS", 2)

# what a new clock clears: the marks of the cycle before it
CLOCK_RESETS = ("signed_at", "signed_on_time", "near_due_notified_at", "overdue_marked_at")

Clock = Callable[[datetime.datetime], "DueTimes"]


@dataclass(frozen=True)
class Event:
    """One AppealEvent row (its fields by the model's names): `actor` the account (or None),
    `actor_label` how the history names who acted."""

    action: str
    from_status: str
    to_status: str
    actor: Actor | None
    actor_label: str
    at: datetime.datetime
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StatDelta:
    """An addition to the DailyStat row of (day, department, community); street goes with it."""

    day: datetime.date
    department_id: int
    community_id: int | None
    street_id: int | None
    counts: dict[str, int]

    def row_key(self) -> dict[str, Any]:
        """The DailyStat row's unique key, by field name."""
        return {"day": self.day, "department_id": self.department_id, "community_id": self.community_id}


@dataclass
class Outcome:
    status: str
    fields: dict[str, Any] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    stats: list[StatDelta] = field(default_factory=list)
    # (kind, text template with {number} and {title}): the appeal's number may come only at insert
    department_notices: list[tuple[str, str]] = field(default_factory=list)
    resident_notices: list[str] = field(default_factory=list)  # notify.RESIDENT_TEXT kinds
    rating: dict[str, Any] | None = None

    def apply_to(self, appeal: Any) -> None:
        """Set the new status and fields on the (unsaved) instance; the applier writes them."""
        appeal.status = self.status
        for name, value in self.fields.items():
            setattr(appeal, name, value)

    def department_texts(self, number: str, title: str) -> list[tuple[str, str]]:
        """(kind, text) of the inbox rows for the handlers of the department of appeal `number`."""
        return [(kind, text.format(number=number, title=title)) for kind, text in self.department_notices]

    def field_names(self) -> list[str]:
        """The columns an UPDATE of the applied instance writes."""
        return ["status", *self.fields, "updated_at"]


class _Plan:
    """Builds one Outcome, tracking the status and fields as the steps of an action add up."""

    def __init__(self, appeal: Any, at: datetime.datetime, actor: Actor | None, label: str | None) -> None:
        self.appeal, self.at = appeal, at
        self.actor = actor if getattr(actor, "pk", None) else None
        self.label = actor_label(actor) if label is None else label
        self.out = Outcome(status=appeal.status)

    def get(self, name: str) -> Any:
        return self.out.fields[name] if name in self.out.fields else getattr(self.appeal, name)

    def move(self, action: str, note: str = "", *, system: bool = False, **data: Any) -> None:
        before = self.out.status
        self.out.status = next_status(before, action)
        actor, label = (None, actor_label(None)) if system else (self.actor, self.label)
        self.out.events.append(Event(action, before, self.out.status, actor, label, self.at, note, data))

    def set(self, **fields: Any) -> None:
        self.out.fields.update(fields)

    def count(self, day: datetime.date, **counts: int) -> None:
        department_id = self.get("department_id")
        community_id, street_id = self.appeal.community_id, self.appeal.street_id
        self.out.stats.append(StatDelta(day, department_id, community_id, street_id, counts))

    def start_clocks(self, clock: Clock) -> None:
        due = clock(self.at)
        self.set(dispatched_at=self.at, **vars(due), **dict.fromkeys(CLOCK_RESETS))
        self.count(timezone.localdate(self.at), dispatched=1)


def _accept(p: _Plan, note: str = "") -> None:
    p.move(Action.ACCEPT, note)
    p.out.resident_notices.append("accepted")


def _reject(p: _Plan, note: str = "") -> None:
    p.move(Action.REJECT, note)
    p.set(closed_at=p.at)


def _dispatch(p: _Plan, *, department_id: int, clock: Clock, note: str = "", category_id: Any = None) -> None:
    extra = {"category_id": category_id} if category_id is not None else {}
    p.move(Action.DISPATCH, note, department_id=department_id, **extra)
    p.set(department_id=department_id, **extra)
    p.start_clocks(clock)
    p.out.resident_notices.append("dispatched")
    p.out.department_notices.append(("assigned", "新派单:{number} {title}"))


def _sign(p: _Plan) -> None:
    p.move(Action.SIGN)
    due, dispatched_at = p.appeal.sign_due_at, p.appeal.dispatched_at
    on_time = due is None or p.at <= due
    p.set(signed_at=p.at, signed_on_time=on_time)
    if on_time:
        p.count(timezone.localdate(dispatched_at or p.at), signed_on_time=1)


def _return(p: _Plan, note: str = "") -> None:
    p.move(Action.RETURN, note, department_id=p.appeal.department_id)
    p.set(department_id=None)


def _contact(p: _Plan, note: str = "") -> None:
    p.move(Action.CONTACT, note)
    p.set(first_contact_at=p.appeal.first_contact_at or p.at)


def _reply(p: _Plan, note: str = "") -> None:
    p.move(Action.REPLY, note)
    p.set(replied_at=p.at, first_contact_at=p.appeal.first_contact_at or p.at)
    p.out.resident_notices.append("replied")


def _rate(
    p: _Plan, *, satisfaction: str, solved: bool, clock: Clock, rating_round: int, note: str = ""
) -> None:
    """群众评卷: satisfied → closed; unsatisfied → reopened (up to MAX_REOPENS), else closed."""
    a = p.appeal
    p.move(Action.RATE, note, satisfaction=satisfaction, solved=solved)
    p.out.rating = {
        "round": rating_round,
        "satisfaction": satisfaction,
        "solved": solved,
        "comment": note[:500],
        "rated_by_id": a.submitter_id,
        "department_id": a.department_id,
        "at": p.at,
    }
    happy = satisfaction != Satisfaction.UNSATISFIED
    p.count(timezone.localdate(p.at), rated=1, solved=int(solved), satisfied=int(happy))
    if not happy and a.reopen_count < MAX_REOPENS:
        p.move(Action.REOPEN, "群众不满意,重新办理", system=True)
        p.set(reopen_count=a.reopen_count + 1)
        p.start_clocks(clock)
        p.out.department_notices.append(("reopened", "群众不满意,重新办理:{number}"))
    else:
        p.move(Action.CLOSE, "评价后办结", system=True)
        p.set(closed_at=p.at)


def _merge(p: _Plan, *, parent_id: int | None) -> None:
    """Into a parent duplicate; the demo names the parent once it has an id (parent_id None)."""
    if parent_id is None:
        p.move(Action.MERGE)
    else:
        p.move(Action.MERGE, parent_id=parent_id)
        p.set(parent_id=parent_id)
    p.set(closed_at=p.at)


def _extend_decide(p: _Plan, *, approve: bool, workdays: int, calendar: "WorkCalendar | None") -> None:
    """An approved extension moves the resolution deadline by its working days."""
    p.move(Action.EXTEND_DECIDE, approved=approve)
    due = p.appeal.resolve_due_at
    if approve and due is not None:
        assert calendar is not None
        p.set(resolve_due_at=calendar.add_workdays(timezone.localtime(due), workdays), overdue_marked_at=None)


def _plain(action: str) -> Callable[..., None]:
    def step(p: _Plan, note: str = "", **data: Any) -> None:
        p.move(action, note, **data)

    return step


STEPS: dict[str, Callable[..., None]] = {
    Action.ACCEPT: _accept,
    Action.REJECT: _reject,
    Action.DISPATCH: _dispatch,
    Action.SIGN: _sign,
    Action.RETURN: _return,
    Action.START: _plain(Action.START),
    Action.CONTACT: _contact,
    Action.REPLY: _reply,
    Action.RATE: _rate,
    Action.MERGE: _merge,
    Action.EXTEND_REQUEST: _plain(Action.EXTEND_REQUEST),
    Action.EXTEND_DECIDE: _extend_decide,
    Action.WHISTLE: _plain(Action.WHISTLE),
    Action.NOTE: _plain(Action.NOTE),
}


def plan(
    appeal: Any,
    action: str,
    *,
    at: datetime.datetime,
    actor: Actor | None = None,
    label: str | None = None,
    **args: Any,
) -> Outcome:
    """What `action` does to `appeal` at `at`: InvalidTransition if the table does not allow it.
    `label` names the actor in the history when it is not an account's (the demo's people)."""
    p = _Plan(appeal, at, actor, label)
    STEPS[action](p, **args)
    return p.out


def auto_dispatch(
    appeal: Any, *, at: datetime.datetime, department_id: int, version: int | None, clock: Clock
) -> Outcome:
    """Intake's 秒拨 of a new appeal: accepted and dispatched by the system, by the routing rules."""
    p = _Plan(appeal, at, None, None)
    _accept(p, "系统自动受理")
    _dispatch(p, department_id=department_id, clock=clock, note=f"按分拨规则v{version}自动派单")
    return p.out


def submitted(
    appeal: Any, *, at: datetime.datetime, actor: Actor | None = None, label: str | None = None
) -> Outcome:
    """The first history row of every appeal: submitted on its channel."""
    p = _Plan(appeal, at, actor, label)
    p.out.status = Status.SUBMITTED
    p.out.events.append(
        Event(Action.SUBMIT, "", Status.SUBMITTED, p.actor, p.label, at, "", {"channel": appeal.channel})
    )
    return p.out


def total(deltas: Iterable[StatDelta]) -> list[StatDelta]:
    """The deltas summed per DailyStat row (day, department, community), in first-seen order."""
    rows: dict[tuple[Any, ...], StatDelta] = {}
    for d in deltas:
        key = (d.day, d.department_id, d.community_id)
        row = rows.setdefault(key, StatDelta(d.day, d.department_id, d.community_id, d.street_id, {}))
        for name, count in d.counts.items():
            row.counts[name] = row.counts.get(name, 0) + count
    return list(rows.values())
