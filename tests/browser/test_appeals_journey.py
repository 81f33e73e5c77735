"""Issue 3 acceptance: on a phone, a resident submits an appeal with a photo and a map pin; it is
routed to community A and the urban-management department; the handler signs and replies; the
resident rates it unsatisfied, it reopens, is replied again and rated satisfied; the rates reflect it."""

import struct
import zlib

import pytest
from conftest import PASSWORD, make_user
from django.urls import NoReverseMatch, reverse

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.roles import Role
from gongzhi.appeals.models import Appeal, Category, DailyStat, RoutingRule, RoutingRuleSet
from gongzhi.appeals.workflow import Status
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.people.tests.factories import make_person

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def category(path: str) -> Category:
    parent = None
    parts = path.split("/")
    for depth in range(1, len(parts) + 1):
        parent, _ = Category.objects.get_or_create(
            path="/".join(parts[:depth]),
            defaults={"name": parts[depth - 1], "parent": parent, "level": depth},
        )
    assert parent is not None
    return parent


def world(actors):  # type: ignore[no-untyped-def]
    """As appeals/tests/conftest.py: 城市管理 → 城管局, anything else → 住建局; a handler for 城管局."""
    district = actors.net.district
    urban = Organisation.objects.create(
        name="光明区城市管理和综合执法局", kind=OrgKind.DEPARTMENT, territory=district
    )
    housing = Organisation.objects.create(
        name="光明区住房和建设局", kind=OrgKind.DEPARTMENT, territory=district
    )
    occupying = category("城乡建设/城市管理/占道经营")
    category("城乡建设/住房保障/物业管理")
    ruleset = RoutingRuleSet.objects.create(version=1, is_active=True)
    RoutingRule.objects.create(ruleset=ruleset, position=1, category=occupying.parent, department=urban)
    RoutingRule.objects.create(ruleset=ruleset, position=2, department=housing)
    person = make_person(name="城管办理员")
    User.objects.create_user(username="urban_h", password=PASSWORD, person=person)
    RoleAssignment.objects.create(person=person, role=Role.DEPARTMENT_HANDLER, organisation=urban)
    return urban, occupying


def fits_phone(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"], (
        f"{page.url} overflows"
    )


def submit_action(page, action: str) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.click(f".act-{action} button[type=submit]")
    assert page.locator("#action-error").count() == 0, page.inner_text("#action-error")


def handler_signs_and_replies(browser, base_url, appeal, text: str) -> None:  # type: ignore[no-untyped-def]
    page, problems = sign_in(browser, base_url, "urban_h", PASSWORD, **PHONE)
    page.goto("/appeals/")
    assert page.url.endswith(reverse("appeals:queue"))
    with page.expect_navigation():
        page.click(f"#queue a[href='{reverse('appeals:detail', args=[appeal.pk])}']")
    submit_action(page, "sign")
    assert page.inner_text("#appeal-status") == "已签收"
    page.fill("#id_reply_text", text)
    submit_action(page, "reply")
    assert page.inner_text("#appeal-status") == "已答复"
    fits_phone(page)
    assert problems.messages == []
    page.context.close()


