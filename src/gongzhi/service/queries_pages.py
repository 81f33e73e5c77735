"""The rows the service pages and the API list, each scoped to the actor (`visible_to`): views call
these instead of querying models themselves (issue 14 step 7)."""

from typing import Any

from gongzhi.core.actors import Actor
from gongzhi.orgs.models import Organisation
from gongzhi.people.models import PartyMember
from gongzhi.service.models import (
    Helper,
    HelperTeam,
    Pairing,
    ReportIn,
    ServiceItem,
    ServiceNotice,
    ServiceOrder,
    ServicePost,
    Wish,
)
from gongzhi.service.workflow import OrderStatus, WishStatus
from gongzhi.territory.models import Level, TerritoryNode

PARTNER_KINDS = ("partner_unit", "resident_unit", "social_org")


def notices_of(person: Any) -> Any:
    """The person's latest 100 reminders."""
    return ServiceNotice.objects.filter(recipient=person).select_related("order")[:100] if person else []


def order_worklist(actor: Actor, status: str) -> Any:
    """Staff's orders where they manage service; `status` one of the states, or "overdue"."""
    rows = ServiceOrder.objects.visible_to(actor, "manage_service").select_related(
        "item", "community", "helper__person"
    )
    if status == "overdue":
        return rows.overdue()
    return rows.filter(status=status) if status in OrderStatus.values else rows


def api_orders(actor: Actor, status: str) -> Any:
    """The orders the API caller may see (their area's, their own, those assigned to them)."""
    rows = ServiceOrder.objects.visible_to(actor).select_related("item", "community")
    return rows.filter(status=status) if status else rows


def conversion_items(actor: Actor, appeal: Any) -> list[ServiceItem]:
    """The active catalogue of the appeal's community (none for an appeal without one)."""
    if appeal is None or not appeal.community_id:
        return []
    return list(ServiceItem.objects.visible_to(actor).filter(active=True, path=appeal.community.path))


def managed_communities(actor: Actor) -> Any:
    """The communities where the actor manages service."""
    return TerritoryNode.objects.visible_to(actor, "manage_service").filter(level=Level.COMMUNITY)


def managed_building(actor: Actor, building_id: int) -> TerritoryNode | None:
    return (
        TerritoryNode.objects.visible_to(actor, "manage_service")
        .filter(pk=building_id, level=Level.BUILDING)
        .first()
    )


def open_pairings(actor: Actor) -> Any:
    return (
        Pairing.objects.visible_to(actor)
        .filter(ended_on=None)
        .select_related("member__person", "elder", "branch", "community")
    )


def party_member(actor: Actor, person: Any) -> PartyMember | None:
    """The person's party membership, if the actor may see it."""
    return PartyMember.objects.visible_to(actor).filter(person=person).select_related("branch").first()


def posts_and_reports(actor: Actor) -> tuple[Any, Any]:
    """The service posts and the (not withdrawn) report-ins the actor may see."""
    posts = ServicePost.objects.visible_to(actor).select_related("community")
    reports = (
        ReportIn.objects.visible_to(actor)
        .filter(withdrawn_at=None)
        .select_related("member__person", "community")
    )
    return posts, reports[:200]


def teams_of(actor: Actor, **filters: Any) -> Any:
    return (
        HelperTeam.objects.visible_to(actor).filter(**filters).select_related("community", "leader", "parent")
    )


def team_areas(actor: Actor, team: HelperTeam) -> Any:
    """The grids, compounds and buildings under the team's community."""
    return TerritoryNode.objects.visible_to(actor).filter(
        path__startswith=team.path, level__in=[Level.GRID, Level.COMPOUND, Level.BUILDING]
    )


def no_areas(actor: Actor) -> Any:
    return TerritoryNode.objects.visible_to(actor).none()


def team_members(actor: Actor, team: HelperTeam) -> Any:
    return Helper.objects.visible_to(actor).filter(team=team).select_related("person", "organisation")


def units_under(actor: Actor, path: str, kinds: tuple[str, ...] = PARTNER_KINDS) -> Any:
    """Organisations of these kinds in the area at `path`."""
    return Organisation.objects.visible_to(actor).filter(territory__path__startswith=path, kind__in=kinds)


def unit_by_id(actor: Actor, raw: Any) -> Organisation | None:
    return Organisation.objects.visible_to(actor).filter(pk=raw or 0).first()


def own_helper(actor: Actor, person: Any) -> Helper | None:
    """The person's own membership of a helper team."""
    return Helper.objects.visible_to(actor).filter(person=person).select_related("team", "person").first()


def wish_list(actor: Actor, status: str) -> Any:
    rows = Wish.objects.visible_to(actor).select_related("community")
    return rows.filter(status=status) if status in WishStatus.values else rows
