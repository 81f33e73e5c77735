"""Issue acceptance: staff drill down the map to a grid and open a resident (masked); the secretary
reveals the ID number with a reason (audited); staff of the other community get 404."""

import pytest
from conftest import PASSWORD
from django.urls import reverse

from gongzhi.core.models import AuditEntry

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FULL_ID = "440306195003070020"
MASKED_ID = "4403**********0020"
PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def drill(page, node) -> None:  # type: ignore[no-untyped-def]
    """Click the node in the list beside the map and wait until the map shows its children."""
    page.click(f'#map-children a[data-node-id="{node.pk}"]')
    page.wait_for_selector(f'#map[data-loaded-node="{node.pk}"]')
    assert page.url.endswith(f"?node={node.pk}")


def test_staff_drill_down_secretary_reveals_and_outsider_gets_404(browser, live_server, actors, results_dir):
    net = actors.net
    person_url = reverse("people:detail", args=[actors.person_a.pk])

    # 1. Community staff: map from the district down to the grid, then the resident (masked).
    page, problems = sign_in(browser, live_server.url, "staff_a", PASSWORD)
    page.click("nav.mainnav >> text=地图")
    page.wait_for_selector(f'#map[data-loaded-node="{net.district.pk}"]')
    assert page.locator(".leaflet-interactive").count() >= 1, (
        "Leaflet drew no polygon (scripts/build-assets run?)"
    )
    assert "光明街道" in page.inner_text(".leaflet-tooltip-pane")
    assert not page.is_visible("#map-up")  # nothing above the district
    drill(page, net.street)
    children = page.inner_text("#map-children")
    assert "甲社区" in children
    assert "乙社区" not in children
    drill(page, net.a.community)
    page.click("#map-up")  # up one level and back down again
    page.wait_for_selector(f'#map[data-loaded-node="{net.street.pk}"]')
    drill(page, net.a.community)
    drill(page, net.a.grid)
    crumbs = page.locator("#map-breadcrumb a, #map-breadcrumb span").all_inner_texts()
    assert crumbs == ["光明区", "光明街道", "甲社区", "甲社区第一网格"]
    page.go_back()  # the URL is the state: back returns to the community
    page.wait_for_selector(f'#map[data-loaded-node="{net.a.community.pk}"]')
    page.go_forward()
    page.wait_for_selector(f'#map[data-loaded-node="{net.a.grid.pk}"]')
    with page.expect_navigation():
        page.click("#map-node-link")
    assert page.url.endswith(reverse("territory:node", args=[net.a.grid.pk]))
    with page.expect_navigation():
        page.click("table.people >> text=王秀英")
    assert page.url.endswith(person_url)
    assert page.inner_text("#id-number-masked") == MASKED_ID
    assert FULL_ID not in page.content()
    assert page.locator(".reveal-form").count() == 0  # community staff may not reveal
    page.set_viewport_size(PHONE["viewport"])
    page.screenshot(path=str(results_dir / "person-page-staff-375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "person page overflows a 375px phone"
    assert problems.messages == []
    page.context.close()

    # 2. The community secretary reveals the ID number with a reason, on a phone.
    page, problems = sign_in(browser, live_server.url, "secretary_a", PASSWORD, **PHONE)
    page.goto(person_url)
    assert page.inner_text("#id-number-masked") == MASKED_ID
    page.select_option("#id_reason_code", "other")  # a reason from the list; "other" needs words
    page.fill("#id_reason", "核实低保申请")
    page.click(".reveal-form button[type=submit]")  # nothing ticked: the server's 400 message shows
    assert page.wait_for_selector(".reveal-error").inner_text() == "请选择要查看的信息"
    assert not AuditEntry.objects.filter(kind="reveal").exists()
    assert [m for m in problems.messages if "status of 400" not in m] == []  # the browser logs the 400
    problems.messages.clear()
    page.check('input[name="field"][value="id_number"]')
    page.click(".reveal-form button[type=submit]")
    revealed = page.wait_for_selector('.revealed[data-field="id_number"]')
    assert revealed.inner_text() == FULL_ID
    assert page.url.endswith(person_url)  # htmx swapped the fragment in; no page load
    page.screenshot(path=str(results_dir / "person-page-revealed-375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    entry = AuditEntry.objects.get(kind="reveal")
    assert entry.actor_id == actors.secretary_a.pk
    assert entry.object_id == str(actors.person_a.pk)
    assert entry.fields == ["id_number"]
    assert entry.reason == "其他:核实低保申请"
    assert problems.messages == []
    page.context.close()

    # 3. Staff of the other community asks for the same person: 404, and nothing is revealed.
    page, _problems = sign_in(browser, live_server.url, "staff_b", PASSWORD)
    response = page.goto(person_url)
    assert response is not None
    assert response.status == 404
    assert "王秀英" not in page.content()
    assert AuditEntry.objects.filter(kind="reveal").count() == 1
    page.context.close()


def test_api_docs_work_offline_once_ninja_is_an_installed_app(browser, live_server, settings):
    """Proves the suggested settings change: with "ninja" in INSTALLED_APPS the Swagger UI comes
    from django-ninja's own static files, passes our CSP and requests nothing from other hosts."""
    if "ninja" not in settings.INSTALLED_APPS:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "ninja"]
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "gongzhi" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector('.opblock-summary-path[data-path="/api/v1/territory/nodes"]')
    assert hosts == {live_server.url.split("/")[2]}
    assert not [e for e in errors if "Content Security Policy" in e]
    context.close()


def test_point_lookup_on_the_map_names_the_grid(browser, live_server, actors):
    page, problems = sign_in(browser, live_server.url, "staff_a", PASSWORD)
    page.goto(reverse("territory:map"))
    page.wait_for_selector(f'#map[data-loaded-node="{actors.net.district.pk}"]')
    page.fill("#lookup-lon", "113.901")
    page.fill("#lookup-lat", "22.701")
    page.click("#lookup-form button[type=submit]")
    page.wait_for_selector("#lookup-result li")
    result = page.inner_text("#lookup-result")
    assert "甲社区第一网格" in result
    assert "光明街道" in result
    assert problems.messages == []
    page.context.close()
