"""Every change to an appeal after intake: one function per action, one transaction, the appeal row
locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), the
transition checked against workflow.TRANSITIONS *after* the lock — so of two concurrent actions
exactly one wins and the other raises InvalidTransition (HTTP 409) — and an AppealEvent appended."""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.appeals import actions_notify, hooks, stats
from gongzhi.appeals.access import require
from gongzhi.appeals.calendar import WorkCalendar
from gongzhi.appeals.deadlines import clocks_and_due
from gongzhi.appeals.models import (
    Appeal,
    AppealEvent,
    BoardSetting,
    ExtensionRequest,
    Notification,
    Rating,
    Satisfaction,
)
from gongzhi.appeals.workflow import Action, InvalidTransition, Status, next_status
from gongzhi.core.audit import actor_label, record_write
from gongzhi.core.errors import BadInput

MAX_REOPENS = getattr(settings, "APPEAL_MAX_REOPENS", 2)


class AppealError(BadInput):
    """Bad input for an action (HTTP 400); message in Chinese."""


def _event(appeal: Appeal, action: str, actor: Any, before: str, note: str = "", **data: Any) -> AppealEvent:
    return AppealEvent.objects.create(
        appeal=appeal,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label(actor),
        action=action,
        from_status=before,
        to_status=appeal.status,
        note=note,
        data=data,
    )


def _locked(appeal: Appeal) -> Appeal:
    # of=("self",): lock the appeal row only (PostgreSQL refuses FOR UPDATE on outer-joined rows)
    return (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("department", "category")
        .get(pk=appeal.pk)
    )


def transition(*, appeal: Appeal, action: str, actor: Any, note: str = "", **data: Any) -> Appeal:
    """Lock, check permission and state, move, append the event. Callers add side effects."""
    locked = _locked(appeal)
    require(actor, locked, action)
    before = locked.status
    locked.status = next_status(before, action)
    _event(locked, action, actor, before, note, **data)
    return locked


@transaction.atomic
def appeal_accept(*, appeal: Appeal, actor: Any, note: str = "") -> Appeal:
    locked = transition(appeal=appeal, action=Action.ACCEPT, actor=actor, note=note)
    locked.save(update_fields=["status", "updated_at"])
    actions_notify.notify_resident(locked, "accepted")
    return locked


@transaction.atomic
def appeal_reject(*, appeal: Appeal, actor: Any, reason: str) -> Appeal:
    if not reason.strip():
        raise AppealError("请填写不予受理的理由")
    locked = transition(appeal=appeal, action=Action.REJECT, actor=actor, note=reason.strip())
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at", "updated_at"])
    return locked


def start_clocks(appeal: Appeal, now: Any, deadline_version: tuple | None = None) -> None:
    due = clocks_and_due(now, appeal.category, appeal.urgency, deadline_version)
    appeal.dispatched_at = now
    appeal.sign_due_at = due.sign_due_at
    appeal.contact_due_at = due.contact_due_at
    appeal.resolve_due_at = due.resolve_due_at
    appeal.signed_at = None
    appeal.signed_on_time = None
    appeal.near_due_notified_at = None
    appeal.overdue_marked_at = None


@transaction.atomic
def appeal_dispatch(
    *, appeal: Appeal, actor: Any, department: Any, note: str = "", category: Any = None
) -> Appeal:
    """派单: to a department; starts the signing, first-contact and resolution clocks. A category
    chosen by the dispatcher is set first, so the clocks follow its deadline policy, and a choice
    other than the 秒拨 top suggestion becomes a training label that names it (decision 0036)."""
    if department is None or department.kind != "department" and department.kind != "property_company":
        raise AppealError("请选择承办部门")
    extra = {"category_id": category.pk} if category is not None else {}
    locked = transition(
        appeal=appeal, action=Action.DISPATCH, actor=actor, note=note, department_id=department.pk, **extra
    )
    locked.department = department
    if category is not None:
        locked.category = category
    hooks.record_dispatch_choice(appeal=locked, department=department, category=category)
    now = timezone.now()
    start_clocks(locked, now)
    locked.save()
    stats.bump(locked, dispatched=1)
    actions_notify.notify_resident(locked, "dispatched")
    actions_notify.notify_department(locked, "assigned", f"新派单:{locked.number} {locked.title}")
    return locked


