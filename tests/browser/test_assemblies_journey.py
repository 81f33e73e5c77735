"""Issue 7 item 6 on a phone: the owners' committee opens an assembly (freezing the register); an
owner signs in with a one-time code, votes on an ordinary and a special matter and an election; the
committee sees the results by area and by headcount with the rule that applied. Then a council
meets, decides and the public page shows the decision without the representatives' names."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import PASSWORD, make_user
from django.utils import timezone

from gongzhi.accounts.models import RoleAssignment
from gongzhi.accounts.roles import Role
from gongzhi.accounts.sms import OutboxSmsBackend
from gongzhi.assemblies import actions
from gongzhi.assemblies.models import Assembly, Ballot, SnapshotVoter
from gongzhi.councils import actions as council_actions
from gongzhi.councils.models import Decision
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.people.tests.factories import make_person
from gongzhi.territory.tests.factories import make_node

from .conftest import PageProblems, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
OWNER_PHONE = "13700000001"
# htmx is built into static_build/vendor by `make install`; a checkout without it forgives only its 404
VENDOR_BUILT = (Path(__file__).resolve().parents[2] / "src" / "gongzhi" / "static_build" / "vendor").exists()


def real(problems) -> list[str]:  # type: ignore[no-untyped-def]
    return [m for m in problems.messages if VENDOR_BUILT or "/static/vendor/" not in m]


def fits_phone(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"], (
        f"{page.url} overflows"
    )


def register(actors):  # type: ignore[no-untyped-def]
    """Four flats of 100, 100, 100 and 300 ㎡; the first owner signs in by phone."""
    unit = actors.net.a.unit
    homes = [make_node("household", f"{unit.code}{201 + i:04d}", f"{201 + i}", unit) for i in range(4)]
    owners = [make_person(name="业主甲", household=homes[0], phone=OWNER_PHONE)] + [
        make_person(name=f"业主{i}", household=h) for i, h in enumerate(homes[1:], 1)
    ]
    for home, owner, area in zip(homes, owners, ["100", "100", "100", "300"], strict=True):
        actions.part_register(
            actor=None, household=home, area=Decimal(area), owners=[owner], on=datetime.date(2020, 1, 1)
        )
    committee = Organisation.objects.create(
        name="甲花园业主委员会", kind=OrgKind.OWNERS_COMMITTEE, territory=actors.net.a.compound
    )
    member = make_user("owners_a", "业委会主任", None)
    RoleAssignment.objects.create(person=member.person, role=Role.OWNERS_COMMITTEE, organisation=committee)
    assembly = actions.assembly_create(
        actor=None,
        compound=actors.net.a.compound,
        title="甲花园第一次业主大会",
        closes_at=timezone.now() + datetime.timedelta(days=7),
    )
    actions.matter_add(actor=None, assembly=assembly, title="续聘物业服务企业", category="manager")
    actions.matter_add(actor=None, assembly=assembly, title="架空层设充电点并收费", category="change_use")
    actions.election_add(
        actor=None, assembly=assembly, title="补选业委会委员", seats=1, candidates=["陈志强", "刘晓燕"]
    )
    return assembly, owners


def test_owners_vote_on_a_phone_and_the_double_majority_is_shown(
    browser, live_server, actors, settings, results_dir
):
    settings.SMS_BACKEND = "gongzhi.accounts.sms.OutboxSmsBackend"
    # sign-in codes are sent by the task worker: run tasks at once here
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    OutboxSmsBackend.outbox.clear()
    assembly, owners = register(actors)

    # 1. The committee opens voting: the register is frozen.
    page, problems = sign_in(browser, live_server.url, "owners_a", PASSWORD)
    page.goto(f"/assemblies/{assembly.pk}/")
    page.click("button[value=open]")
    page.wait_for_selector("text=名册快照")
    assembly.refresh_from_db()
    assert (assembly.status, assembly.total_owners, assembly.total_area) == ("voting", 4, Decimal("600.00"))

    # 2. The owner signs in on a phone with a one-time code and votes.
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE)
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    phone_problems = PageProblems(phone)
    phone.goto("/accounts/resident-login/?next=/assemblies/")
    phone.fill("#id_phone", OWNER_PHONE)
    phone.click("form button[type=submit]")
    phone.wait_for_selector("#id_code")
    code = re.search(r"\d{6}", OutboxSmsBackend.outbox[-1][1]).group(0)
    phone.fill("#id_code", code)
    with phone.expect_navigation():
        phone.click("form button[type=submit]")
    phone.click(f"text={assembly.title}")
    fits_phone(phone)
    matters = list(assembly.matters.order_by("pk"))
    phone.check(f"input[name=matter-{matters[0].pk}][value=yes]")
    phone.check(f"input[name=matter-{matters[1].pk}][value=no]")
    phone.check("text=陈志强")
    phone.screenshot(path=str(results_dir / "assembly-ballot-phone.png"), full_page=True)
    phone.click("text=提交投票")
    phone.wait_for_selector("text=投票成功")
    assert phone.is_visible("text=已投票")
    fits_phone(phone)
    voter = SnapshotVoter.objects.get(assembly=assembly, members__person=owners[0])
    assert dict(Ballot.objects.filter(voter=voter).values_list("matter__title", "choice")) == {
        "续聘物业服务企业": "yes",
        "架空层设充电点并收费": "no",
    }

    # 3. Two more owners vote (the 300 ㎡ owner among them): 3 of 4 owners, 500 of 600 ㎡ take part.
    for i, choice in ((1, "yes"), (3, "yes")):
        v = SnapshotVoter.objects.get(assembly=assembly, members__person=owners[i])
        actions.ballot_cast(
            actor=None,
            person=owners[i],
            assembly=Assembly.objects.get(pk=assembly.pk),
            voter_id=v.pk,
            version=assembly.snapshot_version,
            choices={m.pk: choice for m in matters},
            picks={},
        )

    # 4. The committee reads both measures: ordinary passes (500/500 area... 3/3 heads → yes 3);
    # the special matter has 400/500 ㎡ = 4/5 but 2/3 owners < 3/4 → not passed.
    page.goto(f"/assemblies/{assembly.pk}/")
    text = page.inner_text("main")
    assert "500.00㎡ / 600.00㎡ = 5/6" in text
    assert "3 / 4" in text
    assert "400.00㎡ / 500.00㎡ = 4/5" in text
    assert "2 / 3" in text
    assert text.count("未通过") >= 1
    assert "通过" in text
    page.screenshot(path=str(results_dir / "assembly-results.png"), full_page=True)
    assert real(problems) == []
    assert real(phone_problems) == []
    context.close()


def test_a_council_decides_and_the_public_page_names_no_one(browser, live_server, actors):
    council = council_actions.council_create(
        actor=None, name="甲社区居民议事会", kind="residents", territory=actors.net.a.community
    )
    company = Organisation.objects.create(
        name="甲物业公司", kind=OrgKind.PROPERTY_COMPANY, territory=actors.net.a.community
    )
    council_actions.seat_add(actor=None, council=council, kind="property_company", organisation=company)
    for name in ("代表张", "代表李", "代表王"):
        council_actions.seat_add(
            actor=None, council=council, kind="resident_rep", person=make_person(name=name)
        )
    meeting = council_actions.meeting_schedule(
        actor=None,
        council=council,
        title="停车难议事",
        starts_at=timezone.now() - datetime.timedelta(hours=2),
    )
    page, problems = sign_in(browser, live_server.url, "staff_a", PASSWORD)
    page.goto(f"/councils/meetings/{meeting.pk}/")
    for box in page.query_selector_all("form.seat-list input[type=checkbox]")[:3]:
        box.check()
    page.click("text=登记出席")
    page.fill("#id_text", "夜间开放学校操场停车")
    page.select_option("#id_rule", "majority_present")
    page.fill("#id_yes", "2")
    page.fill("#id_no", "1")
    page.fill("#id_abstain", "0")
    page.select_option("#id_owner_org", str(company.pk))
    page.fill("#id_deadline", (timezone.localdate() + datetime.timedelta(days=14)).isoformat())
    page.click("text=记录并计票")
    page.wait_for_selector("text=需2票")
    d = Decision.objects.get()
    assert (d.members, d.present, d.needed, d.passed) == (4, 3, 2, True)
    anonymous = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE).new_page()
    anonymous.goto(f"/councils/public/{actors.net.a.community.pk}/")
    text = anonymous.inner_text("main")
    assert "夜间开放学校操场停车" in text
    assert "甲物业公司" in text
    assert "代表张" not in text
    fits_phone(anonymous)
    assert real(problems) == []


def _post_without_referer(route) -> None:  # type: ignore[no-untyped-def]
    """A client that sends no Referer (Origin stays, so the CSRF check passes)."""
    if route.request.method != "POST":
        route.continue_()
        return
    headers = {k: v for k, v in route.request.headers.items() if k.lower() != "referer"}
    route.fulfill(response=route.fetch(headers=headers, max_redirects=0))


@pytest.mark.parametrize("size", [PHONE, {"viewport": {"width": 1440, "height": 900}}], ids=["390", "1440"])
def test_a_refused_step_is_a_message_on_the_page_or_a_refused_page_without_referer(
    browser, live_server, actors, size
):
    """Issue 14: a refusal the view lets through comes back to the page the button was on as a
    message in Chinese; a POST with no Referer gets the refused page with the refusal's status."""
    assembly, owners = register(actors)
    assembly = actions.assembly_open(actor=None, assembly=assembly)
    voter = SnapshotVoter.objects.get(assembly=assembly, members__person=owners[1])
    actions.ballot_cast(
        actor=None,
        person=owners[1],
        assembly=Assembly.objects.get(pk=assembly.pk),
        voter_id=voter.pk,
        version=assembly.snapshot_version,
        choices={m.pk: "yes" for m in assembly.matters.all()},
        picks={},
    )
    page, problems = sign_in(browser, live_server.url, "owners_a", PASSWORD, **size)
    detail = f"{live_server.url}/assemblies/{assembly.pk}/"
    page.goto(detail)
    with page.expect_navigation():
        page.click("button[value=resnapshot]")
    assert page.url == detail
    assert "已有业主投票,不能再更新名册快照" in page.inner_text(".messages")
    assert page.evaluate("document.documentElement.scrollWidth") <= size["viewport"]["width"]

    page.route("**/*", _post_without_referer)
    with page.expect_navigation() as answer:
        page.click("button[value=resnapshot]")
    assert answer.value.status == 409
    assert "无法完成" in page.inner_text("main h1")
    assert "已有业主投票,不能再更新名册快照" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= size["viewport"]["width"]
    assert Assembly.objects.get(pk=assembly.pk).snapshot_version == assembly.snapshot_version
    # the refused answer (409) is the one console error expected
    assert [m for m in real(problems) if "409" not in m] == []
    page.context.close()
