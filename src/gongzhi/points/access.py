"""Who may reach which points rows; everything else is the same 404 as "does not exist".

Residents reach their own account, redemptions and their community's catalogue through their
person record; staff with manage_points reach accounts, rules, items and flags in their territory;
merchant counter staff reach the redemptions of their own organisation (redemption.verifiable_by).
"""

from typing import Any

from django.db.models import Q
from django.http import Http404

from gongzhi.core.scoping import get_scope
from gongzhi.people.models import Person
from gongzhi.points.accounts import find_account
from gongzhi.points.models import Account, CatalogueItem, Flag, Redemption
from gongzhi.territory.models import Level, TerritoryNode


def acting_person(user: Any) -> Person:
    person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
    if person is None:
        raise Http404
    return person


def person_community(person: Person) -> TerritoryNode | None:
    return person.household.community() if person.household_id else None


def can_manage(user: Any) -> bool:
    return get_scope(user).can("manage_points")


def access_account(user: Any, account_id: int) -> Account:
    """The actor's own account, or one in their manage_points territory."""
    person_id = getattr(user, "person_id", None)
    own = Account.objects.filter(pk=account_id, person_id=person_id) if person_id else Account.objects.none()
    account = own.first() or Account.objects.visible_to(user, "manage_points").filter(pk=account_id).first()
    if account is None:
        raise Http404
    return account


def own_account(user: Any) -> Account | None:
    return find_account(acting_person(user))


def catalogue_for(person: Person) -> Any:
    """Items on offer in the person's community (none for someone without a household)."""
    community = person_community(person)
    if community is None:
        return CatalogueItem.objects.none()
    return (
        CatalogueItem.objects.on_offer()
        .filter(community=community)
        .select_related("merchant", "locker", "community")
    )


def access_item_to_redeem(user: Any, item_id: int) -> CatalogueItem:
    item = catalogue_for(acting_person(user)).filter(pk=item_id).first()
    if item is None:
        raise Http404
    return item


def access_item(user: Any, item_id: int) -> CatalogueItem:
    return CatalogueItem.objects.select_related("community", "merchant", "locker").get_visible_or_404(
        user, "manage_points", pk=item_id
    )


def access_own_redemption(user: Any, redemption_id: int) -> Redemption:
    found = (
        Redemption.objects.select_related("item", "item__merchant", "item__locker")
        .filter(pk=redemption_id, person=acting_person(user))
        .first()
    )
    if found is None:
        raise Http404
    return found


def access_flag(user: Any, flag_id: int) -> Flag:
    return Flag.objects.select_related("community", "recipient").get_visible_or_404(
        user, "manage_points", pk=flag_id
    )


def managed_areas(user: Any) -> Any:
    """Districts, streets and communities where the actor may set rules and catalogue items."""
    # not TerritoryNode.visible_to: it includes ancestors for navigation, and a community's staff
    # must not set the street's or district's rules
    scope = get_scope(user)
    areas = TerritoryNode.objects.filter(level__in=[Level.DISTRICT, Level.STREET, Level.COMMUNITY]).order_by(
        "path"
    )
    if scope.is_global:
        return areas
    condition = Q(pk__in=[])
    for path in scope.paths_for("manage_points"):
        condition |= Q(path__startswith=path)
    return areas.filter(condition)


def access_area(user: Any, node_id: int) -> TerritoryNode:
    node = managed_areas(user).filter(pk=node_id).first()
    if node is None:
        raise Http404
    return node
