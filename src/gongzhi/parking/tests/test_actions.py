"""Applications, tiers, the draw, permits and revocation, through the actions."""

import hashlib
from datetime import date, time

import pytest

from gongzhi.parking import actions
from gongzhi.parking.lottery import draw_order, winners
from gongzhi.parking.models import ParkingApplication, ParkingPermit
from gongzhi.parking.plates import PlateError
from gongzhi.parking.tests.conftest import apply, make_offer
from gongzhi.parking.workflow import ApplicationStatus, PermitStatus, Tier
from gongzhi.people.models import PersonTag, Tag

pytestmark = pytest.mark.django_db


def test_resident_applies_and_gets_a_number(actors, offer):
    application = apply(actors.resident_a, offer, "粤B·12345")
    assert application.plate == "粤B12345"
    assert application.number == f"TC{application.pk:08d}"
    assert application.tier == Tier.NO_OWN_SPACE


def test_a_wrong_plate_is_refused_and_nothing_is_stored(actors, offer):
    with pytest.raises(PlateError):
        apply(actors.resident_a, offer, "粤B1234")
    assert not ParkingApplication.objects.exists()


def test_applying_outside_the_offered_window_is_refused_with_a_reason(actors, offer):
    with pytest.raises(actions.ParkingError) as info:
        apply(actors.resident_a, offer, "粤B12345", days="6", start=time(9), end=time(18))
    assert "周六" in str(info.value)
    assert "工作日" in str(info.value)
    assert not ParkingApplication.objects.exists()


def test_applying_twice_is_refused(actors, offer):
    apply(actors.resident_a, offer, "粤B12345")
    with pytest.raises(actions.ParkingError) as info:
        apply(actors.resident_a, offer, "粤B12346")
    assert info.value.status == 409


def test_a_resident_of_another_community_cannot_apply(actors, unit_b):
    other = make_offer(actors.staff_b, unit_b)
    with pytest.raises(actions.ParkingError) as info:
        apply(actors.resident_a, other, "粤B12345")
    assert info.value.status == 404


def test_need_tier_from_a_disabled_or_elderly_household_member(actors, offer, residents):
    person = residents[0].person
    PersonTag.objects.create(person=person, tag=Tag.DISABILITY)
    assert apply(residents[0], offer, "粤B11111", own=True).tier == Tier.NEED
    old = residents[1].person
    old.birth_date = date(1940, 1, 1)
    old.save()
    assert apply(residents[1], offer, "粤B22222", own=True).tier == Tier.NEED
    assert apply(residents[2], offer, "粤B33333", own=True).tier == Tier.OTHER


def test_draw_gives_need_first_then_no_own_space_then_lottery(actors, unit_a, residents):
    offer = make_offer(actors.staff_a, unit_a, spaces=2)
    PersonTag.objects.create(person=residents[4].person, tag=Tag.ELDERLY_ALONE)
    apps = [apply(u, offer, f"粤B1000{i}", own=True) for i, u in enumerate(residents)]
    draw = actions.draw_run(actor=actors.staff_a, offer=offer)
    got = {a.number: ParkingApplication.objects.get(pk=a.pk).status for a in apps}
    assert got[apps[4].number] == ApplicationStatus.ALLOCATED  # need first
    entries = [(n, t) for n, t in draw.entries]
    assert entries == sorted(entries)  # published in number order
    expected = winners(draw.seed, entries, draw.free_spaces)
    assert sorted(n for n, s in got.items() if s == ApplicationStatus.ALLOCATED) == sorted(expected)
    assert sum(s == ApplicationStatus.NOT_ALLOCATED for s in got.values()) == 3
    assert sorted(ParkingPermit.objects.values_list("space_no", flat=True)) == [1, 2]


