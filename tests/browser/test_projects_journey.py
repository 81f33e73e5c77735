"""Issue 7 acceptance (micro-projects): on a phone a resident proposes; staff review feasibility and
the council meets (a councils meeting is linked and its page opens from the public page); residents
vote on a phone; the count is published with a reason for every project; the project is approved,
built (milestones, progress, spending, acceptance) and residents rate it — all on the public page."""

import datetime

import pytest
from conftest import PASSWORD, make_user
from django.urls import reverse
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.councils import actions as council_actions
from gongzhi.projects import actions
from gongzhi.projects.models import Proposal, Vote
from gongzhi.projects.workflow import Phase

from .conftest import PageProblems, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def real(problems: PageProblems) -> list[str]:
    # base.html loads vendor/htmx/htmx.min.js, which is not in the repository yet (reported to the
    # integrator); every other console error fails the journey.
    return [m for m in problems.messages if "/static/vendor/htmx/htmx.min.js" not in m]


def fits_phone(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"], (
        f"{page.url} overflows"
    )


def staff_post(page, form: str, fields: dict | None = None, selects: dict | None = None) -> None:  # type: ignore[no-untyped-def]
    for name, value in (fields or {}).items():
        page.fill(f"{form} [name={name}]", value)
    for name, value in (selects or {}).items():
        page.select_option(f"{form} [name={name}]", value)
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")
    assert page.locator("#action-error").count() == 0, page.locator("#action-error").inner_text()


