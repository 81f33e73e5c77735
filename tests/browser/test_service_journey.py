"""Issue 5 acceptance: on a phone, a resident orders a repair; staff assign the suggested helper; the
helper accepts and fulfils with a photo; the resident rates; points appear for the helper; the helper
redeems them at a merchant, whose counter staff verify the pickup code."""

from pathlib import Path

import pytest
from conftest import PASSWORD, make_user

from gongzhi.accounts.models import RoleAssignment
from gongzhi.accounts.roles import Role
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.points.models import CatalogueItem
from gongzhi.service.models import ServiceOrder
from gongzhi.service.tests.conftest import PNG, world  # noqa: F401 - the service world fixture

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


ASSETS_BUILT = (Path(__file__).resolve().parents[2] / "static_build").exists()


def real(problems) -> list[str]:  # type: ignore[no-untyped-def]
    """Console problems, less the vendor assets (htmx, Leaflet) when `make assets` has not run in
    this checkout: those 404s say nothing about the service pages (which load no vendor script)."""
    if ASSETS_BUILT:
        return problems.messages
    return [m for m in problems.messages if "/static/vendor/" not in m]


def fits_phone(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"], (
        f"{page.url} overflows"
    )


def submit(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.click(selector)
    # a form re-rendered with its error, or a refusal flashed by core.errors on the page it came from
    refused = page.locator("#action-error, ul.messages li.error")
    assert refused.count() == 0, refused.first.inner_text()


def test_order_assign_fulfil_rate_earn_and_redeem(browser, live_server, actors, world, results_dir):  # noqa: F811
    merchant = Organisation.objects.create(
        name="惠民超市", kind=OrgKind.MERCHANT, territory=actors.net.a.community
    )
    counter = make_user("shop_a", "店员小刘", None)
    RoleAssignment.objects.create(person=counter.person, role=Role.MERCHANT_STAFF, organisation=merchant)
    soap = CatalogueItem.objects.create(
        community=actors.net.a.community, merchant=merchant, name="洗衣液", points=20, stock=3
    )

    # 1. The resident orders a repair on a phone.
    page, problems = sign_in(browser, live_server.url, "resident_a", PASSWORD, **PHONE)
    page.goto("/service/")
    with page.expect_navigation():
        page.click(".svc-hub a[href='/service/order/']")
    page.check(f"input[name=item][value='{world.repair.pk}']")
    page.fill("#id_description", "洗衣机脱水时响声很大")
    fits_phone(page)
    page.screenshot(path=str(results_dir / "service-order-390.png"), full_page=True)
    submit(page, "#order-form button[type=submit]")
    order = ServiceOrder.objects.get()
    assert page.inner_text("#order-number") == order.number
    assert page.inner_text("#order-status") == "待派单"
    fits_phone(page)
    assert real(problems) == []
    resident = page

    # 2. Staff assign the top suggestion (the electrician who covers the building).
    page, problems = sign_in(browser, live_server.url, "staff_a", PASSWORD)
    page.goto(f"/service/orders/{order.pk}/")
    first = page.locator("#suggestions input[name=helper]").first
    assert first.get_attribute("value") == str(world.electrician.pk)
    assert first.is_checked()
    submit(page, "#assign button[type=submit]")
    assert page.inner_text("#order-status") == "待接单"
    assert page.inner_text("#order-helper") == "电工张"
    assert real(problems) == []
    page.context.close()

    # 3. The helper, on a phone, accepts and fulfils with a photo.
    page, problems = sign_in(browser, live_server.url, "helper_e", PASSWORD, **PHONE)
    page.goto("/service/tasks/")
    with page.expect_navigation():
        page.click(f"#my-tasks a[href='/service/orders/{order.pk}/']")
    submit(page, "#accept form button[type=submit] >> nth=0")
    assert page.inner_text("#order-status") == "服务中"
    page.set_input_files("#id_photos", files=[{"name": "done.png", "mimeType": "image/png", "buffer": PNG}])
    page.fill("#id_fulfil_note", "更换了减震弹簧,试机正常")
    page.fill("#id_hours", "2")
    fits_phone(page)
    submit(page, "#fulfil button[type=submit]")
    assert page.inner_text("#order-status") == "待评价"
    assert page.locator("#evidence img").count() == 1
    helper = page
    helper_problems = problems

    # 4. The resident rates it.
    resident.goto(f"/service/orders/{order.pk}/")
    resident.check("#rate input[name=stars][value='5']")
    resident.fill("#id_comment", "很及时,谢谢")
    submit(resident, "#rate button[type=submit]")
    assert resident.inner_text("#order-status") == "已评价"
    resident.context.close()

    # 5. Points appear for the helper (2 hours × 10 + 5 for a rated order), who redeems them.
    helper.goto("/points/")
    assert helper.inner_text("#points-balance") == "25"
    submit(helper, f"#redeem-{soap.pk}")
    code = helper.inner_text("#pickup-code").strip()
    assert code
    fits_phone(helper)
    assert real(helper_problems) == []
    helper.context.close()

    # 6. The merchant's counter staff verify the pickup code.
    page, problems = sign_in(browser, live_server.url, "shop_a", PASSWORD, **PHONE)
    page.goto("/points/verify/")
    page.fill("#verify-code", code)
    submit(page, "#verify-submit")
    assert page.get_attribute("#verify-result", "data-result") == "ok"
    page.screenshot(path=str(results_dir / "service-verify-390.png"), full_page=True)
    assert real(problems) == []
    page.context.close()
