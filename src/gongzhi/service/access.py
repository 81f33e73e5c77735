"""Reaching service objects: visible or 404 (the same answer for 'missing' and 'not yours');
acting on them: the right role for the action or ServiceForbidden (403, a PermissionError)."""

from typing import Any

from django.http import Http404

from gongzhi.core.actors import Actor
from gongzhi.core.errors import NotAllowed
from gongzhi.core.scoping import get_scope
from gongzhi.service.models import Helper, HelperTeam, Pairing, ServiceItem, ServiceOrder, Wish
from gongzhi.service.workflow import OrderAction


class ServiceForbidden(NotAllowed, PermissionError):
    """The actor's role does not allow this action here (403); still a PermissionError for callers."""


STAFF_ACTIONS = {OrderAction.ASSIGN, OrderAction.CLOSE, OrderAction.CONVERT}
HELPER_ACTIONS = {OrderAction.ACCEPT, OrderAction.DECLINE, OrderAction.FULFIL}
RESIDENT_ACTIONS = {OrderAction.RATE}


def may_manage(actor: Actor | None, path: str) -> bool:
    scope = get_scope(actor)
    return scope.is_global or scope.can("manage_service", path)


def is_staff(actor: Actor | None) -> bool:
    scope = get_scope(actor)
    return scope.is_global or bool(scope.paths_for("manage_service"))


def may(actor: Actor | None, order: ServiceOrder, action: str) -> bool:
    if actor is None:  # the system (sweeps)
        return True
    scope = get_scope(actor)
    if action in STAFF_ACTIONS:
        return may_manage(actor, order.path)
    if action in HELPER_ACTIONS:
        return order.helper_id is not None and order.helper.person_id == scope.person_id
    if action in RESIDENT_ACTIONS:
        return order.resident_id is not None and order.resident_id == scope.person_id
    if action == OrderAction.CANCEL:
        return may_manage(actor, order.path) or (
            order.resident_id is not None and order.resident_id == scope.person_id
        )
    return False


def require(actor: Actor | None, order: ServiceOrder, action: str) -> None:
    if not may(actor, order, action):
        raise ServiceForbidden("您无权对该服务单执行此操作")


def access_order(actor: Actor, order_id: Any) -> ServiceOrder:
    return ServiceOrder.objects.select_related(
        "item", "community", "building", "resident", "helper__person", "helper__team", "appeal", "from_appeal"
    ).get_visible_or_404(actor, pk=order_id)


def access_team(actor: Actor, team_id: Any) -> HelperTeam:
    return HelperTeam.objects.select_related("community", "leader", "parent").get_visible_or_404(
        actor, pk=team_id
    )


def access_helper(actor: Actor, helper_id: Any) -> Helper:
    return Helper.objects.select_related("person", "team").get_visible_or_404(actor, pk=helper_id)


def access_item(actor: Actor, item_id: Any) -> ServiceItem:
    return ServiceItem.objects.get_visible_or_404(actor, pk=item_id)


def access_wish(actor: Actor, wish_id: Any) -> Wish:
    """Staff of the area only: the staff page shows the beneficiary (masked)."""
    return Wish.objects.select_related("community", "beneficiary").get_visible_or_404(actor, pk=wish_id)


def access_pairing(actor: Actor, pairing_id: Any) -> Pairing:
    """Staff of the area, or the paired member themself."""
    scope = get_scope(actor)
    rows = Pairing.objects.select_related("member__person", "elder", "branch", "community")
    try:
        pairing = rows.get(pk=pairing_id)
    except (Pairing.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if may_manage(actor, pairing.path) or pairing.member.person_id == scope.person_id:
        return pairing
    raise Http404
