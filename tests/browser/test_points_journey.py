"""Kindness bank in a browser: on a phone, a resident with points redeems an item and gets a pickup
code with its QR; the merchant's counter verifies it once, and a second time is told it was used."""

import pytest
from conftest import PASSWORD, make_user

from gongzhi.accounts.roles import Role
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.points.actions import award_points
from gongzhi.points.models import CatalogueItem, Redemption
from gongzhi.points.queries import balance

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def own_problems(problems) -> list[str]:  # type: ignore[no-untyped-def]
    """Console errors other than missing npm vendor assets (htmx, Leaflet), which a checkout without
    `make install`'s asset step lacks; a CSP violation by this app's pages would still show."""
    return [m for m in problems.messages if "/static/vendor/" not in m]


PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def test_resident_redeems_on_a_phone_and_the_counter_verifies_once(actors, browser, live_server):
    from gongzhi.accounts.models import RoleAssignment

    net = actors.net
    shop = Organisation.objects.create(name="惠民超市", kind=OrgKind.MERCHANT, territory=net.a.community)
    rice = CatalogueItem.objects.create(
        community=net.a.community, merchant=shop, name="大米5kg", points=300, stock=3
    )
    counter = make_user("counter_a", "店员甲", None)
    RoleAssignment.objects.create(person=counter.person, role=Role.MERCHANT_STAFF, organisation=shop)
    resident = actors.resident_a
    award_points(
        rule="service_hour",
        recipient=resident.person,
        source="browser:1",
        community=net.a.community,
        quantity=4,
    )
    award_points(
        rule="wish_fulfilled",
        recipient=resident.person,
        source="browser:2",
        community=net.a.community,
        quantity=2,
    )
    assert balance(resident.person) == 80
    award_points(
        rule="manual",
        recipient=resident.person,
        source="browser:3",
        community=net.a.community,
        points=300,
        awarded_by=actors.staff_a,
    )

    page, problems = sign_in(browser, live_server.url, resident.username, PASSWORD, **PHONE)
    page.goto("/points/")
    assert page.locator("#points-balance").inner_text() == "380"
    page.fill(f"#quantity-{rice.pk}", "1")
    page.click(f"#redeem-{rice.pk}")
    page.wait_for_selector("#pickup-code")
    code = page.locator("#pickup-code").inner_text().strip()
    assert code == Redemption.objects.get().code
    assert page.locator("#pickup-qr svg").count() == 1
    page.goto("/points/")
    assert page.locator("#points-balance").inner_text() == "80"
    assert own_problems(problems) == []

    shop_page, shop_problems = sign_in(browser, live_server.url, counter.username, PASSWORD, **PHONE)
    shop_page.goto("/points/verify/")
    shop_page.fill("#verify-code", code)
    shop_page.click("#verify-submit")
    assert shop_page.locator("#verify-result").get_attribute("data-result") == "ok"
    shop_page.fill("#verify-code", code)
    shop_page.click("#verify-submit")
    assert shop_page.locator("#verify-result").get_attribute("data-result") == "already"
    assert "不能重复使用" in shop_page.locator("#verify-result").inner_text()
    # the second verify answers 409 by design, which the browser logs as a failed load
    assert [m for m in own_problems(shop_problems) if "status of 409" not in m] == []
    assert CatalogueItem.objects.get(pk=rice.pk).stock == 2
