import pytest
from django.http import Http404

from gongzhi.core.models import AuditEntry
from gongzhi.people.access import access_person
from gongzhi.people.actions import person_reveal


def test_secretary_reveals_id_number_and_an_audit_row_records_who_what_why(actors):
    person = access_person(actors.secretary_a, actors.person_a.pk)
    assert person.id_number_masked == "4403**********0020"
    revealed = person_reveal(
        actor=actors.secretary_a, person=person, fields=["id_number"], reason="核实低保申请"
    )
    assert revealed.id_number == "440306195003070020"
    entry = AuditEntry.objects.get(kind="reveal", object_id=str(person.pk))
    assert entry.actor_id == actors.secretary_a.pk
    assert entry.fields == ["id_number"]
    assert entry.reason == "核实低保申请"


def test_community_staff_sees_masked_record_but_cannot_reveal(actors):
    person = access_person(actors.staff_a, actors.person_a.pk)
    with pytest.raises(PermissionError):
        person_reveal(actor=actors.staff_a, person=person, fields=["id_number"], reason="想看看")
    assert not AuditEntry.objects.filter(kind="reveal").exists()


def test_staff_of_another_community_gets_404_like_a_missing_person(actors):
    with pytest.raises(Http404):
        access_person(actors.staff_b, actors.person_a.pk)
    with pytest.raises(Http404):
        access_person(actors.staff_b, 999999)


def test_a_resident_sees_only_their_own_record(actors):
    own = actors.resident_a.person
    assert access_person(actors.resident_a, own.pk) == own
    with pytest.raises(Http404):
        access_person(actors.resident_a, actors.person_a.pk)


def test_reveal_needs_a_reason(actors):
    with pytest.raises(ValueError, match="事由"):
        person_reveal(actor=actors.secretary_a, person=actors.person_a, fields=["phone"], reason=" ")
