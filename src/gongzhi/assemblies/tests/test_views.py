"""Pages: who may manage, who may vote, and the refusals."""

import datetime
from decimal import Decimal

from conftest import make_user
from django.urls import reverse
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.assemblies import actions
from gongzhi.assemblies.models import Assembly, Ballot, Matter, SnapshotVoter
from gongzhi.assemblies.tests.conftest import cast, new_assembly, voter_of
from gongzhi.core.models import AuditEntry


def _ballot_post(assembly, voter, choice="yes", version=None):
    data = {"voter": voter.pk, "version": version or assembly.snapshot_version}
    for m in assembly.matters.all():
        data[f"matter-{m.pk}"] = choice
    return data


def test_owners_committee_calls_an_assembly_of_its_compound(client, register):
    client.force_login(register.committee_user)
    page = client.get(reverse("assemblies:index"))
    assert page.status_code == 200
    assert register.compound.name in page.content.decode()
    closes = (timezone.localtime() + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("assemblies:index"),
        {"compound": register.compound.pk, "title": "关于增设电梯", "closes_at": closes},
    )
    assembly = Assembly.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assemblies:detail", args=[assembly.pk])
    client.post(
        reverse("assemblies:add_matter", args=[assembly.pk]), {"title": "加装电梯", "category": "rebuild"}
    )
    client.post(reverse("assemblies:transition", args=[assembly.pk]), {"step": "open"})
    assembly.refresh_from_db()
    assert (assembly.status, assembly.total_owners, assembly.total_area) == ("voting", 4, Decimal("600.00"))


def test_staff_of_another_community_gets_404_and_nothing_changes(client, register, actors):
    assembly = new_assembly(register)
    client.force_login(actors.staff_b)
    for url in (
        reverse("assemblies:detail", args=[assembly.pk]),
        reverse("assemblies:register", args=[register.compound.pk]),
    ):
        assert client.get(url).status_code == 404
    response = client.post(
        reverse("assemblies:add_matter", args=[assembly.pk]), {"title": "x", "category": "other"}
    )
    assert response.status_code == 404
    response = client.post(reverse("assemblies:transition", args=[assembly.pk]), {"step": "open"})
    assert response.status_code == 404
    assembly.refresh_from_db()
    assert assembly.status == "draft"
    assert Matter.objects.filter(assembly=assembly).count() == 1


def test_an_owner_votes_on_the_phone_page_and_the_ballot_counts(client, register):
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    owner = register.owner_users[3]
    client.force_login(owner)
    page = client.get(reverse("assemblies:ballot", args=[assembly.pk]))
    assert page.status_code == 200
    assert "提交投票" in page.content.decode()
    voter = SnapshotVoter.objects.get(assembly=assembly, members__person=owner.person)
    response = client.post(reverse("assemblies:ballot", args=[assembly.pk]), _ballot_post(assembly, voter))
    assert response.status_code == 302
    assert Ballot.objects.get(voter=voter).choice == "yes"
    again = client.post(reverse("assemblies:ballot", args=[assembly.pk]), _ballot_post(assembly, voter, "no"))
    assert again.status_code == 409
    assert "只能投一次" in again.content.decode()
    assert Ballot.objects.get(voter=voter).choice == "yes"


def test_a_tenant_of_the_compound_is_told_they_cannot_vote(client, register, actors):
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    tenant = make_user(
        "tenant", "租户", Role.RESIDENT, register.households[0], household=register.households[0]
    )
    client.force_login(tenant)
    page = client.get(reverse("assemblies:ballot", args=[assembly.pk]))
    assert page.status_code == 200
    assert "不在本次业主大会冻结的业主名册中" in page.content.decode()
    voter = SnapshotVoter.objects.filter(assembly=assembly).first()
    response = client.post(reverse("assemblies:ballot", args=[assembly.pk]), _ballot_post(assembly, voter))
    assert response.status_code == 403
    assert "不能投票" in response.content.decode()
    assert not Ballot.objects.exists()


def test_a_resident_of_another_community_gets_404_on_the_ballot(client, register, actors):
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    outsider = make_user(
        "outsider", "外人", Role.RESIDENT, actors.net.b.household, household=actors.net.b.household
    )
    client.force_login(outsider)
    assert client.get(reverse("assemblies:ballot", args=[assembly.pk])).status_code == 404
    voter = SnapshotVoter.objects.filter(assembly=assembly).first()
    assert (
        client.post(
            reverse("assemblies:ballot", args=[assembly.pk]), _ballot_post(assembly, voter)
        ).status_code
        == 404
    )
    assert not Ballot.objects.exists()


def test_a_ballot_on_a_changed_snapshot_is_refused_with_409_and_a_message(client, register):
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    stale = assembly.snapshot_version
    actions.part_register(
        actor=None,
        household=register.households[1],
        area=Decimal("101"),
        owners=[register.owners[1]],
        on=datetime.date(2026, 3, 1),
    )
    assembly = actions.assembly_resnapshot(actor=None, assembly=assembly, reason="面积更正")
    owner = register.owner_users[0]
    client.force_login(owner)
    voter = SnapshotVoter.objects.get(assembly=assembly, members__person=owner.person)
    response = client.post(
        reverse("assemblies:ballot", args=[assembly.pk]), _ballot_post(assembly, voter, version=stale)
    )
    assert response.status_code == 409
    assert "快照已更新" in response.content.decode()
    assert not Ballot.objects.exists()


