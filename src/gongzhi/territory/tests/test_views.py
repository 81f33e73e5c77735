import re

import pytest
from conftest import PASSWORD
from django.test import override_settings
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.people.tests.factories import make_person


def signed_in(client, user):  # type: ignore[no-untyped-def]
    assert client.login(username=user.username, password=PASSWORD)
    return client


def node_url(node) -> str:  # type: ignore[no-untyped-def]
    return reverse("territory:node", args=[node.pk])


def test_root_sends_community_staff_to_the_district_so_they_can_navigate_down(client, actors):
    response = signed_in(client, actors.staff_a).get(reverse("territory:root"))
    assert response.status_code == 302
    assert response["Location"] == node_url(actors.net.district)


def test_root_is_404_for_a_resident_who_has_no_territory_role(client, actors):
    assert signed_in(client, actors.resident_a).get(reverse("territory:root")).status_code == 404


def test_territory_pages_need_sign_in(client, actors):
    response = client.get(node_url(actors.net.a.community))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_street_page_shows_only_the_visible_community_with_its_resident_count(client, actors):
    response = signed_in(client, actors.staff_a).get(node_url(actors.net.street))
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲社区" in html
    assert "乙社区" not in html
    child = next(c for c in response.context["children"] if c.pk == actors.net.a.community.pk)
    # person_a and resident_a live in community A's household
    assert child.resident_count == 2
    assert [a.name for a in response.context["ancestors"]] == ["光明区"]


def test_node_page_shows_facts_breadcrumb_and_aligned_organisations(client, actors):
    from gongzhi.orgs.models import Organisation, PartyOrg

    net = actors.net
    net.a.community.population = 12345
    net.a.community.household_count = 4321
    net.a.community.save()
    PartyOrg.objects.create(name="甲社区党委", level="community_committee", territory=net.a.community)
    Organisation.objects.create(name="甲社区居委会", kind="residents_committee", territory=net.a.community)
    Organisation.objects.create(name="乙社区居委会", kind="residents_committee", territory=net.b.community)
    html = signed_in(client, actors.staff_a).get(node_url(net.a.community)).content.decode()
    assert "12345" in html
    assert "4321" in html
    assert net.a.community.code in html
    assert "甲社区党委" in html
    assert "甲社区居委会" in html
    assert "乙社区居委会" not in html
    assert re.search(r'<nav class="breadcrumb".*光明区.*光明街道.*甲社区', html, re.S)


def test_staff_of_another_community_gets_404_on_every_node_below_community_a(client, actors):
    signed_in(client, actors.staff_b)
    for node in (actors.net.a.community, actors.net.a.grid, actors.net.a.household):
        assert client.get(node_url(node)).status_code == 404
    assert client.get(reverse("territory:node", args=[999999])).status_code == 404


def test_grid_page_lists_residents_masked_with_links_to_their_pages(client, actors):
    response = signed_in(client, actors.staff_a).get(node_url(actors.net.a.grid))
    html = response.content.decode()
    assert response.status_code == 200
    assert "王秀英" in html
    assert "4403**********0020" in html
    assert "440306195003070020" not in html
    assert actors.person_a.phone_masked in html
    assert actors.person_a.decrypt_phone() not in html
    assert reverse("people:detail", args=[actors.person_a.pk]) in html
    # the unit and room stay hidden in the masked address
    assert "甲社区 · 甲社区花园 · 1栋 · ****" in html
    assert "101" not in re.sub(r"<[^>]+>", " ", html).split("居民")[-1]


def test_community_page_has_no_resident_list_but_the_household_page_does(client, actors):
    signed_in(client, actors.secretary_a)
    assert client.get(node_url(actors.net.a.community)).context["residents"] is None
    residents = client.get(node_url(actors.net.a.household)).context["residents"]
    assert {p.name for p in residents} == {"王秀英", "居民甲"}


def test_office_staff_list_residents_per_building_and_cannot_open_a_household(client, actors):
    signed_in(client, actors.staff_a)
    residents = client.get(node_url(actors.net.a.building)).context["residents"]
    assert {p.name for p in residents} == {"王秀英", "居民甲"}
    assert client.get(node_url(actors.net.a.household)).status_code == 404


def test_department_handler_sees_the_tree_but_no_residents(client, actors):
    response = signed_in(client, actors.department_handler).get(node_url(actors.net.a.grid))
    assert response.status_code == 200
    assert response.context["residents"] is None
    assert "王秀英" not in response.content.decode()


def test_resident_list_on_a_node_page_is_paginated_and_its_queries_do_not_grow(
    client, actors, django_assert_max_num_queries
):
    for i in range(55):
        make_person(name=f"居民{i:02d}", household=actors.net.a.household)
    signed_in(client, actors.staff_a)
    with django_assert_max_num_queries(14):
        first = client.get(node_url(actors.net.a.building))
    assert len(first.context["residents"].object_list) == 50
    assert first.context["residents"].paginator.count == 57
    second = client.get(node_url(actors.net.a.building) + "?page=2")
    assert len(second.context["residents"].object_list) == 7


def test_node_page_queries_stay_flat_with_many_children(client, actors, django_assert_max_num_queries):
    from gongzhi.territory.tests.factories import make_node

    for i in range(2, 22):
        make_node("grid", f"{actors.net.a.community.code}{i:03d}", f"网格{i}", actors.net.a.community)
    signed_in(client, actors.staff_a)
    with django_assert_max_num_queries(12):
        response = client.get(node_url(actors.net.a.community))
    assert len(response.context["children"]) == 21


def test_map_page_starts_at_the_district_with_drill_links(client, actors):
    response = signed_in(client, actors.staff_a).get(reverse("territory:map"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-node-id="{actors.net.street.pk}"' in html
    assert 'data-tile-url=""' in html
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/territory/map.js" in html
    assert 'id="map-data"' in html


def test_map_page_for_a_node_lists_only_its_visible_children(client, actors):
    signed_in(client, actors.staff_a)
    html = client.get(reverse("territory:map") + f"?node={actors.net.street.pk}").content.decode()
    assert f'data-node-id="{actors.net.a.community.pk}"' in html
    assert f'data-node-id="{actors.net.b.community.pk}"' not in html
    assert "乙社区" not in html


def test_map_page_for_another_communitys_node_is_404(client, actors):
    signed_in(client, actors.staff_b)
    assert client.get(reverse("territory:map") + f"?node={actors.net.a.grid.pk}").status_code == 404
    assert client.get(reverse("territory:map") + "?node=abc").status_code == 404


@override_settings(MAP_TILE_URL="https://tiles.example/{z}/{x}/{y}.png")
def test_map_page_passes_the_tile_url_when_one_is_configured(client, actors):
    html = signed_in(client, actors.staff_a).get(reverse("territory:map")).content.decode()
    assert 'data-tile-url="https://tiles.example/{z}/{x}/{y}.png"' in html


def test_territory_pages_have_no_inline_script(client, actors):
    signed_in(client, actors.staff_a)
    for url in (reverse("territory:map"), node_url(actors.net.a.grid)):
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, tag
        assert not re.search(r"\son[a-z]+=", html)


@pytest.mark.parametrize("user", ["staff_a", "street_officer", "platform_admin"])
def test_reading_territory_pages_writes_nothing(client, actors, user):
    signed_in(client, getattr(actors, user))
    before = AuditEntry.objects.exclude(kind="sign_in").count()
    client.get(reverse("territory:map"))
    client.get(node_url(actors.net.a.grid))
    assert AuditEntry.objects.exclude(kind="sign_in").count() == before