@transaction.atomic
def appeal_dispatch_as_suggested(*, appeal: Appeal, actor: Any, rank: int, departments: Any) -> Appeal:
    """One tap on a 秒拨 suggestion: accept the appeal if it is still only submitted, then dispatch
    it to the suggestion's department with the suggestion's category. `departments` are those the
    actor may dispatch to (queries.dispatch_departments); the row lock makes a second tap 409."""
    suggestion = hooks.suggestion(appeal.pk, rank)
    if suggestion is None or suggestion.department_id is None:
        raise AppealError(_("该建议没有可派单的承办部门,请手动选择"))
    department = departments.filter(pk=suggestion.department_id).first()
    if department is None:
        raise PermissionError(_("无权派单到该部门"))
    locked = _locked(appeal)
    if locked.status == Status.SUBMITTED:
        locked = appeal_accept(appeal=locked, actor=actor, note="按智能分拨建议受理")
    return appeal_dispatch(
        appeal=locked,
        actor=actor,
        department=department,
        category=suggestion.category,
        note=f"按智能分拨建议第{rank}项派单",
    )


@transaction.atomic
def appeal_sign(*, appeal: Appeal, actor: Any) -> Appeal:
    """签收: counts towards the response rate if within sign_due_at."""
    locked = transition(appeal=appeal, action=Action.SIGN, actor=actor)
    now = timezone.now()
    locked.signed_at = now
    locked.signed_on_time = locked.sign_due_at is None or now <= locked.sign_due_at
    locked.save(update_fields=["status", "signed_at", "signed_on_time", "updated_at"])
    if locked.signed_on_time:
        stats.bump(locked, day=timezone.localdate(locked.dispatched_at or now), signed_on_time=1)
    return locked


@transaction.atomic
def appeal_return(*, appeal: Appeal, actor: Any, reason: str) -> Appeal:
    """退单: not ours; back to the dispatcher's queue with the reason."""
    if not reason.strip():
        raise AppealError("请填写退单理由")
    locked = transition(
        appeal=appeal,
        action=Action.RETURN,
        actor=actor,
        note=reason.strip(),
        department_id=appeal.department_id,
    )
    locked.department = None
    locked.save(update_fields=["status", "department", "updated_at"])
    return locked


@transaction.atomic
def appeal_start(*, appeal: Appeal, actor: Any) -> Appeal:
    locked = transition(appeal=appeal, action=Action.START, actor=actor)
    locked.save(update_fields=["status", "updated_at"])
    return locked


@transaction.atomic
def appeal_contact(*, appeal: Appeal, actor: Any, note: str) -> Appeal:
    locked = transition(appeal=appeal, action=Action.CONTACT, actor=actor, note=note)
    if locked.first_contact_at is None:
        locked.first_contact_at = timezone.now()
    locked.save(update_fields=["first_contact_at", "updated_at"])
    return locked


@transaction.atomic
def appeal_reply(*, appeal: Appeal, actor: Any, text: str) -> Appeal:
    """答复: the department's answer to the resident, who then rates it."""
    text = text.strip()
    if len(text) < 5:
        raise AppealError("答复内容至少5个字")
    locked = transition(appeal=appeal, action=Action.REPLY, actor=actor, note=text)
    now = timezone.now()
    locked.replied_at = now
    locked.first_contact_at = locked.first_contact_at or now
    locked.save(update_fields=["status", "replied_at", "first_contact_at", "updated_at"])
    actions_notify.notify_resident(locked, "replied")
    return locked


