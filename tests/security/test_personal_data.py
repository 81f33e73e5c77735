"""Issue 13 points 4 and 8: no oracle for ID numbers and phones, and refusals that are audited.

The probe: a grid worker without the reveal right saw the mask (first 4 + last 4 digits) and the age
of a resident, took the public county codes, and confirmed the full ID number in 36 exact-match GET
searches, unaudited. Phones likewise in at most 10^4 tries."""

import datetime
import json

import pytest
import time_machine
from conftest import make_user
from django.db import connection, transaction
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.core import audit
from gongzhi.core.models import AuditEntry
from gongzhi.ledgers.actions import batch_preview
from gongzhi.ledgers.tests.files import RESIDENT_HEADERS, xlsx
from gongzhi.people.access import access_person
from gongzhi.people.idcard import make_id_number

FULL_ID = "440306195003070020"
PERSONS = "/api/v1/people/persons"
EXACT = "/api/v1/people/persons/exact-search"


def candidates(real: str = FULL_ID) -> list[str]:
    """What the attacker tried: numbers with the same mask (4403 … 0020), from the public county
    codes and the birth dates the age allows; the real one among them."""
    found = []
    for county in ("440303", "440304", "440305", "440306", "440307", "440308", "440309", "440310"):
        for day in range(1, 32):
            try:
                birth = datetime.date(1950, 3, day)
            except ValueError:
                continue
            number = make_id_number(county, birth, 2)
            if number.endswith("0020"):
                found.append(number)
    assert real in found
    return found


def post_json(client, url, body):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def grid_worker(actors):  # type: ignore[no-untyped-def]
    return make_user("grid_a", "网格员甲", Role.GRID_WORKER, actors.net.a.grid)


# --- point 4: the list search is no oracle ----------------------------------------------------------


def test_grid_worker_cannot_confirm_id_number_guesses_through_the_list_search(client, actors, grid_worker):
    client.force_login(grid_worker)
    tries = candidates()
    answers = {client.get(PERSONS, {"q": number}).content for number in tries}
    assert len(answers) == 1  # the real number gets the very same answer as every wrong one
    (answer,) = answers
    assert "精确查找" in json.loads(answer)["detail"]
    assert "王秀英" not in answer.decode()
    for number in tries[:5] + [FULL_ID]:
        response = client.get(reverse("people:list"), {"q": number})
        assert response.status_code == 400
        assert "王秀英" not in response.content.decode()
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.LOOKUP).exists()  # nothing was looked up


@pytest.mark.parametrize("form", ["{}", "{} ", "+86{}", "{}-", "{:.7}"])
def test_phone_guesses_through_the_list_search_are_refused_too(client, actors, grid_worker, form):
    client.force_login(grid_worker)
    phone = actors.person_a.decrypt_phone()
    q = form.format(phone) if "-" not in form else f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
    response = client.get(PERSONS, {"q": q})
    assert response.status_code == 400
    assert "王秀英" not in response.content.decode()


def test_list_search_still_finds_by_name_and_building(client, actors, grid_worker):
    client.force_login(grid_worker)
    by_name = client.get(PERSONS, {"q": "王秀"}).json()["items"]
    by_building = client.get(PERSONS, {"q": actors.net.a.building.name}).json()["items"]
    assert "王秀英" in [p["name"] for p in by_name]
    assert "王秀英" in [p["name"] for p in by_building]


# --- point 4: exact search --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_exact_search_is_for_reveal_holders_only_and_the_refusal_is_kept(client, actors, grid_worker):
    client.force_login(grid_worker)
    response = post_json(client, EXACT, {"value": FULL_ID, "reason_code": "visit"})
    assert response.status_code == 403
    assert "王秀英" not in response.content.decode()
    page = client.post(reverse("people:exact_search"), {"value": FULL_ID, "reason_code": "visit"})
    assert page.status_code == 403
    refusals = AuditEntry.objects.filter(actor=grid_worker, action="person.exact_search_refused")
    assert refusals.count() == 2  # committed: they outlived the refusals
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.LOOKUP).exists()
    assert FULL_ID not in json.dumps(list(AuditEntry.objects.values()), default=str)


