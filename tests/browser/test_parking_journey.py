"""Issue 6 item 7 on a phone: a resident applies for shared parking, is told what is wrong with a
bad plate and a window outside the offer, applies correctly, wins the draw and shows the permit QR."""

from datetime import date, time
from pathlib import Path

import pytest
from conftest import PASSWORD

from gongzhi.orgs.models import Organisation
from gongzhi.parking import actions
from gongzhi.parking.models import ParkingApplication, ParkingPermit

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATIC_BUILT = (Path(__file__).resolve().parents[2] / "static_build").exists()
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def test_resident_applies_on_a_phone_and_shows_the_permit(browser, live_server, actors, results_dir):
    unit = Organisation.objects.create(
        name="甲科技公司", kind="partner_unit", territory=actors.net.a.community
    )
    offer = actions.offer_save(
        actor=actors.staff_a,
        organisation=unit,
        title="地下车库夜间车位",
        address="光明大道1号",
        weekdays="12345",
        starts_at=time(19),
        ends_at=time(8),
        spaces=3,
        valid_from=date(2026, 1, 1),
        valid_until=date(2030, 12, 31),
    )
    page, problems = sign_in(browser, live_server.url, "resident_a", PASSWORD, **PHONE)
    page.goto("/parking/")
    page.click(f"a[href='/parking/offers/{offer.pk}/apply/']")
    page.fill("#id_plate", "粤B12")
    page.click("form button[type=submit]")
    assert "7位" in page.inner_text(".errorlist")
    page.fill("#id_plate", "粤BD12345")
    page.uncheck("input[name=weekdays][value='1']")
    page.check("input[name=weekdays][value='6']")
    page.click("form button[type=submit]")
    assert "不在开放时段内" in page.inner_text(".errorlist")
    page.uncheck("input[name=weekdays][value='6']")
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert page.url.endswith("/parking/")
    assert "粤BD12345" in page.inner_text("main")
    assert ParkingApplication.objects.get().weekdays == "2345"

    actions.draw_run(actor=actors.staff_a, offer=offer)
    page.reload()
    permit = ParkingPermit.objects.get()
    page.click(f"a[href='/parking/permits/{permit.pk}/']")
    assert page.locator(".permit-qr svg").count() == 1
    page.screenshot(path=str(results_dir / "parking-permit-phone.png"), full_page=True)
    # The form answers 422 on purpose (the browser logs that as a failed resource); vendor files
    # exist only after `make` builds static_build.
    unexpected = [
        m
        for m in problems.messages
        if "status of 422" not in m and not ("/static/vendor/" in m and not STATIC_BUILT)
    ]
    assert unexpected == []