def test_a_revoked_space_goes_to_the_next_draw_and_never_twice(actors, unit_a, residents):
    offer = make_offer(actors.staff_a, unit_a, spaces=1)
    apply(residents[0], offer, "粤B10000")
    actions.draw_run(actor=actors.staff_a, offer=offer)
    permit = ParkingPermit.objects.get()
    apply(residents[1], offer, "粤B10001")
    draw = actions.draw_run(actor=actors.staff_a, offer=offer)
    assert draw.free_spaces == 0
    assert ParkingApplication.objects.get(plate="粤B10001").status == ApplicationStatus.NOT_ALLOCATED
    actions.permit_revoke(actor=actors.staff_a, permit=permit, reason="违规停放")
    with pytest.raises(actions.ParkingError):
        actions.permit_revoke(actor=actors.staff_a, permit=permit, reason="再次")
    apply(residents[2], offer, "粤B10002")
    actions.draw_run(actor=actors.staff_a, offer=offer)
    active = ParkingPermit.objects.filter(status=PermitStatus.ACTIVE)
    assert [(p.plate, p.space_no) for p in active] == [("粤B10002", 1)]


def test_draw_without_pending_applications_is_refused(actors, offer):
    with pytest.raises(actions.ParkingError) as info:
        actions.draw_run(actor=actors.staff_a, offer=offer)
    assert info.value.status == 409


def test_staff_of_another_community_cannot_draw_or_revoke(actors, offer, residents):
    apply(residents[0], offer, "粤B10000")
    with pytest.raises(actions.ParkingError) as info:
        actions.draw_run(actor=actors.staff_b, offer=offer)
    assert info.value.status == 404
    assert not ParkingPermit.objects.exists()
    actions.draw_run(actor=actors.staff_a, offer=offer)
    with pytest.raises(actions.ParkingError):
        actions.permit_revoke(actor=actors.staff_b, permit=ParkingPermit.objects.get(), reason="x")
    assert ParkingPermit.objects.get().status == PermitStatus.ACTIVE


def test_a_space_cannot_be_held_twice_even_bypassing_the_action(actors, offer, residents):
    """The partial unique constraint is the guarantee behind the locked draw."""
    from django.db import IntegrityError, transaction

    a = apply(residents[0], offer, "粤B10000")
    b = apply(residents[1], offer, "粤B10001")
    ParkingPermit.objects.create(offer=offer, application=a, holder=a.applicant, plate=a.plate, space_no=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ParkingPermit.objects.create(
            offer=offer, application=b, holder=b.applicant, plate=b.plate, space_no=1
        )


def test_an_offer_commits_a_system_seed_when_it_opens_and_the_draw_reveals_exactly_that_seed(
    actors, unit_a, residents
):
    offer = make_offer(actors.staff_a, unit_a, spaces=1)
    other = make_offer(actors.staff_a, unit_a, spaces=1, title="周末车位")
    assert len(offer.next_seed) == 32
    assert offer.next_seed != other.next_seed
    published = offer.seed_commitment
    assert published == hashlib.sha256(offer.next_seed.encode()).hexdigest()
    for i, u in enumerate(residents):
        apply(u, offer, f"粤B1000{i}")
    draw = actions.draw_run(actor=actors.staff_a, offer=offer)
    assert draw.seed_hash == published
    assert hashlib.sha256(draw.seed.encode()).hexdigest() == published  # anyone can check
    assert draw.seed_committed_at is not None
    ranks = dict(ParkingApplication.objects.values_list("number", "rank"))
    assert [n for n, _t in draw_order(draw.seed, [tuple(e) for e in draw.entries])] == sorted(
        ranks, key=ranks.__getitem__
    )


def test_after_a_draw_a_new_seed_is_committed_and_a_refused_draw_keeps_the_old_one(actors, unit_a, residents):
    offer = make_offer(actors.staff_a, unit_a, spaces=1)
    first = offer.next_seed
    with pytest.raises(actions.ParkingError):
        actions.draw_run(actor=actors.staff_a, offer=offer)  # nothing pending: no seed consumed
    offer.refresh_from_db()
    assert offer.next_seed == first
    apply(residents[0], offer, "粤B10000")
    assert actions.draw_run(actor=actors.staff_a, offer=offer).seed == first
    offer.refresh_from_db()
    assert offer.next_seed != first
    assert offer.seed_commitment == hashlib.sha256(offer.next_seed.encode()).hexdigest()