def test_exact_search_is_a_post_only(client, actors):
    client.force_login(actors.secretary_a)
    assert client.get(EXACT, {"value": FULL_ID, "reason_code": "visit"}).status_code == 405
    assert client.get(reverse("people:exact_search"), {"value": FULL_ID}).status_code == 405


def test_exact_search_by_a_secretary_is_audited_with_the_reason_and_without_the_value(client, actors):
    client.force_login(actors.secretary_a)
    response = post_json(client, EXACT, {"value": FULL_ID, "reason_code": "other", "reason": "核实低保申请"})
    assert response.status_code == 200
    assert [p["name"] for p in response.json()] == ["王秀英"]
    assert FULL_ID not in response.content.decode()  # the answer is masked like any list
    phone = actors.person_a.decrypt_phone()
    by_phone = post_json(client, EXACT, {"value": phone, "reason_code": "appeal"})
    assert [p["name"] for p in by_phone.json()] == ["王秀英"]
    rows = list(AuditEntry.objects.filter(kind=AuditEntry.Kind.LOOKUP).order_by("id"))
    assert [(r.action, r.fields, r.reason, r.object_id) for r in rows] == [
        ("person.exact_search", ["id_number"], "其他:核实低保申请", str(actors.person_a.pk)),
        ("person.exact_search", ["phone"], "办理诉求需联系本人", str(actors.person_a.pk)),
    ]
    assert rows[0].detail["masked"] == "4403**********0020"
    assert rows[0].detail["matches"] == [actors.person_a.pk]
    stored = json.dumps(list(AuditEntry.objects.values()), default=str)
    assert FULL_ID not in stored
    assert phone not in stored


def test_exact_search_finds_only_people_the_actor_may_reveal(client, actors):
    client.force_login(actors.secretary_a)
    response = post_json(
        client, EXACT, {"value": actors.person_b.decrypt_id_number(), "reason_code": "visit"}
    )
    assert response.status_code == 200
    assert response.json() == []  # community B: neither found nor told apart from "nobody"
    assert AuditEntry.objects.get(kind=AuditEntry.Kind.LOOKUP).detail["matches"] == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"value": FULL_ID, "reason_code": "other"}, 400),
        ({"value": FULL_ID, "reason_code": "other", "reason": "看看"}, 400),
        ({"value": FULL_ID[:17] + "1", "reason_code": "visit"}, 400),
        ({"value": "12345", "reason_code": "visit"}, 400),
        ({"value": FULL_ID}, 422),
    ],
)
def test_bad_exact_search_input_is_refused_in_chinese(client, actors, body, status):
    client.force_login(actors.secretary_a)
    response = post_json(client, EXACT, body)
    assert response.status_code == status
    assert response.json()["detail"]
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.LOOKUP).exists()


@pytest.mark.django_db(transaction=True)
def test_exact_search_is_limited_per_hour_and_the_refusal_is_kept(client, actors, settings):
    settings.EXACT_SEARCH_PER_HOUR = 3
    client.force_login(actors.secretary_a)
    body = {"value": FULL_ID, "reason_code": "review"}
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert [post_json(client, EXACT, body).status_code for _ in range(3)] == [200, 200, 200]
        over = post_json(client, EXACT, body)
        assert over.status_code == 429
        assert "上限" in over.json()["detail"]
        page = client.post(reverse("people:exact_search"), body)
        assert page.status_code == 429
    refused = AuditEntry.objects.filter(actor=actors.secretary_a, action="person.exact_search_refused")
    assert refused.count() == 2
    assert AuditEntry.objects.filter(action="person.exact_search").count() == 3
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        assert post_json(client, EXACT, body).status_code == 200


