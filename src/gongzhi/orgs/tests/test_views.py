import datetime
from dataclasses import dataclass

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.orgs.models import Organisation, PartyOrg, Post
from gongzhi.people.models import PartyMember
from gongzhi.people.tests.factories import make_person
from gongzhi.territory.models import TerritoryNode


@dataclass
class Party:
    street_committee: PartyOrg
    committee_a: PartyOrg
    branch_a: PartyOrg
    group_a: PartyOrg
    household_a: PartyOrg
    committee_b: PartyOrg
    branch_b: PartyOrg
    residents_committee_a: Organisation
    property_company_a: Organisation
    residents_committee_b: Organisation


def _org(name: str, level: str, parent: PartyOrg | None, territory: TerritoryNode) -> PartyOrg:
    return PartyOrg.objects.create(name=name, level=level, parent=parent, territory=territory)


def make_party(actors) -> Party:  # type: ignore[no-untyped-def]
    """Street committee → community committees → branches → group → member household, with posts,
    members and a few other organisations, on the conftest net."""
    net = actors.net
    street = _org("光明街道党工委", "street_committee", None, net.street)
    committee_a = _org("甲社区党委", "community_committee", street, net.a.community)
    branch_a = _org("甲社区第一党支部", "branch", committee_a, net.a.grid)
    group_a = _org("花园党小组", "group", branch_a, net.a.compound)
    household_a = _org("王秀英党员中心户", "member_household", group_a, net.a.household)
    committee_b = _org("乙社区党委", "community_committee", street, net.b.community)
    branch_b = _org("乙社区第一党支部", "branch", committee_b, net.b.grid)
    Post.objects.create(
        person=actors.secretary_a.person,
        party_org=committee_a,
        title="secretary",
        starts_on=datetime.date(2024, 1, 1),
    )
    former = make_person(name="前任书记")
    Post.objects.create(
        person=former,
        party_org=committee_a,
        title="secretary",
        starts_on=datetime.date(2019, 1, 1),
        ends_on=datetime.date(2023, 12, 31),
    )
    Post.objects.create(
        person=make_person(name="乙书记"),
        party_org=committee_b,
        title="secretary",
        starts_on=datetime.date(2024, 1, 1),
    )
    PartyMember.objects.create(person=actors.person_a, kind="retired", branch=branch_a)
    PartyMember.objects.create(
        person=make_person(name="张党员", household=net.a.household), kind="unemployed", branch=branch_a
    )
    PartyMember.objects.create(person=actors.person_b, kind="retired", branch=branch_b)
    rc_a = Organisation.objects.create(
        name="甲社区居委会", kind="residents_committee", territory=net.a.community
    )
    pc_a = Organisation.objects.create(
        name="碧水物业",
        kind="property_company",
        territory=net.a.community,
        contact_phone="0755-26000000",
        credit_code="91440300MA5F000001",
    )
    pc_a.serves.add(net.a.compound)
    rc_b = Organisation.objects.create(
        name="乙社区居委会", kind="residents_committee", territory=net.b.community
    )
    return Party(street, committee_a, branch_a, group_a, household_a, committee_b, branch_b, rc_a, pc_a, rc_b)


@pytest.fixture
def party(actors) -> Party:  # type: ignore[no-untyped-def]
    return make_party(actors)


