"""TerritoryNode.community() / .street() and the pure community_path() / street_path()."""

import pytest

from gongzhi.territory.models import TerritoryNode, community_path, street_path


def test_paths_are_prefixes_of_the_node_path_and_empty_above_the_level():
    household = "440311/440311001/440311001001/440311001001001/"
    assert community_path(household) == "440311/440311001/440311001001/"
    assert street_path(household) == "440311/440311001/"
    assert community_path("440311/440311001/440311001001/") == "440311/440311001/440311001001/"
    assert street_path("440311/440311001/") == "440311/440311001/"
    assert community_path("440311/440311001/") == ""
    assert community_path("440311/") == ""
    assert street_path("440311/") == ""
    assert community_path("") == ""


def test_every_node_below_a_community_finds_it_and_its_street(net):
    for branch in (net.a, net.b):
        for node in (branch.grid, branch.compound, branch.building, branch.unit, branch.household):
            fresh = TerritoryNode.objects.get(pk=node.pk)
            assert fresh.community() == branch.community
            assert fresh.street() == net.street
            assert community_path(fresh.path) == branch.community.path


def test_a_community_and_a_street_are_their_own_without_a_query(net, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert net.a.community.community() is net.a.community
        assert net.street.street() is net.street


def test_nodes_above_the_level_have_none(net, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert net.district.community() is None
        assert net.district.street() is None
        assert net.street.community() is None


def test_one_query_from_a_bare_node(net, django_assert_num_queries):
    household = TerritoryNode.objects.get(pk=net.a.household.pk)
    with django_assert_num_queries(1):
        assert household.community() == net.a.community


def test_no_query_when_the_parent_chain_is_loaded(net, django_assert_num_queries):
    household = TerritoryNode.objects.select_related("parent__parent__parent__parent__parent__parent").get(
        pk=net.a.household.pk
    )
    with django_assert_num_queries(0):
        assert household.community() == net.a.community
        assert household.street() == net.street


@pytest.mark.parametrize("level", ["grid", "compound", "building", "unit", "household"])
def test_the_community_found_is_at_the_community_level(net, level):
    node = TerritoryNode.objects.filter(level=level, path__startswith=net.b.community.path).get()
    found = node.community()
    assert found is not None
    assert found.level == "community"
