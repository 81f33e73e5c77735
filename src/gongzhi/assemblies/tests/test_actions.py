"""Snapshot, ballots, proxies and elections through the actions, on a real register."""

import datetime
import re
from decimal import Decimal
from fractions import Fraction

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.assemblies import actions, queries
from gongzhi.assemblies.errors import AssemblyError
from gongzhi.assemblies.models import Ballot
from gongzhi.assemblies.tests.conftest import add_households, cast, new_assembly, voter_of
from gongzhi.people.tests.factories import make_person

DAY = datetime.date(2026, 2, 1)


def doc() -> SimpleUploadedFile:
    return SimpleUploadedFile("委托书.pdf", b"%PDF-1.4 proxy", content_type="application/pdf")


def test_opening_freezes_all_owners_and_all_area(register):
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    assert (assembly.total_owners, assembly.total_area) == (4, Decimal("600.00"))
    assert len(assembly.snapshot_version) == 64


def test_co_owners_of_one_unit_count_as_one_owner_and_its_area_once(register):
    spouse = make_person(name="配偶")
    actions.part_register(
        actor=None,
        household=register.households[0],
        area=Decimal("100"),
        owners=[register.owners[0], spouse],
        on=DAY,
    )
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    assert (assembly.total_owners, assembly.total_area) == (4, Decimal("600.00"))
    voter = voter_of(assembly, spouse)
    assert voter == voter_of(assembly, register.owners[0])
    assert voter.area == Decimal("100.00")


def test_one_owner_of_two_units_counts_once_with_both_areas(register):
    # owner 0 also buys household 2: three heads, area still 600
    actions.part_register(
        actor=None, household=register.households[2], area=Decimal("100"), owners=[register.owners[0]], on=DAY
    )
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    assert (assembly.total_owners, assembly.total_area) == (3, Decimal("600.00"))
    assert voter_of(assembly, register.owners[0]).area == Decimal("200.00")
    assert voter_of(assembly, register.owners[0]).parts == 2


def test_owners_linked_through_a_shared_unit_form_one_voter(register):
    # owner 0 owns 201 alone and co-owns 202 with owner 1: one head, 200 ㎡, never counted twice
    actions.part_register(
        actor=None,
        household=register.households[1],
        area=Decimal("100"),
        owners=[register.owners[0], register.owners[1]],
        on=DAY,
    )
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    assert (assembly.total_owners, assembly.total_area) == (3, Decimal("600.00"))
    assert voter_of(assembly, register.owners[1]).area == Decimal("200.00")


def test_a_sale_after_opening_does_not_change_the_snapshot_and_the_buyer_is_refused(register):
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    buyer = make_person(name="新业主")
    actions.part_register(
        actor=None, household=register.households[3], area=Decimal("300"), owners=[buyer], on=DAY
    )
    assembly.refresh_from_db()
    assert (assembly.total_owners, assembly.total_area) == (4, Decimal("600.00"))
    seller_voter = voter_of(assembly, register.owners[3])
    with pytest.raises(AssemblyError) as refused:
        cast(assembly, buyer, seller_voter)
    assert refused.value.status == 403
    assert "不在本次业主大会的业主名册中" in str(refused.value)
    cast(assembly, register.owners[3], seller_voter)  # the owner of record at opening still votes
    assert Ballot.objects.filter(voter=seller_voter).count() == 1


def test_a_ballot_form_from_before_a_resnapshot_is_refused_with_a_clear_message(register):
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    stale = assembly.snapshot_version
    actions.part_register(
        actor=None, household=register.households[0], area=Decimal("120"), owners=[register.owners[0]], on=DAY
    )
    assembly = actions.assembly_resnapshot(actor=None, assembly=assembly, reason="面积更正")
    assert assembly.snapshot_version != stale
    assert assembly.total_area == Decimal("620.00")
    voter = voter_of(assembly, register.owners[0])
    with pytest.raises(AssemblyError) as refused:
        cast(assembly, register.owners[0], voter, version=stale)
    assert refused.value.status == 409
    assert "快照已更新" in str(refused.value)
    assert not Ballot.objects.filter(voter=voter).exists()