@transaction.atomic
def appeal_rate(*, appeal: Appeal, actor: Any, satisfaction: str, solved: bool, comment: str = "") -> Appeal:
    """群众评卷: satisfied → closed; unsatisfied → reopened (up to MAX_REOPENS), else closed."""
    if satisfaction not in Satisfaction.values:
        raise AppealError("请选择满意、基本满意或不满意")
    locked = transition(
        appeal=appeal, action=Action.RATE, actor=actor, note=comment, satisfaction=satisfaction, solved=solved
    )
    rating_round = locked.ratings.count() + 1
    Rating.objects.create(
        appeal=locked,
        round=rating_round,
        satisfaction=satisfaction,
        solved=solved,
        comment=comment[:500],
        rated_by_id=locked.submitter_id,
        department_id=locked.department_id,
    )
    happy = satisfaction != Satisfaction.UNSATISFIED
    stats.bump(locked, rated=1, solved=int(solved), satisfied=int(happy))
    before = locked.status
    now = timezone.now()
    if not happy and locked.reopen_count < MAX_REOPENS:
        locked.status = next_status(before, Action.REOPEN)
        locked.reopen_count += 1
        start_clocks(locked, now)
        _event(locked, Action.REOPEN, None, before, "群众不满意,重新办理")
        stats.bump(locked, dispatched=1)
        actions_notify.notify_department(locked, "reopened", f"群众不满意,重新办理:{locked.number}")
    else:
        locked.status = next_status(before, Action.CLOSE)
        locked.closed_at = now
        _event(locked, Action.CLOSE, None, before, "评价后办结")
    locked.save()
    return locked


@transaction.atomic
def appeal_merge(*, appeal: Appeal, into: Appeal, actor: Any) -> Appeal:
    """Merge a duplicate into a parent; the child's history stays and points at the parent."""
    if into.pk == appeal.pk or into.parent_id is not None:
        raise AppealError("不能合并到自身或已被合并的诉求")
    locked = transition(appeal=appeal, action=Action.MERGE, actor=actor, parent_id=into.pk)
    locked.parent = into
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "parent", "closed_at", "updated_at"])
    return locked


@transaction.atomic
def extension_request(*, appeal: Appeal, actor: Any, workdays: int, reason: str) -> ExtensionRequest:
    if not 1 <= workdays <= 30 or not reason.strip():
        raise AppealError("延期天数应为1到30个工作日,并填写理由")
    locked = transition(
        appeal=appeal, action=Action.EXTEND_REQUEST, actor=actor, note=reason, workdays=workdays
    )
    return ExtensionRequest.objects.create(
        appeal=locked, workdays=workdays, reason=reason.strip(), requested_by=actor
    )


@transaction.atomic
def extension_decide(*, request: ExtensionRequest, actor: Any, approve: bool) -> ExtensionRequest:
    """An approved extension moves the resolution deadline by its working days: the clock is
    stopped for that long."""
    locked_request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if locked_request.state != ExtensionRequest.State.PENDING:
        raise InvalidTransition(Status.IN_PROGRESS, Action.EXTEND_DECIDE)
    locked = transition(
        appeal=locked_request.appeal, action=Action.EXTEND_DECIDE, actor=actor, approved=approve
    )
    locked_request.state = ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.REFUSED
    locked_request.decided_by = actor
    locked_request.save(update_fields=["state", "decided_by", "updated_at"])
    if approve and locked.resolve_due_at is not None:
        due = timezone.localtime(locked.resolve_due_at)
        locked.resolve_due_at = WorkCalendar.load(due.date()).add_workdays(due, locked_request.workdays)
        locked.overdue_marked_at = None
        locked.save(update_fields=["resolve_due_at", "overdue_marked_at", "updated_at"])
    return locked_request


def notifications_mark_read(*, actor: Any, notification_id: int | None = None) -> int:
    """Mark the actor's own unread inbox rows (or one of them) read; returns how many changed.
    Only the recipient's rows are touched, so there is nothing to lock and no history to write."""
    rows = Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=timezone.now())


@transaction.atomic
def board_switch(*, actor: Any, territory: Any, enabled: bool) -> Any:
    """公示 on/off for a territory (the caller has checked the actor may switch it); audited."""
    setting, _created = BoardSetting.objects.update_or_create(
        territory=territory, defaults={"enabled": enabled}
    )
    record_write(
        actor=actor,
        action="appeal_board_switch",
        obj=setting,
        object_label=territory.name,
        scope_path=territory.path,
        detail={"enabled": enabled},
    )
    return setting