def as_user(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


def test_chart_shows_the_visible_party_tree_with_current_secretaries_and_member_counts(client, actors, party):
    response = as_user(client, actors.staff_a).get(reverse("orgs:chart"))
    html = response.content.decode()
    assert response.status_code == 200
    tree = response.context["tree"]
    assert [n.org.name for n in tree] == ["光明街道党工委"]
    committee = tree[0].children[0]
    assert committee.org.name == "甲社区党委"
    assert committee.secretaries == ["书记甲"]
    assert committee.total_members == 2
    branch = committee.children[0]
    assert (branch.org.name, branch.member_count) == ("甲社区第一党支部", 2)
    assert branch.children[0].children[0].org.name == "王秀英党员中心户"
    assert "乙社区党委" not in html
    assert "前任书记" not in html
    # the street committee's total counts only what staff_a may see
    assert tree[0].total_members == 2


def test_street_officer_sees_both_communities(client, actors, party):
    tree = as_user(client, actors.street_officer).get(reverse("orgs:chart")).context["tree"]
    assert [c.org.name for c in tree[0].children] == ["甲社区党委", "乙社区党委"]
    assert tree[0].total_members == 3


def test_chart_queries_do_not_grow_with_the_number_of_organisations(
    client, actors, party, django_assert_max_num_queries
):
    as_user(client, actors.staff_a)
    with django_assert_max_num_queries(10) as small:
        client.get(reverse("orgs:chart"))
    for i in range(25):
        branch = _org(f"支部{i}", "branch", party.committee_a, actors.net.a.grid)
        Post.objects.create(person=make_person(name=f"书记{i}"), party_org=branch, title="secretary")
        Organisation.objects.create(name=f"商户{i}", kind="merchant", territory=actors.net.a.grid)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("orgs:chart"))
    assert len(response.context["tree"][0].children[0].children) == 26


def test_chart_groups_other_organisations_by_kind_within_scope(client, actors, party):
    response = as_user(client, actors.staff_a).get(reverse("orgs:chart"))
    assert response.context["kinds"] == [
        ("residents_committee", "居委会", 1),
        ("property_company", "物业公司", 1),
    ]
    names = [o.name for o in response.context["organisations"]]
    assert "乙社区居委会" not in names
    filtered = client.get(reverse("orgs:chart"), {"kind": "property_company"}).context["organisations"]
    assert [o.name for o in filtered] == ["碧水物业"]


def test_party_org_page_lists_posts_with_dates_and_members_masked(client, actors, party):
    response = as_user(client, actors.staff_a).get(reverse("orgs:party_org", args=[party.committee_a.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "书记甲" in html
    assert "前任书记" in html
    assert "2019-01-01" in html
    assert "2023-12-31" in html
    assert "至今" in html
    members = as_user(client, actors.staff_a).get(reverse("orgs:party_org", args=[party.branch_a.pk]))
    html = members.content.decode()
    assert "王秀英" in html
    assert actors.person_a.phone_masked in html
    assert actors.person_a.decrypt_phone() not in html
    assert "440306195003070020" not in html
    assert members.context["parent"] == party.committee_a
    assert members.context["children"] == [party.group_a]


def test_party_org_of_another_community_is_404_and_nothing_changes(client, actors, party):
    before = AuditEntry.objects.exclude(action="scope.denied").count()
    as_user(client, actors.staff_b)
    assert client.get(reverse("orgs:party_org", args=[party.committee_a.pk])).status_code == 404
    assert client.get(reverse("orgs:party_org", args=[party.branch_a.pk])).status_code == 404
    assert client.get(reverse("orgs:party_org", args=[999999])).status_code == 404
    # nothing written but the denials of the two existing rows, which are audited (issue 13);
    # the missing id leaves no trace, so the two answers cannot be told apart
    assert AuditEntry.objects.exclude(action="scope.denied").count() == before
    assert AuditEntry.objects.filter(action="scope.denied", kind=AuditEntry.Kind.REFUSAL).count() == 2


def test_organisation_page(client, actors, party):
    response = as_user(client, actors.staff_a).get(
        reverse("orgs:organisation", args=[party.property_company_a.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "碧水物业" in html
    assert "0755-26000000" in html
    assert "甲社区花园" in html  # the compound it serves


def test_organisation_of_another_community_is_404(client, actors, party):
    as_user(client, actors.staff_b)
    assert client.get(reverse("orgs:organisation", args=[party.property_company_a.pk])).status_code == 404


def test_resident_sees_no_organisations(client, actors, party):
    as_user(client, actors.resident_a)
    response = client.get(reverse("orgs:chart"))
    assert response.context["tree"] == []
    assert client.get(reverse("orgs:party_org", args=[party.branch_a.pk])).status_code == 404
