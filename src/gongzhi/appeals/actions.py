"""Every change to an appeal after intake: one function per action, one transaction, the appeal row
locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), the
transition checked against workflow.TRANSITIONS *after* the lock — so of two concurrent actions
exactly one wins and the other raises InvalidTransition (HTTP 409) — and an AppealEvent appended."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.appeals import actions_notify, actions_stats, hooks, lifecycle
from gongzhi.appeals.access import AppealForbidden, require
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
from gongzhi.core.actors import Actor
from gongzhi.core.audit import record_write
from gongzhi.core.errors import BadInput

MAX_REOPENS = lifecycle.MAX_REOPENS


class AppealError(BadInput):
    """Bad input for an action (HTTP 400); message in Chinese."""


def _locked(appeal: Appeal) -> Appeal:
    # of=("self",): lock the appeal row only (PostgreSQL refuses FOR UPDATE on outer-joined rows)
    locked: Appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("department", "category")
        .get(pk=appeal.pk)
    )
    return locked


def event_rows(appeal: Appeal, outcome: lifecycle.Outcome) -> list[AppealEvent]:
    """The outcome's history as unsaved AppealEvent rows."""
    return [AppealEvent(appeal=appeal, **vars(e)) for e in outcome.events]


def apply(locked: Appeal, outcome: lifecycle.Outcome) -> Appeal:
    """The ORM applier: the appeal row (its changed columns), the history, the Rating row, the
    DailyStat deltas and the inbox rows, in the locked appeal's transaction."""
    outcome.apply_to(locked)
    locked.save(update_fields=outcome.field_names())
    AppealEvent.objects.bulk_create(event_rows(locked, outcome))
    if outcome.rating is not None:
        Rating.objects.create(appeal=locked, **outcome.rating)
    actions_stats.add_all(outcome.stats)
    for kind in outcome.resident_notices:
        actions_notify.notify_resident(locked, kind)
    for kind, text in outcome.department_texts(locked.number, locked.title):
        actions_notify.notify_department(locked, kind, text)
    return locked


def clock_of(appeal: Appeal) -> lifecycle.Clock:
    """The due times of a clock the appeal starts at a moment (its category's deadline policy)."""
    return lambda at: clocks_and_due(at, appeal.category, appeal.urgency)


def act(*, appeal: Appeal, action: str, actor: Actor | None, prepare: Any = None, **args: Any) -> Appeal:
    """Lock, check permission and state, plan the action and apply it. `prepare(locked)` gives the
    arguments that depend on the locked row (once the action is known to be allowed). Callers hold
    a transaction."""
    locked = _locked(appeal)
    require(actor, locked, action)
    next_status(locked.status, action)  # refuse before preparing anything
    if prepare is not None:
        args.update(prepare(locked))
    return apply(locked, lifecycle.plan(locked, action, at=timezone.now(), actor=actor, **args))


def transition(*, appeal: Appeal, action: str, actor: Actor | None, note: str = "", **data: Any) -> Appeal:
    """A step that changes nothing but the history (a note, a whistle): lock, check permission and
    state, append the event. Callers hold a transaction."""
    locked = _locked(appeal)
    require(actor, locked, action)
    outcome = lifecycle.plan(locked, action, at=timezone.now(), actor=actor, note=note, **data)
    outcome.apply_to(locked)
    AppealEvent.objects.bulk_create(event_rows(locked, outcome))
    return locked


def _reason(text: str, message: str) -> str:
    if not text.strip():
        raise AppealError(message)
    return text.strip()


@transaction.atomic
def appeal_accept(*, appeal: Appeal, actor: Actor | None, note: str = "") -> Appeal:
    return act(appeal=appeal, action=Action.ACCEPT, actor=actor, note=note)


@transaction.atomic
def appeal_reject(*, appeal: Appeal, actor: Actor | None, reason: str) -> Appeal:
    return act(appeal=appeal, action=Action.REJECT, actor=actor, note=_reason(reason, "请填写不予受理的理由"))


@transaction.atomic
def appeal_dispatch(
    *, appeal: Appeal, actor: Actor | None, department: Any, note: str = "", category: Any = None
) -> Appeal:
    """派单: to a department; starts the signing, first-contact and resolution clocks. A category
    chosen by the dispatcher is set first, so the clocks follow its deadline policy, and a choice
    other than the 秒拨 top suggestion becomes a training label that names it (decision 0036)."""
    if department is None or department.kind != "department" and department.kind != "property_company":
        raise AppealError("请选择承办部门")

    def prepare(locked: Appeal) -> dict[str, Any]:
        locked.department = department
        if category is not None:
            locked.category = category
        hooks.record_dispatch_choice(appeal=locked, department=department, category=category)
        return {"clock": clock_of(locked)}

    category_id = category.pk if category is not None else None
    return act(
        appeal=appeal, action=Action.DISPATCH, actor=actor, prepare=prepare, note=note,
        department_id=department.pk, category_id=category_id,
    )  # fmt: skip


