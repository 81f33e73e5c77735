import pytest
from django.http import Http404

from gongzhi.core.models import AuditEntry
from gongzhi.people.access import access_person
from gongzhi.people.actions import person_reveal


def test_secretary_reveals_id_number_and_an_audit_row_records_who_what_why(actors):
    person = access_person(actors.secretary_a, actors.person_a.pk)
    assert person.id_number_masked == "4403**********0020"
    revealed = person_reveal(
        actor=actors.secretary_a,
        person=person,
        fields=["id_number"],
        reason_code="other",
        reason="核实低保申请",
    )
    assert revealed.id_number == "440306195003070020"
    entry = AuditEntry.objects.get(kind="reveal", object_id=str(person.pk))
    assert entry.actor_id == actors.secretary_a.pk
    assert entry.fields == ["id_number"]
    assert entry.reason == "其他:核实低保申请"
    assert entry.detail == {"reason_code": "other"}


def test_community_staff_sees_masked_record_but_cannot_reveal(actors):
    person = access_person(actors.staff_a, actors.person_a.pk)
    with pytest.raises(PermissionError):
        person_reveal(actor=actors.staff_a, person=person, fields=["id_number"], reason_code="visit")
    assert not AuditEntry.objects.filter(kind="reveal").exists()
    assert AuditEntry.objects.filter(kind="refusal", action="person.reveal_refused").count() == 1


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


@pytest.mark.parametrize(
    ("code", "text"), [("", "核实低保申请"), ("curious", ""), ("other", ""), ("other", "看 看")]
)
def test_reveal_needs_a_reason_from_the_list_and_words_for_other(actors, code, text):
    with pytest.raises(ValueError, match="事由"):
        person_reveal(
            actor=actors.secretary_a, person=actors.person_a, fields=["phone"], reason_code=code, reason=text
        )
    assert not AuditEntry.objects.filter(kind="reveal").exists()
    refusal = AuditEntry.objects.get(kind="refusal")
    assert (refusal.action, refusal.reason) == ("person.reveal_refused", text)


def test_a_listed_reason_needs_no_words_and_words_are_kept_beside_it(actors):
    person_reveal(actor=actors.secretary_a, person=actors.person_a, fields=["phone"], reason_code="emergency")
    person_reveal(
        actor=actors.secretary_a,
        person=actors.person_a,
        fields=["phone"],
        reason_code="visit",
        reason="  3栋走访 ",
    )
    assert list(AuditEntry.objects.filter(kind="reveal").order_by("id").values_list("reason", flat=True)) == [
        "应急处置",
        "入户走访核实:3栋走访",
    ]