def test_no_resnapshot_once_anyone_has_voted(register):
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    cast(assembly, register.owners[0], voter_of(assembly, register.owners[0]))
    with pytest.raises(AssemblyError):
        actions.assembly_resnapshot(actor=None, assembly=assembly, reason="x")


def test_voting_twice_is_refused_and_the_first_ballot_stands(register):
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    voter = voter_of(assembly, register.owners[0])
    cast(assembly, register.owners[0], voter, "yes")
    with pytest.raises(AssemblyError) as refused:
        cast(assembly, register.owners[0], voter, "no")
    assert refused.value.status == 409
    assert list(Ballot.objects.filter(voter=voter).values_list("choice", flat=True)) == ["yes"]


def test_voting_after_the_close_time_is_refused(register):
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    with (
        time_machine.travel(assembly.closes_at + datetime.timedelta(minutes=1)),
        pytest.raises(AssemblyError) as refused,
    ):
        cast(assembly, register.owners[0], voter_of(assembly, register.owners[0]))
    assert "不在表决时间内" in str(refused.value)


def test_a_proxy_votes_for_the_principal_once_and_one_proxy_per_principal(register):
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    agent = make_person(name="受托人")
    principal = voter_of(assembly, register.owners[3])
    proxy = actions.proxy_record(
        actor=None, assembly=assembly, principal=principal, agent=agent, document=doc()
    )
    assert proxy.document.name.endswith(".pdf")
    with pytest.raises(AssemblyError):
        actions.proxy_record(
            actor=None,
            assembly=assembly,
            principal=principal,
            agent=make_person(name="另一人"),
            document=doc(),
        )
    cast(assembly, agent, principal)
    ballot = Ballot.objects.get(voter=principal)
    assert (ballot.by_proxy, ballot.cast_by_id) == (True, agent.pk)
    with pytest.raises(AssemblyError):
        cast(assembly, register.owners[3], principal)  # the principal's vote is already in


def test_a_proxy_needs_its_document(register):
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    with pytest.raises(AssemblyError, match="授权委托书"):
        actions.proxy_record(
            actor=None,
            assembly=assembly,
            principal=voter_of(assembly, register.owners[0]),
            agent=make_person(),
            document=None,
        )


def test_results_by_both_measures_exactly_half_of_owners_fails_an_ordinary_matter(register):
    assembly = new_assembly(register, matters=[("续聘物业", "manager")])
    assembly = actions.assembly_open(actor=None, assembly=assembly)
    # all four take part; yes = owners 0 and 3 (100 + 300 = 400 of 600 ㎡, but 2 of 4 heads)
    for i, choice in enumerate(["yes", "no", "abstain", "yes"]):
        cast(assembly, register.owners[i], voter_of(assembly, register.owners[i]), choice)
    (result,) = queries.matter_results(assembly)
    assert result.outcome.quorum_met
    assert result.outcome.yes_area == Fraction(2, 3)
    assert result.outcome.yes_owners == Fraction(1, 2)
    assert not result.outcome.passed
    assert (result.no_owners, result.abstain_owners, result.abstain_area) == (1, 1, Decimal("100.00"))


def test_results_three_quarters_passes_a_special_matter_on_real_ballots(register):
    more = add_households(register.households[0].parent, 4, start=301)
    extra = [make_person(name=f"业主{i}") for i in range(4)]
    for h, p in zip(more, extra, strict=True):
        actions.part_register(actor=None, household=h, area=Decimal("100"), owners=[p], on=DAY)
    # now 8 owners: 100×7 + 300 = 1000 ㎡; make it equal-sized for a clean 3/4
    actions.part_register(
        actor=None, household=register.households[3], area=Decimal("100"), owners=[register.owners[3]], on=DAY
    )
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    owners = register.owners + extra
    for i, person in enumerate(owners):
        cast(assembly, person, voter_of(assembly, person), "yes" if i < 6 else "no")
    (result,) = queries.matter_results(assembly)
    assert result.matter.is_special
    assert (result.outcome.yes_area, result.outcome.yes_owners) == (Fraction(3, 4), Fraction(3, 4))
    assert result.outcome.passed