@transaction.atomic
def appeal_dispatch_as_suggested(
    *, appeal: Appeal, actor: Actor | None, rank: int, departments: Any
) -> Appeal:
    """One tap on a 秒拨 suggestion: accept the appeal if it is still only submitted, then dispatch
    it to the suggestion's department with the suggestion's category. `departments` are those the
    actor may dispatch to (queries.dispatch_departments); the row lock makes a second tap 409."""
    suggestion = hooks.suggestion(appeal.pk, rank)
    if suggestion is None or suggestion.department_id is None:
        raise AppealError(_("该建议没有可派单的承办部门,请手动选择"))
    department = departments.filter(pk=suggestion.department_id).first()
    if department is None:
        raise AppealForbidden(_("无权派单到该部门"))
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
def appeal_sign(*, appeal: Appeal, actor: Actor | None) -> Appeal:
    """签收: counts towards the response rate if within sign_due_at."""
    return act(appeal=appeal, action=Action.SIGN, actor=actor)


@transaction.atomic
def appeal_return(*, appeal: Appeal, actor: Actor | None, reason: str) -> Appeal:
    """退单: not ours; back to the dispatcher's queue with the reason."""
    return act(appeal=appeal, action=Action.RETURN, actor=actor, note=_reason(reason, "请填写退单理由"))


@transaction.atomic
def appeal_start(*, appeal: Appeal, actor: Actor | None) -> Appeal:
    return act(appeal=appeal, action=Action.START, actor=actor)


@transaction.atomic
def appeal_contact(*, appeal: Appeal, actor: Actor | None, note: str) -> Appeal:
    return act(appeal=appeal, action=Action.CONTACT, actor=actor, note=note)


@transaction.atomic
def appeal_reply(*, appeal: Appeal, actor: Actor | None, text: str) -> Appeal:
    """答复: the department's answer to the resident, who then rates it."""
    text = text.strip()
    if len(text) < 5:
        raise AppealError("答复内容至少5个字")
    return act(appeal=appeal, action=Action.REPLY, actor=actor, note=text)


@transaction.atomic
def appeal_rate(
    *, appeal: Appeal, actor: Actor | None, satisfaction: str, solved: bool, comment: str = ""
) -> Appeal:
    """群众评卷: satisfied → closed; unsatisfied → reopened (up to MAX_REOPENS), else closed."""
    if satisfaction not in Satisfaction.values:
        raise AppealError("请选择满意、基本满意或不满意")
    return act(
        appeal=appeal, action=Action.RATE, actor=actor, note=comment, satisfaction=satisfaction, solved=solved,
        prepare=lambda locked: {"clock": clock_of(locked), "rating_round": locked.ratings.count() + 1},
    )  # fmt: skip


@transaction.atomic
def appeal_merge(*, appeal: Appeal, into: Appeal, actor: Actor | None) -> Appeal:
    """Merge a duplicate into a parent; the child's history stays and points at the parent."""
    if into.pk == appeal.pk or into.parent_id is not None:
        raise AppealError("不能合并到自身或已被合并的诉求")
    return act(appeal=appeal, action=Action.MERGE, actor=actor, parent_id=into.pk)


@transaction.atomic
def extension_request(*, appeal: Appeal, actor: User, workdays: int, reason: str) -> ExtensionRequest:
    if not 1 <= workdays <= 30 or not reason.strip():
        raise AppealError("延期天数应为1到30个工作日,并填写理由")
    locked = act(appeal=appeal, action=Action.EXTEND_REQUEST, actor=actor, note=reason, workdays=workdays)
    return ExtensionRequest.objects.create(
        appeal=locked, workdays=workdays, reason=reason.strip(), requested_by=actor
    )


@transaction.atomic
def extension_decide(*, request: ExtensionRequest, actor: User, approve: bool) -> ExtensionRequest:
    """An approved extension moves the resolution deadline by its working days: the clock is
    stopped for that long."""
    locked_request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if locked_request.state != ExtensionRequest.State.PENDING:
        raise InvalidTransition(Status.IN_PROGRESS, Action.EXTEND_DECIDE)

    def calendar(locked: Appeal) -> dict[str, Any]:
        due = locked.resolve_due_at
        return {"calendar": WorkCalendar.load(timezone.localtime(due).date()) if approve and due else None}

    act(
        appeal=locked_request.appeal, action=Action.EXTEND_DECIDE, actor=actor, prepare=calendar,
        approve=approve, workdays=locked_request.workdays,
    )  # fmt: skip
    locked_request.state = ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.REFUSED
    locked_request.decided_by = actor
    locked_request.save(update_fields=["state", "decided_by", "updated_at"])
    return locked_request


def notifications_mark_read(*, actor: Actor, notification_id: int | None = None) -> int:
    """Mark the actor's own unread inbox rows (or one of them) read; returns how many changed.
    Only the recipient's rows are touched, so there is nothing to lock and no history to write."""
    rows = Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=timezone.now())


@transaction.atomic
def board_switch(*, actor: Actor | None, territory: Any, enabled: bool) -> Any:
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
