import pytest
from conftest import make_user
from django.http import Http404

from gongzhi.accounts.roles import Role
from gongzhi.territory.access import access_node
from gongzhi.territory.models import TerritoryNode


def test_community_staff_navigate_to_buildings_but_not_to_room_numbers(actors):
    net = actors.net
    assert access_node(actors.staff_a, net.a.building.pk) == net.a.building
    with pytest.raises(Http404):
        access_node(actors.staff_a, net.a.household.pk)
    visible = set(TerritoryNode.objects.visible_to(actors.staff_a).values_list("level", flat=True))
    assert "household" not in visible
    assert "unit" not in visible


def test_grid_workers_and_the_secretary_see_households_in_their_area(actors):
    net = actors.net
    grid_worker = make_user("gw_a", "网格员甲", Role.GRID_WORKER, net.a.grid)
    assert access_node(grid_worker, net.a.household.pk) == net.a.household
    assert access_node(actors.secretary_a, net.a.household.pk) == net.a.household
    with pytest.raises(Http404):
        access_node(grid_worker, net.b.household.pk)


def test_imports_still_find_units_for_staff_who_may_import(actors):
    rows = TerritoryNode.objects.visible_to(actors.staff_a, "import_ledgers").filter(level="unit")
    assert list(rows) == [actors.net.a.unit]
