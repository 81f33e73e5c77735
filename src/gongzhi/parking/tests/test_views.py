"""Pages: resident apply (phone), my permits with QR, staff management and draw, unit page, public draw."""

import pytest
from conftest import PASSWORD

from gongzhi.accounts.models import RoleAssignment
from gongzhi.accounts.roles import Role
from gongzhi.parking import actions
from gongzhi.parking.models import ParkingApplication, ParkingDraw, ParkingOffer, ParkingPermit
from gongzhi.parking.tests.conftest import apply
from gongzhi.parking.workflow import PermitStatus

pytestmark = pytest.mark.django_db


def apply_form(plate: str, days: str, start: str, end: str) -> dict:
    return {"plate": plate, "weekdays": list(days), "starts_at": start, "ends_at": end}


def offer_form(unit_id: int, **changes: object) -> dict:
    """The offer form's fields; unchanged, they describe the conftest `offer` (make_offer)."""
    fields = {
        "organisation": unit_id,
        "title": "夜间共享车位",
        "address": "光明大道1号",
        "weekdays": list("12345"),
        "starts_at": "19:00",
        "ends_at": "08:00",
        "spaces": 2,
        "valid_from": "2026-01-01",
        "valid_until": "2030-12-31",
    }
    return fields | changes


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_resident_sees_offers_of_their_community_and_applies(client, actors, offer):
    login(client, actors.resident_a)
    page = client.get("/parking/")
    assert page.status_code == 200
    assert "夜间共享车位" in page.content.decode()
    response = client.post(
        f"/parking/offers/{offer.pk}/apply/",
        apply_form("粤BD12345", "123", "19:30", "07:30"),
    )
    assert response.status_code == 302
    assert ParkingApplication.objects.get().plate == "粤BD12345"


@pytest.mark.parametrize(
    ("form", "reason"),
    [
        (apply_form("粤B12", "1", "19:30", "07:30"), "7位"),  # a wrong plate
        (apply_form("粤B12345", "6", "10:00", "12:00"), "不在开放时段内"),  # outside the window
    ],
    ids=["wrong_plate", "outside_window"],
)
def test_a_refused_application_gets_422_with_the_reason_and_nothing_stored(
    client, actors, offer, form, reason
):
    login(client, actors.resident_a)
    response = client.post(f"/parking/offers/{offer.pk}/apply/", form)
    assert response.status_code == 422
    assert response.content.decode().count(reason) == 1  # once, above the fields
    assert "#}" not in response.content.decode()  # the form card's comments stay out of the page
    assert not ParkingApplication.objects.exists()


def test_resident_of_another_community_gets_404(client, actors, unit_b):
    from gongzhi.parking.tests.conftest import make_offer

    other = make_offer(actors.staff_b, unit_b)
    login(client, actors.resident_a)
    assert client.get(f"/parking/offers/{other.pk}/apply/").status_code == 404


def test_staff_runs_the_draw_and_the_public_page_shows_it_without_plates(client, actors, offer, residents):
    for i, u in enumerate(residents):
        apply(u, offer, f"粤B2000{i}")
    login(client, actors.staff_a)
    committed = offer.seed_commitment
    assert committed in client.get(f"/parking/manage/offers/{offer.pk}/").content.decode()
    assert offer.next_seed not in client.get(f"/parking/manage/offers/{offer.pk}/").content.decode()
    response = client.post(f"/parking/manage/offers/{offer.pk}/", {"seed": "typed-seed-is-ignored"})
    draw = ParkingDraw.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/parking/draws/{draw.pk}/"
    assert ParkingPermit.objects.count() == 2
    assert draw.seed == offer.next_seed
    assert draw.seed_hash == committed
    client.logout()
    page = client.get(f"/parking/draws/{draw.pk}/").content.decode()
    assert draw.seed in page
    assert committed in page
    assert "typed-seed-is-ignored" not in page
    assert "粤B2000" not in page
    assert all(a.number in page for a in ParkingApplication.objects.all())


def test_staff_of_another_community_gets_404_and_nothing_changes(client, actors, offer, residents):
    apply(residents[0], offer, "粤B20000")
    login(client, actors.staff_b)
    assert client.get(f"/parking/manage/offers/{offer.pk}/").status_code == 404
    assert client.post(f"/parking/manage/offers/{offer.pk}/", {"seed": "public-seed-42"}).status_code == 404
    assert not ParkingDraw.objects.exists()
    actions.draw_run(actor=actors.staff_a, offer=offer)
    permit = ParkingPermit.objects.get()
    assert client.post(f"/parking/permits/{permit.pk}/revoke/", {"reason": "x"}).status_code == 404
    assert client.get(f"/parking/units/{offer.organisation_id}/").status_code == 404
    permit.refresh_from_db()
    assert permit.status == PermitStatus.ACTIVE


def test_holder_sees_permit_with_qr_and_the_guard_check_shows_a_masked_plate(client, actors, offer, permit):
    login(client, actors.resident_a)
    page = client.get(f"/parking/permits/{permit.pk}/").content.decode()
    assert "<svg" in page
    assert "粤B12345" in page
    client.logout()
    check = client.get(f"/parking/check/{permit.code}/").content.decode()
    assert "粤B***45" in check
    assert "粤B12345" not in check
    assert client.get("/parking/check/forged/").status_code == 404


def test_staff_revokes_a_permit(client, actors, offer, permit):
    login(client, actors.staff_a)
    assert client.post(f"/parking/permits/{permit.pk}/revoke/", {"reason": ""}).status_code == 400
    assert client.post(f"/parking/permits/{permit.pk}/revoke/", {"reason": "长期未使用"}).status_code == 302
    permit.refresh_from_db()
    assert permit.status == PermitStatus.REVOKED
    assert permit.revoke_reason == "长期未使用"