def test_quorum_missed_when_only_two_of_four_owners_take_part(register):
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    for i in (0, 3):  # 400 of 600 ㎡ is 2/3 of area, but 2 of 4 owners is 1/2
        cast(assembly, register.owners[i], voter_of(assembly, register.owners[i]))
    (result,) = queries.matter_results(assembly)
    assert result.outcome.quorum_area == Fraction(2, 3)
    assert result.outcome.quorum_owners == Fraction(1, 2)
    assert not result.outcome.quorum_met
    assert not result.outcome.passed


def test_committee_election_elects_up_to_n_with_the_double_majority(register):
    assembly = new_assembly(register, matters=[])
    election = actions.election_add(
        actor=None, assembly=assembly, title="第二届业委会", seats=1, candidates=["甲", "乙", "丙"]
    )
    assembly = actions.assembly_open(actor=None, assembly=assembly)
    a, b, c = election.candidates.all()
    picks = [
        [a.pk],
        [a.pk],
        [b.pk],
        [
            a.pk,
        ],
    ]
    for i, chosen in enumerate(picks):
        cast(
            assembly, register.owners[i], voter_of(assembly, register.owners[i]), picks={election.pk: chosen}
        )
    participation, results = queries.election_results(election)
    assert (participation.part_owners, participation.part_area) == (4, Decimal("600.00"))
    by_name = {r.candidate.name: r for r in results}
    assert by_name["甲"].elected  # 3 of 4 heads, 500 of 600 ㎡
    assert not by_name["乙"].elected
    assert not by_name["丙"].elected


def test_choosing_more_candidates_than_seats_is_refused(register):
    assembly = new_assembly(register, matters=[])
    election = actions.election_add(
        actor=None, assembly=assembly, title="补选", seats=1, candidates=["甲", "乙"]
    )
    assembly = actions.assembly_open(actor=None, assembly=assembly)
    both = list(election.candidates.values_list("pk", flat=True))
    with pytest.raises(AssemblyError, match="最多选1人"):
        cast(assembly, register.owners[0], voter_of(assembly, register.owners[0]), picks={election.pk: both})


def test_property_ratings_average_by_rater_kind(register, actors):
    from gongzhi.orgs.models import Organisation, OrgKind

    company = Organisation.objects.create(
        name="物业甲", kind=OrgKind.PROPERTY_COMPANY, territory=actors.net.street
    )

    def rate(person, score):
        return actions.rating_submit(
            actor=None,
            rater=person,
            company=company,
            compound=register.compound,
            year=2026,
            kind="resident",
            score=score,
        )

    for person, score in zip(register.owners[:3], [5, 4, 2], strict=True):
        rate(person, score)
    rate(register.owners[0], 3)
    with pytest.raises(AssemblyError):
        rate(register.owners[0], 6)
    (row,) = queries.rating_summary([company.pk], register.compound.pk)
    assert (row["n"], float(row["avg"])) == (3, 3.0)  # (3 + 4 + 2) / 3, the first 5 replaced by 3


def test_matters_cannot_be_added_once_voting_opened(register):
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    with pytest.raises(AssemblyError):
        actions.matter_add(actor=None, assembly=assembly, title="迟到的事项", category="other")


def test_opening_needs_a_future_close_time(register):
    assembly = new_assembly(register)
    assembly.closes_at = timezone.now() - datetime.timedelta(hours=1)
    assembly.save()
    with pytest.raises(AssemblyError):
        actions.assembly_open(actor=None, assembly=assembly)


def test_a_proxy_document_is_stored_under_a_generated_name_and_html_is_refused(register, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    principal = voter_of(assembly, register.owners[3])
    html = SimpleUploadedFile(
        "委托书.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf"
    )
    with pytest.raises(AssemblyError, match="PDF"):
        actions.proxy_record(
            actor=None,
            assembly=assembly,
            principal=principal,
            agent=make_person(name="受托人"),
            document=html,
        )
    evil = SimpleUploadedFile("../../evil.html", b"%PDF-1.4 proxy", content_type="text/html")
    proxy = actions.proxy_record(
        actor=None, assembly=assembly, principal=principal, agent=make_person(name="受托人"), document=evil
    )
    assert re.fullmatch(r"assemblies/proxies/\d{4}/[0-9a-f]{32}\.pdf", proxy.document.name)