def test_the_detail_page_shows_results_by_both_measures_with_the_rule(client, register, actors):
    assembly = actions.assembly_open(
        actor=None, assembly=new_assembly(register, matters=[("续聘物业", "manager")])
    )
    for owner in register.owners[:3]:
        cast(assembly, owner, voter_of(assembly, owner))
    client.force_login(actors.secretary_a)
    html = client.get(reverse("assemblies:detail", args=[assembly.pk])).content.decode()
    assert "300.00㎡ / 600.00㎡ = 1/2" in html  # participation by area
    assert "3 / 4" in html  # by headcount
    assert "参与表决未达三分之二" in html


def test_proxy_is_recorded_with_its_document_by_phone(client, register):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongzhi.people.tests.factories import make_person

    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    agent = make_person(name="受托人", phone="13912345678")
    principal = SnapshotVoter.objects.get(assembly=assembly, members__person=register.owners[2])
    client.force_login(register.committee_user)
    response = client.post(
        reverse("assemblies:add_proxy", args=[assembly.pk]),
        {
            "principal": principal.pk,
            "agent_phone": "13912345678",
            "document": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    assert principal.proxy.agent == agent
    assert AuditEntry.objects.filter(action="assemblies.proxy_record").count() == 1


def test_residents_rate_their_property_company_and_see_the_average(client, register, actors):
    from gongzhi.orgs.models import Organisation, OrgKind

    company = Organisation.objects.create(
        name="物业甲", kind=OrgKind.PROPERTY_COMPANY, territory=actors.net.street
    )
    company.serves.add(register.compound)
    client.force_login(register.owner_users[0])
    response = client.post(
        reverse("assemblies:rate"), {"company": company.pk, "score": 4, "comment": "保洁及时"}
    )
    assert response.status_code == 302
    client.force_login(actors.secretary_a)
    response = client.post(
        reverse("assemblies:rate_branch", args=[register.compound.pk]), {"company": company.pk, "score": 2}
    )
    assert response.status_code == 302
    html = client.get(reverse("assemblies:rate_branch", args=[register.compound.pk])).content.decode()
    assert "4.00" in html
    assert "2.00" in html
    client.force_login(actors.staff_b)
    assert client.get(reverse("assemblies:rate_branch", args=[register.compound.pk])).status_code == 404


def test_the_results_api_gives_exact_fractions_and_404_to_outsiders(client, register, actors):
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    for i, owner in enumerate(register.owners):
        cast(assembly, owner, voter_of(assembly, owner), "yes" if i != 3 else "no")
    client.force_login(register.committee_user)
    body = client.get(f"/api/v1/assemblies/{assembly.pk}/results").json()
    (matter,) = body["matters"]
    assert (matter["yes_area_share"], matter["yes_owners_share"], matter["passed"]) == ("1/2", "3/4", False)
    assert matter["special"] is True
    client.force_login(actors.staff_b)
    assert client.get(f"/api/v1/assemblies/{assembly.pk}/results").status_code == 404


def test_after_the_close_time_the_ballot_page_says_so_instead_of_offering_a_form(client, register):
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    Assembly.objects.filter(pk=assembly.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=5))
    client.force_login(register.owner_users[0])
    html = client.get(reverse("assemblies:ballot", args=[assembly.pk])).content.decode()
    assert "表决已截止" in html
    assert "提交投票" not in html


def test_the_register_form_names_owners_by_phone_and_a_refusal_keeps_the_input(client, register):
    from gongzhi.assemblies.models import Ownership
    from gongzhi.people.tests.factories import make_person

    owner = make_person(name="新业主", phone="13987654321")
    client.force_login(register.committee_user)
    url = reverse("assemblies:register", args=[register.compound.pk])
    household = register.households[1].pk
    refused = client.post(url, {"household": household, "area": "88.50", "owner_phones": "13900000000"})
    assert refused.status_code == 422
    assert "未登记为居民" in refused.content.decode()
    assert "88.50" in refused.content.decode()  # the area the user typed is still in the form
    saved = client.post(url, {"household": household, "area": "88.50", "owner_phones": "13987654321"})
    assert saved.status_code == 302
    assert Ownership.objects.current().filter(part__household_id=household).get().person == owner


def test_a_matter_added_after_voting_opened_is_refused_on_the_page_with_409(client, register):
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    client.force_login(register.committee_user)
    response = client.post(
        reverse("assemblies:add_matter", args=[assembly.pk]), {"title": "迟到的事项", "category": "other"}
    )
    assert response.status_code == 409
    assert "表决已开始" in response.content.decode()
    assert assembly.matters.count() == 1


def test_an_election_is_added_on_the_page_one_candidate_a_line(client, register):
    assembly = new_assembly(register)
    client.force_login(register.committee_user)
    url = reverse("assemblies:add_election", args=[assembly.pk])
    refused = client.post(url, {"title": "补选委员", "seats": 3, "candidates": "陈志强\n刘晓燕"})
    assert refused.status_code == 422
    assert "刘晓燕" in refused.content.decode()  # what the user typed is still in the form
    assert (
        client.post(url, {"title": "补选委员", "seats": 2, "candidates": "陈志强\n刘晓燕\n"}).status_code
        == 302
    )
    (election,) = assembly.elections.all()
    assert sorted(election.candidates.values_list("name", flat=True)) == ["刘晓燕", "陈志强"]