def test_holder_cannot_revoke_their_own_permit(client, actors, offer, permit):
    login(client, actors.resident_a)
    assert client.post(f"/parking/permits/{permit.pk}/revoke/", {"reason": "x"}).status_code == 404


def test_unit_page_masks_plates_for_unit_members_and_shows_them_to_staff(client, actors, offer, permit):
    from conftest import make_user

    member = make_user("unit_guard", "门卫", None)
    RoleAssignment.objects.create(
        person=member.person, role=Role.PROPERTY_STAFF, organisation=offer.organisation
    )
    login(client, member)
    page = client.get(f"/parking/units/{offer.organisation_id}/").content.decode()
    assert "粤B***45" in page
    assert "粤B12345" not in page
    client.logout()
    login(client, actors.staff_a)
    assert "粤B12345" in client.get(f"/parking/units/{offer.organisation_id}/").content.decode()


def test_staff_creates_an_offer_and_bad_dates_get_a_message(client, actors, unit_a):
    login(client, actors.staff_a)
    data = offer_form(
        unit_a.pk,
        title="周末全天",
        address="光明大道2号",
        weekdays=["6", "7"],
        starts_at="00:00",
        ends_at="00:00",
        spaces=10,
        valid_from="2026-12-01",
        valid_until="2026-11-01",
    )
    response = client.post("/parking/manage/offers/new/", data)
    assert response.status_code == 422
    assert "不能早于" in response.content.decode()
    data["valid_until"] = "2027-12-01"
    assert client.post("/parking/manage/offers/new/", data).status_code == 302
    offer = ParkingOffer.objects.get(title="周末全天")
    assert offer.window_label == "周末 全天"


def test_staff_of_another_community_cannot_offer_for_unit_a(client, actors, unit_a):
    login(client, actors.staff_b)
    data = offer_form(unit_a.pk, title="x", address="y")  # valid but for the unit
    assert client.post("/parking/manage/offers/new/", data).status_code == 400  # not a choice for them
    assert not ParkingOffer.objects.exists()


def test_staff_closes_an_offer_and_residents_no_longer_see_it(client, actors, offer):
    login(client, actors.staff_a)
    assert client.get(f"/parking/manage/offers/{offer.pk}/edit/").status_code == 200
    data = offer_form(offer.organisation_id)  # the offer as it is, "active" unticked
    assert client.post(f"/parking/manage/offers/{offer.pk}/edit/", data).status_code == 302
    offer.refresh_from_db()
    assert offer.active is False
    client.logout()
    login(client, actors.resident_a)
    assert "夜间共享车位" not in client.get("/parking/").content.decode()
    assert client.get(f"/parking/offers/{offer.pk}/apply/").status_code == 404


def test_shrinking_below_held_space_numbers_is_refused(client, actors, offer, residents):
    for i, u in enumerate(residents[:2]):
        apply(u, offer, f"粤B4000{i}")
    actions.draw_run(actor=actors.staff_a, offer=offer)
    login(client, actors.staff_a)
    data = offer_form(offer.organisation_id, spaces=1, active="on")
    response = client.post(f"/parking/manage/offers/{offer.pk}/edit/", data)
    assert response.status_code == 409
    offer.refresh_from_db()
    assert offer.spaces == 2


def test_resident_withdraws_a_pending_application_but_not_someone_elses(client, actors, offer, residents):
    mine = apply(actors.resident_a, offer, "粤B12345")
    theirs = apply(residents[0], offer, "粤B54321")
    login(client, actors.resident_a)
    assert client.post(f"/parking/applications/{theirs.pk}/withdraw/").status_code == 404
    assert client.post(f"/parking/applications/{mine.pk}/withdraw/").status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == ("withdrawn", "pending")
    assert client.post(f"/parking/applications/{mine.pk}/withdraw/").status_code == 409


def test_guard_check_says_whether_now_is_inside_the_window(client, permit):
    """The permit's window is the offer's: Monday to Friday, 19:00 to 08:00 the next morning."""
    import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    tz = ZoneInfo("Asia/Shanghai")
    for moment, says in [
        ((2026, 12, 4, 23, 0), "当前在开放时段内"),  # Friday night
        ((2026, 12, 5, 7, 30), "当前在开放时段内"),  # Saturday 07:30
        ((2026, 12, 5, 12, 0), "当前不在开放时段内"),  # Saturday noon
        ((2031, 1, 6, 20, 0), "不在有效期内"),  # after valid_until
    ]:
        with time_machine.travel(datetime.datetime(*moment, tzinfo=tz), tick=False):
            assert says in client.get(f"/parking/check/{permit.code}/").content.decode()


def test_the_public_pages_publish_the_commitment_never_the_seed_before_the_draw_nor_a_tier(
    client, actors, offer, residents
):
    from gongzhi.parking.workflow import Tier

    commitment, secret = offer.seed_commitment, offer.next_seed
    page = client.get(f"/parking/offers/{offer.pk}/").content.decode()  # anonymous: public
    assert commitment in page
    assert secret not in page
    for i, u in enumerate(residents):
        apply(u, offer, f"粤B2000{i}")
    draw = actions.draw_run(actor=actors.staff_a, offer=offer)
    page = client.get(f"/parking/draws/{draw.pk}/").content.decode()
    assert secret in page
    assert commitment in page
    assert 'id="draw-seed-check"' in page
    assert "与事先公布的承诺一致" in page
    for label in Tier.labels:
        assert str(label) not in page
    assert "<td>2</td>" not in page  # no tier column beside a number
    entries = page.split('<pre id="draw-entries">')[1].split("</pre>")[0]
    assert "," not in entries  # the plain list has numbers only, no ",tier"