def test_residents_propose_vote_and_rate_a_micro_project(browser, live_server, actors, results_dir):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    rnd = actions.round_create(
        actor=actors.staff_a,
        community=actors.net.a.community,
        year=today.year,
        title="甲社区民生微实事",
        budget=500_000,
        dates={
            "collect_from": today - datetime.timedelta(days=5),
            "collect_until": today + datetime.timedelta(days=5),
            "review_until": today + datetime.timedelta(days=10),
            "deliberate_until": today + datetime.timedelta(days=20),
        },
    )
    neighbour = make_user(
        "neighbour_a", "赵邻居", Role.RESIDENT, actors.net.a.household, household=actors.net.a.household
    )
    rival = actions.proposal_submit(actor=neighbour, round=rnd, title="篮球场照明", description="晚上太暗")
    actions.proposal_review(
        actor=actors.staff_a,
        proposal=rival,
        feasible=True,
        cost_estimate=400_000,
        responsible_unit="文体中心",
    )

    # 1. A resident proposes on a phone.
    page, problems = sign_in(browser, live_server.url, "resident_a", PASSWORD, **PHONE)
    page.goto(reverse("projects:index"))
    page.click(f"a[href='{reverse('projects:round', args=[rnd.pk])}']")
    page.click("#propose-link")
    page.fill("[name=title]", "楼道加装扶手")
    page.fill("[name=description]", "老人上下楼不安全，希望三栋楼道加装扶手")
    page.fill("[name=place]", "甲社区花园1栋")
    fits_phone(page)
    with page.expect_navigation():
        page.click("#propose-submit")
    assert page.inner_text("#proposal-phase") == "需求征集"
    assert page.inner_text("#proposer") == "居**"
    mine = Proposal.objects.get(title="楼道加装扶手")

    # 2. Staff review feasibility; the council meets on it (councils app) and the meeting is linked.
    council = council_actions.council_create(
        actor=actors.staff_a,
        name="甲社区居民议事会",
        kind="residents",
        territory=actors.net.a.community,
    )
    meeting = council_actions.meeting_schedule(
        actor=actors.staff_a, council=council, title="微实事协商会", starts_at=timezone.now()
    )
    council_actions.agenda_add(
        actor=actors.staff_a, meeting=meeting, title=mine.title, source_kind="proposal", source_id=mine.pk
    )
    staff, staff_problems = sign_in(browser, live_server.url, "staff_a", PASSWORD)
    staff.goto(reverse("projects:manage_proposal", args=[mine.pk]))
    staff_post(staff, "#review-form", {"cost_estimate": "120000", "responsible_unit": "甲社区工作站"})
    assert staff.inner_text("#proposal-phase") == "协商议事"
    staff_post(staff, "#plan-form", {"meeting_id": str(meeting.pk)})
    staff_post(staff, "#document-form", {"title": "议事会纪要", "body": "议事会同意两个项目进入居民投票"})
    page.goto(reverse("projects:proposal", args=[mine.pk]))
    page.fill("#comments ~ form textarea[name=body]", "支持，家里老人很需要")
    with page.expect_navigation():
        page.click("#comment-submit")
    assert "支持，家里老人很需要" in page.inner_text("#comments")
    href = page.get_attribute("#meeting-link", "href")
    assert href == reverse("councils:meeting", args=[meeting.pk])
    assert staff.goto(href).status == 200  # the council's own page (staff only)

    # 3. Staff open the vote on both deliberated proposals.
    staff.goto(reverse("projects:manage_round", args=[rnd.pk]))
    now = timezone.localtime()
    staff_post(
        staff,
        "#vote-form",
        {
            "title": "第一批居民投票",
            "opens_at": (now - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        },
        {"rule": "greedy"},
    )
    vote = Vote.objects.get(title="第一批居民投票")
    staff_post(staff, "#open-form")
    assert staff.inner_text("#vote-status") == "投票中"

    # 4. Residents vote on their phones.
    for who, picks in ((page, [mine]), (None, [mine, rival])):
        p = who
        if p is None:
            p, _ = sign_in(browser, live_server.url, "neighbour_a", PASSWORD, **PHONE)
        p.goto(reverse("projects:vote", args=[vote.pk]))
        p.click("#ballot-link")
        for prop in picks:
            p.check(f"input[name=choice][value='{prop.pk}']")
        fits_phone(p)
        with p.expect_navigation():
            p.click("#ballot-submit")
        assert p.locator("#voted-note").count() == 1
    staff.goto(reverse("projects:manage_vote", args=[vote.pk]))
    assert staff.inner_text("#voted") == "2"

    # 5. The vote closes; staff count and publish; anyone reads why each project won or lost.
    Vote.objects.filter(pk=vote.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=2),
        closes_at=timezone.now() - datetime.timedelta(minutes=2),
    )
    staff.goto(reverse("projects:manage_vote", args=[vote.pk]))
    staff_post(staff, "form:has(#count-submit)")
    staff_post(staff, "form:has(#publish-submit)")
    public = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE).new_page()
    public_problems = PageProblems(public)
    public.goto(reverse("projects:vote", args=[vote.pk]))
    won = public.inner_text(f"li.result[data-id='{mine.pk}']")
    lost = public.inner_text(f"li.result[data-id='{rival.pk}']")
    assert "入选" in won
    assert "费用 400,000 元超过了剩余预算 380,000 元" in lost
    fits_phone(public)

    # 6. Approval, implementation with milestones, spending, acceptance, evaluation.
    staff.goto(reverse("projects:manage_proposal", args=[mine.pk]))
    staff_post(staff, "#move-form", {"note": "立项"}, {"to": Phase.APPROVED})
    staff_post(staff, "#plan-form", {"contractor": "光明建设队"})
    staff_post(staff, "#milestone-form", {"title": "扶手进场"})
    staff_post(staff, "#move-form", {"note": "开工"}, {"to": Phase.IMPLEMENTATION})
    staff_post(staff, "#spending-form", {"amount": "80000", "note": "扶手材料与安装"})
    staff_post(staff, "#progress-form", {"progress": "100"})
    staff_post(staff, "form.milestone-done")
    staff_post(staff, "#move-form", {"note": "验收合格"}, {"to": Phase.ACCEPTANCE})
    staff_post(staff, "#move-form", {"note": "请居民评价"}, {"to": Phase.EVALUATION})

    page.goto(reverse("projects:proposal", args=[mine.pk]))
    page.check("input[name=rating][value='5']")
    page.fill("form:has(#rate-submit) textarea[name=comment]", "扶手很结实，老人放心了")
    with page.expect_navigation():
        page.click("#rate-submit")
    public.goto(reverse("projects:proposal", args=[mine.pk]))
    assert public.inner_text("#proposal-phase") == "居民评价"
    assert "扶手很结实" in public.inner_text("#evaluations")
    assert public.inner_text("#spent") == "80000 元"
    assert "居民甲" not in public.content()
    assert "✓ 扶手进场" in public.inner_text("#milestones")
    public.screenshot(path=str(results_dir / "projects_public_proposal.png"), full_page=True)
    assert real(problems) == []
    assert real(staff_problems) == []
    assert real(public_problems) == []