def test_exact_search_page_shows_the_person_masked_and_does_not_echo_the_number(client, actors):
    client.force_login(actors.secretary_a)
    assert 'action="/people/exact/"' in client.get(reverse("people:list")).content.decode()
    response = client.post(reverse("people:exact_search"), {"value": FULL_ID, "reason_code": "visit"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "王秀英" in html
    assert "4403**********0020" in html
    assert FULL_ID not in html
    client.force_login(actors.staff_a)
    assert 'action="/people/exact/"' not in client.get(reverse("people:list")).content.decode()


# --- point 4: the resident ledger preview -----------------------------------------------------------


def test_ledger_preview_does_not_say_registered_elsewhere_and_every_preview_is_audited(actors):
    rows = [["李建国", actors.person_b.decrypt_id_number(), "", actors.net.a.building.code, 1, 101, "", ""]]
    batch = batch_preview(
        actor=actors.staff_a, kind="residents", filename="a.xlsx", content=xlsx(RESIDENT_HEADERS, rows)
    )
    (error,) = batch.errors
    assert error[2] == "本行不能由您导入,请核对身份证号;号码无误的,请联系上级办理"
    assert "以外" not in error[2]
    assert "已登记" not in error[2]
    entry = AuditEntry.objects.get(action="ledger.preview")
    assert (entry.kind, entry.actor_id, entry.object_id) == ("lookup", actors.staff_a.pk, str(batch.pk))
    assert entry.detail["held_elsewhere"] == 1
    assert entry.detail["error_rows"] == 1
    assert actors.person_b.decrypt_id_number() not in json.dumps(entry.detail)


# --- point 8: refusals are audited and survive --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_refused_reveals_are_audited_and_kept(client, actors):
    client.force_login(actors.staff_a)
    url = f"{PERSONS}/{actors.person_a.pk}/reveal"
    assert post_json(client, url, {"fields": ["id_number"], "reason_code": "visit"}).status_code == 403
    client.force_login(actors.secretary_a)
    short = post_json(client, url, {"fields": ["id_number"], "reason_code": "other", "reason": "看看"})
    assert short.status_code == 400
    rows = list(AuditEntry.objects.filter(action="person.reveal_refused").order_by("id"))
    assert [(r.actor_id, r.object_id, r.reason) for r in rows] == [
        (actors.staff_a.pk, str(actors.person_a.pk), ""),
        (actors.secretary_a.pk, str(actors.person_a.pk), "看看"),
    ]
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.REVEAL).exists()


@pytest.mark.django_db(transaction=True)
def test_scope_denial_on_an_existing_person_is_audited_and_answers_like_a_missing_one(client, actors):
    client.force_login(actors.staff_b)
    denied = client.get(f"{PERSONS}/{actors.person_a.pk}")
    missing = client.get(f"{PERSONS}/999999")
    assert (denied.status_code, missing.status_code) == (404, 404)
    assert denied.content == missing.content
    (row,) = AuditEntry.objects.filter(kind=AuditEntry.Kind.REFUSAL)
    assert (row.action, row.actor_id, row.object_type, row.object_id) == (
        "scope.denied",
        actors.staff_b.pk,
        "people.person",
        str(actors.person_a.pk),
    )


@pytest.mark.django_db(transaction=True)
def test_a_scope_denial_inside_a_rolled_back_transaction_survives_through_the_outbox(actors):
    def view(request):  # type: ignore[no-untyped-def]
        try:
            with transaction.atomic():  # an action's transaction: the 404 rolls it back
                AuditEntry.objects.create(kind="write", actor_label="x", action="rolled.back")
                access_person(request.user, actors.person_a.pk)
        except Http404:
            return HttpResponse(status=404)
        return HttpResponse()

    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    request.user = actors.staff_b
    response = audit.RefusalAuditMiddleware(view)(request)
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="rolled.back").exists()
    row = AuditEntry.objects.get(action="scope.denied")
    assert (row.actor_id, row.ip) == (actors.staff_b.pk, "203.0.113.9")


def test_the_outbox_is_emptied_and_closed_after_each_request_even_when_the_view_fails(actors):
    def failing(request):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            audit.record_refusal(actor=request.user, action="test.refused")
            raise RuntimeError

    request = RequestFactory().get("/")
    request.user = actors.staff_b
    with pytest.raises(RuntimeError):
        audit.RefusalAuditMiddleware(failing)(request)
    assert audit._outbox.get() is None
    assert audit._request.get() is None
    assert AuditEntry.objects.filter(action="test.refused").count() == 1  # written once, on the way out
    audit.RefusalAuditMiddleware(lambda r: HttpResponse())(request)
    assert AuditEntry.objects.filter(action="test.refused").count() == 1  # not again in the next one


