"""Reaching appeals: visible or 404; acting on them: the right capability or AppealForbidden (403)."""

from gongzhi.appeals.models import Appeal
from gongzhi.appeals.workflow import Action
from gongzhi.core.actors import Actor
from gongzhi.core.errors import NotAllowed
from gongzhi.core.scoping import get_scope


class AppealForbidden(NotAllowed, PermissionError):
    """The actor may not take this step (403); still a PermissionError for callers that catch one."""


def access_appeal(actor: Actor, appeal_id: int | str) -> Appeal:
    """The appeal, or Http404 — the same answer for 'missing' and 'not yours'."""
    appeal: Appeal = Appeal.objects.select_related(
        "department", "community", "street", "category"
    ).get_visible_or_404(actor, pk=appeal_id)
    return appeal


DISPATCHER_ACTIONS = {Action.ACCEPT, Action.REJECT, Action.DISPATCH, Action.MERGE, Action.CLOSE}
# the department handler's steps, in the order the appeal page shows them
HANDLER_ACTIONS = (
    Action.SIGN,
    Action.RETURN,
    Action.START,
    Action.CONTACT,
    Action.REPLY,
    Action.EXTEND_REQUEST,
)
RESIDENT_ACTIONS = {Action.RATE, Action.REOPEN}


def may(actor: Actor | None, appeal: Appeal, action: str) -> bool:
    scope = get_scope(actor)
    if actor is None:  # the system itself (auto-dispatch, sweepers)
        return True
    if scope.is_global:
        return True
    if action in DISPATCHER_ACTIONS:
        return (
            scope.can("dispatch_appeals", appeal.path)
            if appeal.path
            else bool(scope.paths_for("dispatch_appeals"))
        )
    if action in HANDLER_ACTIONS:
        return appeal.department_id is not None and appeal.department_id in scope.org_ids
    if action in RESIDENT_ACTIONS:
        return appeal.submitter_id is not None and appeal.submitter_id == scope.person_id
    if action == Action.EXTEND_DECIDE:
        return scope.can("approve_appeal_exceptions", appeal.path)
    if action == Action.WHISTLE:
        return scope.can("blow_whistle", appeal.path)
    if action == Action.NOTE:
        return scope.can("view_appeals", appeal.path) or appeal.department_id in scope.org_ids
    return False


def require(actor: Actor | None, appeal: Appeal, action: str) -> None:
    if not may(actor, appeal, action):
        raise AppealForbidden("您无权对该诉求执行此操作")


def may_manage_calendar(actor: Actor) -> bool:
    """The holiday calendar (CalendarDay rows) is deadline policy: manage_appeal_policy."""
    return get_scope(actor).can("manage_appeal_policy")
