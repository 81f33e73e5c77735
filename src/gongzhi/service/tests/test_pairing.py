"""Pairing with elderly people living alone, the visit log, and alerts on missed visits."""

from datetime import timedelta

import pytest
from conftest import make_user
from django.utils import timezone

from gongzhi.orgs.models import Post
from gongzhi.people.tests.factories import make_person
from gongzhi.service import actions_pairing, actions_sweeps
from gongzhi.service.actions import ServiceError
from gongzhi.service.models import Pairing, PairingAlert
from gongzhi.service.tests.test_orders import client_for

pytestmark = pytest.mark.django_db


def test_pairing_a_member_with_an_elder_and_logging_a_visit(actors, world):
    pairing = actions_pairing.pairing_create(
        actor=actors.staff_a, member=world.member_a, elder=world.elder_a, interval_days=7
    )
    assert pairing.next_due_on == timezone.localdate() + timedelta(days=7)
    assert pairing.branch == world.branch_a
    today = timezone.localdate()
    actions_pairing.visit_log(actor=actors.staff_a, pairing=pairing, visited_on=today, note="老人身体好")
    pairing.refresh_from_db()
    assert pairing.last_visit_on == today


def test_only_tagged_elders_may_be_paired(actors, world):
    with pytest.raises(ServiceError):
        actions_pairing.pairing_create(actor=actors.staff_a, member=world.member_a, elder=actors.person_a)


def test_staff_of_another_community_cannot_pair_or_see(actors, world):
    with pytest.raises(PermissionError):
        actions_pairing.pairing_create(actor=actors.staff_b, member=world.member_a, elder=world.elder_a)
    pairing = actions_pairing.pairing_create(actor=actors.staff_a, member=world.member_a, elder=world.elder_a)
    assert client_for(actors.staff_b).get(f"/service/pairings/{pairing.pk}/").status_code == 404


def test_a_missed_visit_raises_one_alert_to_the_branch_and_a_visit_resolves_it(actors, world):
    pairing = actions_pairing.pairing_create(
        actor=actors.staff_a, member=world.member_a, elder=world.elder_a, interval_days=7
    )
    Pairing.objects.filter(pk=pairing.pk).update(next_due_on=timezone.localdate() - timedelta(days=2))
    assert actions_sweeps.raise_pairing_alerts() == 1
    assert actions_sweeps.raise_pairing_alerts() == 0  # once per missed due date
    alert = PairingAlert.objects.get()
    assert alert.branch == world.branch_a
    # the branch secretary sees it; staff of another community do not
    secretary = make_user("branch_sec", "支部书记", None, household=actors.net.a.household)
    Post.objects.create(person=secretary.person, party_org=world.branch_a, title="secretary")
    assert "党员王" in client_for(secretary).get("/service/pairings/alerts/").content.decode()
    assert client_for(actors.staff_b).get("/service/pairings/alerts/").context["alerts"].__len__() == 0
    member_user = make_user("member_wang", "党员王2", None)
    member_user.person = world.member_a.person
    member_user.save()
    response = client_for(member_user).post(
        f"/service/pairings/{pairing.pk}/visit/",
        {"visited_on": timezone.localdate().isoformat(), "note": "上门看望"},
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.resolved_at is not None


def test_a_visit_in_the_future_or_without_a_note_is_refused(actors, world):
    pairing = actions_pairing.pairing_create(actor=actors.staff_a, member=world.member_a, elder=world.elder_a)
    with pytest.raises(ServiceError):
        actions_pairing.visit_log(
            actor=actors.staff_a,
            pairing=pairing,
            visited_on=timezone.localdate() + timedelta(days=1),
            note="x",
        )
    with pytest.raises(ServiceError):
        actions_pairing.visit_log(
            actor=actors.staff_a, pairing=pairing, visited_on=timezone.localdate(), note=" "
        )


def test_someone_else_cannot_log_a_visit(actors, world):
    pairing = actions_pairing.pairing_create(actor=actors.staff_a, member=world.member_a, elder=world.elder_a)
    stranger = make_person(name="路人")
    assert stranger.pk
    assert (
        client_for(world.lawyer_user)
        .post(
            f"/service/pairings/{pairing.pk}/visit/",
            {"visited_on": timezone.localdate().isoformat(), "note": "x"},
        )
        .status_code
        == 404
    )
