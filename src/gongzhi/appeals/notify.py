"""Notifications: an inbox row in the same transaction as the change, SMS sent after commit by the
task worker (a failed send is retried there and never rolls the appeal back)."""

from typing import Any

from django.db import transaction

from gongzhi.appeals.models import Appeal, Notification

RESIDENT_TEXT = {
    "accepted": "您的诉求{number}已受理。",
    "dispatched": "您的诉求{number}已派至{department}办理。",
    "replied": "您的诉求{number}已答复,请登录评价办理结果。",
}


def notify_resident(appeal: Appeal, kind: str) -> None:
    if appeal.submitter_id is None or appeal.anonymous:
        return
    department = appeal.department.name if appeal.department_id else ""
    text = RESIDENT_TEXT[kind].format(number=appeal.number, department=department)
    account = getattr(appeal.submitter, "account", None)
    row = Notification.objects.create(
        recipient=account,
        recipient_person_id=appeal.submitter_id,
        appeal=appeal,
        kind=kind,
        text=text,
        sms_wanted=True,
    )
    _enqueue_sms(row.pk)


def handler_ids(department_id: int) -> Any:
    """The department's current handler accounts (ids), as a queryset: one query, the handlers'
    people a subquery rather than a list fetched first."""
    from gongzhi.accounts.models import RoleAssignment, User

    people = RoleAssignment.objects.active().filter(organisation_id=department_id).values("person_id")
    return User.objects.filter(person_id__in=people, is_active=True).values_list("pk", flat=True)


def department_rows(
    appeal: Appeal, kind: str, text: str, handlers: list[int] | None = None
) -> list[Notification]:
    """Unsaved inbox rows, one per current handler account of the appeal's department. `handlers`:
    the ids handler_ids gives, when the caller has already read them (intake folds the read into a
    query it makes anyway)."""
    if appeal.department_id is None:
        return []
    ids = list(handler_ids(appeal.department_id)) if handlers is None else handlers
    return [Notification(recipient_id=user_id, appeal=appeal, kind=kind, text=text) for user_id in ids]


def notify_department(appeal: Appeal, kind: str, text: str, handlers: list[int] | None = None) -> None:
    """Every current handler account of the appeal's department gets an inbox row."""
    rows = department_rows(appeal, kind, text, handlers)
    if rows:
        Notification.objects.bulk_create(rows)


def _enqueue_sms(notification_id: int) -> None:
    from gongzhi.appeals.tasks import send_notification_sms

    transaction.on_commit(lambda: send_notification_sms.enqueue(notification_id))
