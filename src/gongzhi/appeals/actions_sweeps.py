"""The deadline sweep: near-due warnings, overdue reminders and escalation, overdue report-ins.

Run by the `appeals_sweep` task and by `gongzhi appeals_sweep` (cron / systemd timer, e.g. every
5 minutes). Every mark is a compare-and-set UPDATE (`… WHERE near_due_notified_at IS NULL`), and
the notifications are written only by the worker whose UPDATE changed the row, so two workers
running at once cannot both act and a second run changes nothing.

Rules (docs/appeals.md):
- near-due: 80 % of the resolution clock (dispatch → resolve_due_at, wall-clock) has elapsed;
  the department's handlers are told once per dispatch cycle.
- sign overdue: still not signed after sign_due_at; the department is reminded once per cycle.
- resolution overdue: resolve_due_at passed while the department holds the appeal (dispatched,
  signed, in progress); overdue_marked_at and escalated_at are set, the street officers above the
  appeal are told and a "超期升级" NOTE is appended to the history (actor: the system).
- report-in overdue: a named department has not reported in to an open whistle by due_at;
  escalated_at is set, the street officers above the whistle and the department are told.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.roles import Role
from gongzhi.appeals import actions_notify
from gongzhi.appeals.models import Appeal, AppealEvent, Notification, ReportIn, Whistle
from gongzhi.appeals.workflow import Action, Status
from gongzhi.core.scoping import ancestor_paths

NEAR_DUE_FRACTION = 0.8
# The longest resolution clock we expect (30 working days plus an extension of 30): bounds the
# near-due candidate scan to appeals due within 20 % of that.
_MAX_NEAR_WINDOW = datetime.timedelta(days=25)
CLOCK_STATES = (Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS)
SIGN_REMINDER_KIND = "sign_overdue"


@dataclass
class SweepResult:
    near_due: int = 0
    sign_reminded: int = 0
    overdue: int = 0
    report_ins_escalated: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "near_due": self.near_due,
            "sign_reminded": self.sign_reminded,
            "overdue": self.overdue,
            "report_ins_escalated": self.report_ins_escalated,
        }


def officers_over(path: str) -> list[Any]:
    """Active accounts of street officers (and district admins) assigned at or above `path`."""

    nodes = [*ancestor_paths(path), path] if path else []
    people = (
        RoleAssignment.objects.active()
        .filter(role__in=[Role.STREET_OFFICER, Role.DISTRICT_ADMIN], territory__path__in=nodes)
        .values_list("person_id", flat=True)
    )
    return list(User.objects.filter(person_id__in=list(people), is_active=True))


def notify_officers(path: str, *, kind: str, text: str, appeal: Appeal | None = None) -> None:
    rows = [Notification(recipient=u, appeal=appeal, kind=kind, text=text[:300]) for u in officers_over(path)]
    Notification.objects.bulk_create(rows)


def notify_org(org_id: int, *, kind: str, text: str, appeal: Appeal | None = None) -> None:
    """Every current handler account of an organisation gets an inbox row."""

    people = (
        RoleAssignment.objects.active().filter(organisation_id=org_id).values_list("person_id", flat=True)
    )
    rows = [
        Notification(recipient=u, appeal=appeal, kind=kind, text=text[:300])
        for u in User.objects.filter(person_id__in=list(people), is_active=True)
    ]
    Notification.objects.bulk_create(rows)


def _near_due(now: datetime.datetime, result: SweepResult) -> None:
    candidates = (
        Appeal.objects.filter(
            status__in=CLOCK_STATES,
            near_due_notified_at=None,
            resolve_due_at__gt=now,
            resolve_due_at__lte=now + _MAX_NEAR_WINDOW,
            dispatched_at__isnull=False,
        )
        .select_related("department")
        .order_by("resolve_due_at")
    )
    for appeal in candidates.iterator(chunk_size=500):
        assert appeal.resolve_due_at is not None
        assert appeal.dispatched_at is not None
        span = appeal.resolve_due_at - appeal.dispatched_at
        if now < appeal.dispatched_at + span * NEAR_DUE_FRACTION:
            continue
        with transaction.atomic():
            won = Appeal.objects.filter(
                pk=appeal.pk, near_due_notified_at=None, resolve_due_at=appeal.resolve_due_at
            ).update(near_due_notified_at=now)
            if won:
                due = timezone.localtime(appeal.resolve_due_at).strftime("%m-%d %H:%M")
                actions_notify.notify_department(
                    appeal, "near_due", f"即将超期:{appeal.number} 办结时限 {due}"
                )
                result.near_due += 1


def _sign_overdue(now: datetime.datetime, result: SweepResult) -> None:
    # No column marks the reminder, so the appeal row is locked and the reminder looked up under
    # the lock: concurrent sweeps serialise on the row and only the first one writes it.
    reminded = Notification.objects.filter(
        appeal=OuterRef("pk"), kind=SIGN_REMINDER_KIND, created_at__gte=OuterRef("dispatched_at")
    )
    ids = list(
        Appeal.objects.filter(status=Status.DISPATCHED, signed_at=None, sign_due_at__lt=now)
        .exclude(Exists(reminded))
        .values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            appeal = (
                Appeal.objects.select_for_update(of=("self",))
                .filter(pk=pk, status=Status.DISPATCHED, signed_at=None, sign_due_at__lt=now)
                .first()
            )
            if appeal is None or appeal.dispatched_at is None:
                continue
            done = Notification.objects.filter(
                appeal=appeal, kind=SIGN_REMINDER_KIND, created_at__gte=appeal.dispatched_at
            ).exists()
            if done:
                continue
            actions_notify.notify_department(
                appeal, SIGN_REMINDER_KIND, f"签收超时,请尽快签收:{appeal.number} {appeal.title}"[:300]
            )
            # a department without handler accounts still gets the reminder on record
            if not Notification.objects.filter(
                appeal=appeal, kind=SIGN_REMINDER_KIND, created_at__gte=appeal.dispatched_at
            ).exists():
                Notification.objects.create(
                    appeal=appeal, kind=SIGN_REMINDER_KIND, text=f"签收超时:{appeal.number}"
                )
            result.sign_reminded += 1


def _overdue(now: datetime.datetime, result: SweepResult) -> None:
    ids = list(
        Appeal.objects.filter(
            status__in=CLOCK_STATES, overdue_marked_at=None, resolve_due_at__lt=now
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            won = Appeal.objects.filter(
                pk=pk, status__in=CLOCK_STATES, overdue_marked_at=None, resolve_due_at__lt=now
            ).update(overdue_marked_at=now, escalated_at=now)
            if not won:
                continue
            appeal = Appeal.objects.select_related("department").get(pk=pk)
            AppealEvent.objects.create(
                appeal=appeal,
                actor=None,
                actor_label="系统",
                action=Action.NOTE,
                from_status=appeal.status,
                to_status=appeal.status,
                note="超期升级",
                data={
                    "escalated_to": "street",
                    "resolve_due_at": appeal.resolve_due_at.isoformat() if appeal.resolve_due_at else None,
                },
                public=False,
            )
            text = f"超期升级:{appeal.number} {appeal.title}({appeal.department.name if appeal.department else '未派单'})"
            notify_officers(appeal.path, kind="overdue_escalated", text=text, appeal=appeal)
            actions_notify.notify_department(
                appeal, "overdue", f"已超期:{appeal.number} {appeal.title}"[:300]
            )
            result.overdue += 1


def _report_ins(now: datetime.datetime, result: SweepResult) -> None:
    rows = list(
        ReportIn.objects.filter(
            reported_at=None, escalated_at=None, due_at__lt=now, whistle__state=Whistle.State.OPEN
        ).values_list("pk", "department_id")
    )
    for pk, department_id in rows:
        with transaction.atomic():
            won = ReportIn.objects.filter(pk=pk, reported_at=None, escalated_at=None).update(escalated_at=now)
            if not won:
                continue
            row = ReportIn.objects.select_related("whistle", "department").get(pk=pk)
            text = f"报到超时:{row.department.name} 未按时响应“{row.whistle.reason[:40]}”"
            notify_officers(row.whistle.path, kind="report_in_overdue", text=text)
            notify_org(department_id, kind="report_in_overdue", text=f"请立即报到:{row.whistle.reason[:60]}")
            result.report_ins_escalated += 1


def sweep(now: datetime.datetime | None = None) -> SweepResult:
    """One pass over all four rules; safe to run concurrently and repeatedly."""
    now = now or timezone.now()
    result = SweepResult()
    _near_due(now, result)
    _sign_overdue(now, result)
    _overdue(now, result)
    _report_ins(now, result)
    return result