def resident_rates(page, appeal, satisfaction: str, solved: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(reverse("appeals:mine"))
    with page.expect_navigation():
        page.click(f"#my-appeals a.rate-link[href^='{reverse('appeals:detail', args=[appeal.pk])}']")
    page.check(f".act-rate input[name=satisfaction][value={satisfaction}]")
    page.check(f".act-rate input[name=solved][value='{solved}']")
    submit_action(page, "rate")


def test_resident_submits_on_a_phone_and_the_loop_closes_after_one_reopen(
    browser, live_server, actors, results_dir
):
    urban, occupying = world(actors)

    # 1. The resident, on a phone, submits text + photo + a pin on the map of community A.
    page, problems = sign_in(browser, live_server.url, "resident_a", PASSWORD, **PHONE)
    page.goto("/appeals/")
    assert page.url.endswith(reverse("appeals:mine"))
    with page.expect_navigation():
        page.click("text=我要反映 >> nth=-1")
    page.fill("#id_text", "小区东门晚上有人占道摆摊,噪音很大")
    page.set_input_files(
        "#id_photos", files=[{"name": "stall.png", "mimeType": "image/png", "buffer": png()}]
    )
    page.wait_for_selector("#photo-preview img")
    page.wait_for_selector("#pin-map[data-ready='1']")
    page.click("#pin-map")  # the map opens on the resident's community: its centre is inside it
    assert page.input_value("#pin-lon")
    assert "已选位置" in page.inner_text("#pin-status")
    page.select_option(".cascade select >> nth=0", "城乡建设")  # 大类 → 小类 narrow the category list
    page.select_option(".cascade select >> nth=1", "城市管理")
    assert page.locator("#id_category option").all_inner_texts()[1:] == ["占道经营"]
    page.select_option("#id_category", str(occupying.pk))
    fits_phone(page)
    page.screenshot(path=str(results_dir / "appeal-submit-390.png"), full_page=True)
    with page.expect_navigation():
        page.click("#submit-appeal")
    appeal = Appeal.objects.get()
    assert page.inner_text("#appeal-number") == appeal.number
    assert page.inner_text("#appeal-community") == "甲社区"
    assert page.inner_text("#appeal-department") == urban.name
    assert appeal.status == Status.DISPATCHED
    assert appeal.photos.count() == 1
    fits_phone(page)
    page.screenshot(path=str(results_dir / "appeal-submitted-390.png"), full_page=True)

    # 2. The department signs and replies.
    handler_signs_and_replies(browser, live_server.url, appeal, "已安排城管中队现场劝离,并设置疏导点")

    # 3. The resident is not satisfied: it reopens and goes back to the department.
    resident_rates(page, appeal, "unsatisfied", "0")
    assert page.inner_text("#appeal-status") == "已派单"
    appeal.refresh_from_db()
    assert (appeal.status, appeal.reopen_count) == (Status.DISPATCHED, 1)

    # 4. Replied again, rated satisfied: closed.
    handler_signs_and_replies(browser, live_server.url, appeal, "已设置固定疏导点并每晚巡查,问题已解决")
    resident_rates(page, appeal, "satisfied", "1")
    assert page.inner_text("#appeal-status") == "已办结"
    timeline = page.inner_text("#timeline")
    assert timeline.count("答复") >= 2
    assert "重新办理" in timeline
    fits_phone(page)
    page.screenshot(path=str(results_dir / "appeal-closed-390.png"), full_page=True)
    assert problems.messages == []
    page.context.close()

    # 5. The rates reflect it: two dispatches signed on time, two ratings, one solved and satisfied.
    stat = DailyStat.objects.get(department=urban)
    assert (stat.dispatched, stat.signed_on_time, stat.rated, stat.solved, stat.satisfied) == (2, 2, 2, 1, 1)
    try:
        rates_url = reverse("appeals:rates")
    except NoReverseMatch:
        return  # the rates page is not mounted yet; the rollup above is what it reads
    page, problems = sign_in(browser, live_server.url, "street_officer", PASSWORD)
    page.goto(rates_url)
    row = page.locator("tr", has_text=urban.name)
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    # dispatched 2, signed on time 2, rated 2, solved 1, satisfied 1 → response 100 %, resolution and satisfaction 50 %
    assert cells[1:] == [urban.name, "2", "2", cells[4], "2", "1", cells[7], "1", cells[9]]
    assert cells[4].startswith("100")
    assert cells[7].startswith("50")
    assert cells[9].startswith("50")
    assert problems.messages == []
    page.context.close()


def test_a_grid_worker_snaps_and_reports_with_the_phones_location(browser, live_server, actors, results_dir):
    world(actors)
    make_user("grid_a", "网格员甲", Role.GRID_WORKER, actors.net.a.grid)
    here = {"geolocation": {"latitude": 22.7012, "longitude": 113.9012}, "permissions": ["geolocation"]}
    page, problems = sign_in(browser, live_server.url, "grid_a", PASSWORD, **PHONE, **here)
    page.goto(reverse("appeals:patrol"))
    page.wait_for_function("document.getElementById('pin-lon').value !== ''")  # located on opening
    assert page.input_value("#pin-lat") == "22.701200"
    page.set_input_files(
        "#id_photos", files=[{"name": "drain.png", "mimeType": "image/png", "buffer": png()}]
    )
    fits_phone(page)
    with page.expect_navigation():
        page.click("form.appeal-form button[type=submit]")
    appeal = Appeal.objects.get()
    assert (appeal.channel, appeal.community, appeal.territory) == (
        "patrol",
        actors.net.a.community,
        actors.net.a.grid,
    )
    assert page.inner_text("#appeal-community") == "甲社区"
    assert problems.messages == []
    page.context.close()
