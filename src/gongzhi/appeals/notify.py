"""Notifications, the pure part: the resident's texts, the department's handler accounts and the
unsaved inbox rows for them (actions_notify writes them; intake folds them into its statement)."""

from typing import Any

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.appeals.models import Appeal, Notification

RESIDENT_TEXT = {
    "accepted": "您的诉求{number}已受理。",
    "dispatched": "您的诉求{number}已派至{department}办理。",
    "replied": "您的诉求{number}已答复,请登录评价办理结果。",
}


def handler_ids(department_id: int) -> Any:
    """The department's current handler accounts (ids), as a queryset: one query, the handlers'
    people a subquery rather than a list fetched first."""
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