def test_only_the_404_path_pays_for_the_denial_check(actors):
    access_person(actors.staff_b, actors.person_b.pk)  # scope computed and cached on the actor
    with CaptureQueriesContext(connection) as found:
        access_person(actors.staff_b, actors.person_b.pk)
    with CaptureQueriesContext(connection) as missing, pytest.raises(Http404):
        access_person(actors.staff_b, 999999)
    assert len(found) == 1
    assert len(missing) == 2  # the look-up and one existence query; nothing written
    assert not AuditEntry.objects.exists()


def test_anonymous_probes_are_not_written_to_the_audit_log(client, actors):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Http404):
        access_person(AnonymousUser(), actors.person_a.pk)
    assert not AuditEntry.objects.exists()


def test_picking_a_person_by_phone_in_a_service_form_is_audited_and_limited(actors, settings):
    """service.views_teams.find_person matched phones and ID numbers through the list search: the
    same oracle. It now goes through people.actions.person_match (audited, same hourly limit)."""
    from gongzhi.service.actions import ServiceError
    from gongzhi.service.views_teams import find_person

    settings.EXACT_SEARCH_PER_HOUR = 2
    phone = actors.person_a.decrypt_phone()
    assert find_person(actors.staff_a, phone) == actors.person_a
    entry = AuditEntry.objects.get(action="person.match")
    assert (entry.kind, entry.detail["purpose"], entry.object_id) == (
        "lookup",
        "service.find_person",
        str(actors.person_a.pk),
    )
    with pytest.raises(ServiceError, match="找不到"):
        find_person(actors.staff_b, phone)  # another community's staff: not found, still counted
    assert find_person(actors.staff_a, FULL_ID) == actors.person_a  # staff_a's second of two
    with pytest.raises(ServiceError, match="上限"):
        find_person(actors.staff_a, FULL_ID)
    assert AuditEntry.objects.filter(action="person.match_refused", actor=actors.staff_a).count() == 1


@pytest.mark.django_db(transaction=True)
def test_naming_an_owner_or_council_member_by_phone_is_audited_limited_and_the_refusal_kept(actors, settings):
    """assemblies/councils.person_by_phone matched phones platform-wide, unaudited and unlimited: a
    committee account could confirm any number. Now one audited, counted look-up each; over the
    limit the refusal is a 429 that stays in the audit log."""
    from gongzhi.assemblies.actions import person_by_phone as owner_by_phone
    from gongzhi.assemblies.errors import AssemblyError
    from gongzhi.councils.actions import person_by_phone as member_by_phone
    from gongzhi.councils.workflow import CouncilError

    settings.EXACT_SEARCH_PER_HOUR = 2
    phone = actors.person_b.decrypt_phone()  # another community's resident: still nameable
    assert owner_by_phone(phone, actor=actors.staff_a) == actors.person_b
    with pytest.raises(CouncilError, match="未登记"):
        member_by_phone("13999999999", actor=actors.staff_a)  # not registered: counted all the same
    with pytest.raises(AssemblyError) as refused:
        owner_by_phone(phone, actor=actors.staff_a)
    assert refused.value.status == 429
    rows = AuditEntry.objects.filter(actor=actors.staff_a).order_by("pk")
    assert [(r.kind, r.action) for r in rows] == [
        ("lookup", "person.match"),
        ("lookup", "person.match"),
        ("refusal", "person.match_refused"),
    ]
    assert "13999999999" not in json.dumps([r.detail for r in rows], ensure_ascii=False)


def test_importing_an_owners_register_is_one_audited_look_up(actors):
    from gongzhi.people.actions import people_by_phones

    known = actors.person_a.decrypt_phone()
    found = people_by_phones(actor=actors.staff_a, phones=[known, "13999999999", "12"], purpose="test")
    assert found == {known: actors.person_a}
    entry = AuditEntry.objects.get(action="person.match_batch")
    assert (entry.kind, entry.detail["asked"], entry.detail["found"]) == ("lookup", 3, 1)
