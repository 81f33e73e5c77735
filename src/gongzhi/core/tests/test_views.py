from django.urls import reverse

from gongzhi.accounts.models import User
from gongzhi.people.models import PartyMember
from gongzhi.people.tests.factories import make_person
from gongzhi.territory.queries import home_summary


def counts(summary) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {label: n for label, n, _url in summary.counts}


def test_community_staff_counts_cover_their_own_community_only(actors):
    summary = home_summary(actors.staff_a)
    assert summary.is_staff
    assert summary.top_node == actors.net.district
    assert counts(summary) == {
        # no "街道": the street above is visible for navigation but is not "theirs"
        "社区": 1,
        "网格": 1,
        "小区": 1,
        "楼栋": 1,
        "居民": 2,
        "党员": 0,
        "组织": 0,
    }
    assert [(r.label, r.territory) for r in summary.roles] == [("社区工作人员", actors.net.a.community)]


def test_street_officer_counts_cover_the_street(actors):
    from gongzhi.orgs.models import Organisation, PartyOrg

    branch = PartyOrg.objects.create(name="支部", level="branch", territory=actors.net.b.grid)
    PartyMember.objects.create(person=actors.person_b, kind="retired", branch=branch)
    Organisation.objects.create(name="城管局", kind="department", territory=actors.net.district)
    Organisation.objects.create(name="乙居委会", kind="residents_committee", territory=actors.net.b.community)
    c = counts(home_summary(actors.street_officer))
    assert (c["街道"], c["社区"], c["网格"], c["居民"], c["党员"], c["组织"]) == (1, 2, 2, 3, 1, 1)


def test_department_handler_sees_structure_counts_but_no_people_counts(actors):
    c = counts(home_summary(actors.department_handler))
    assert c["社区"] == 2
    assert "居民" not in c


def test_home_page_for_staff_shows_roles_counts_and_links(client, actors, django_assert_max_num_queries):
    client.force_login(actors.staff_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("core:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "社区工作人员" in html
    assert 'id="scope-counts"' in html
    assert reverse("territory:map") in html
    assert reverse("people:list") in html
    assert reverse("orgs:chart") in html


def test_resident_home_shows_own_record_masked_and_household_only(client, actors):
    client.force_login(actors.resident_a)
    response = client.get(reverse("core:home"))
    html = response.content.decode()
    assert response.status_code == 200
    own = actors.resident_a.person
    assert 'id="own-record"' in html
    assert own.id_number_masked in html
    assert own.decrypt_id_number() not in html
    assert "甲社区 · 甲社区花园 · 1栋 · ****" in html
    assert "王秀英" in html  # the other member of the household, by name only
    assert reverse("people:detail", args=[actors.person_a.pk]) not in html
    assert "李建国" not in html
    assert 'id="scope-counts"' not in html
    assert reverse("territory:map") not in html


def test_account_without_person_or_roles_is_told_so(client, db):
    client.force_login(User.objects.create_user(username="nobody"))
    assert "还没有分配角色" in client.get(reverse("core:home")).content.decode()


def test_person_without_roles_sees_their_own_record(client, db):
    client.force_login(User.objects.create_user(username="someone", person=make_person(name="无角色")))
    assert 'id="own-record"' in client.get(reverse("core:home")).content.decode()


def test_home_needs_sign_in(client, db):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
