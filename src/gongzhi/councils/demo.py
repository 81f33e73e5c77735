"""Demo councils of 碧眼社区: its residents' council and the compound consultation meeting of
demo_resident's compound, each with a held meeting (agenda from real appeals and residents,
attendance, minutes, decisions — one done with evidence, one overdue, one rejected) and a planned one."""

import datetime
import random
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.appeals.models import Appeal
from gongzhi.councils import actions
from gongzhi.councils.models import Council, Meeting
from gongzhi.orgs.models import Organisation
from gongzhi.people.models import Person
from gongzhi.territory.models import TerritoryNode

HOME = "碧眼社区"
# a one-page PDF, enough for the evidence list to open
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _persons(community: Any, rng: random.Random, n: int, exclude: set[int]) -> list[Person]:
    ids = list(
        Person.objects.filter(household__path__startswith=community.path)
        .exclude(pk__in=exclude)
        .values_list("pk", flat=True)[:400]
    )
    return list(Person.objects.filter(pk__in=rng.sample(ids, min(n, len(ids)))).order_by("pk"))


def _org(community: Any, kind: str, under: str | None = None) -> Organisation | None:
    qs = Organisation.objects.filter(kind=kind)
    qs = (
        qs.filter(territory__path__startswith=under)
        if under
        else qs.filter(territory__path__startswith=community.path)
    )
    return qs.order_by("name").first()


def _meeting(
    *,
    staff: Any,
    council: Council,
    title: str,
    days_ago: int,
    place: str,
    items: list[tuple[str, str, int | None, str]],
) -> Meeting:
    starts = timezone.now() - datetime.timedelta(days=days_ago)
    meeting = actions.meeting_schedule(
        actor=staff, council=council, title=title, starts_at=starts, place=place
    )
    for item_title, kind, source_id, source_text in items:
        actions.agenda_add(
            actor=staff,
            meeting=meeting,
            title=item_title,
            source_kind=kind,
            source_id=source_id,
            source_text=source_text,
        )
    return meeting


def _decide(staff: Any, meeting: Meeting, item: Any, text: str, *, yes: int, **vote: Any) -> Any:
    """A vote on an agenda item: by default carried by the members present, with no one against."""
    vote = {"rule": "majority_present", "no": 0, "abstain": 0, **vote}
    return actions.decision_record(actor=staff, meeting=meeting, agenda_item=item, text=text, yes=yes, **vote)


def _residents_council(staff: Any, community: Any, logins: dict[str, Any], rng: random.Random) -> Any:
    """The residents' council of the community: party branch, units and resident representatives."""
    secretary = logins.get("demo_secretary")
    council = actions.council_create(
        actor=staff,
        name=f"{HOME}居民议事会",
        kind="residents",
        territory=community,
        description="每月第二周召开;出席过半数方可表决;一般事项出席成员过半数同意,修改议事规则须全体成员三分之二以上同意。",
    )
    if secretary and secretary.person:
        actions.seat_add(actor=staff, council=council, kind="party_branch", person=secretary.person)
    for kind, org_kind in (
        ("residents_committee", "residents_committee"),
        ("unit", "resident_unit"),
        ("social_org", "social_org"),
    ):
        org = _org(community, org_kind) or _org(
            community, org_kind, under=community.path.rsplit("/", 2)[0] + "/"
        )
        if org:
            actions.seat_add(actor=staff, council=council, kind=kind, organisation=org)
    reps = _persons(community, rng, 6, {p.person_id for p in logins.values() if p.person_id})
    if "demo_member" in logins and logins["demo_member"].person:
        reps[0:0] = [logins["demo_member"].person]
    seats = list(council.seats.all()) + [
        actions.seat_add(actor=staff, council=council, kind="resident_rep", person=p) for p in reps
    ]
    return council, seats


def _first_meetings(staff: Any, council: Council, community: Any, seats: list[Any], today: Any) -> Any:
    """A held meeting (one decision done with evidence, one overdue, one rejected) and a planned one;
    returns the property company answering for the community, if any."""
    appeals = list(Appeal.objects.filter(community=community).order_by("-created_at")[:3])
    items = [
        ("小区周边停车难、乱停车问题", "appeal", appeals[0].pk if appeals else None, "近三个月多名居民反映"),
        ("长者饭堂用餐时段调整", "resident", None, "居民代表收集意见"),
        ("社区公园夜间照明不足", "appeal", appeals[1].pk if len(appeals) > 1 else None, "12345热线转办"),
    ]
    held = _meeting(
        staff=staff,
        council=council,
        title="2026年第三季度居民议事会",
        days_ago=40,
        place=f"{HOME}党群服务中心二楼会议室",
        items=items,
    )
    present = {s.pk for s in seats[: len(seats) - 2]}  # two absent
    actions.attendance_record(
        actor=staff,
        meeting=held,
        present_seat_ids=present,
        minutes="一、关于停车难:同意由共建单位夜间开放停车场,物业负责引导。\n二、长者饭堂:午餐提前至11:00。\n三、公园照明:由居委会协调城管部门增设路灯。",
    )
    agenda = list(held.agenda.all())
    property_company = _org(community, "property_company", under=community.path.rsplit("/", 2)[0] + "/")
    rc = _org(community, "residents_committee")
    n_present = len(present)
    rc_owns = {"owner_org": rc, "owner_name": "居委会"}
    done = _decide(
        staff,
        held,
        agenda[1],
        "长者饭堂午餐开餐时间提前至11:00,并增加软食选项",
        yes=n_present - 1,
        abstain=1,
        deadline=today - datetime.timedelta(days=25),
        **rc_owns,
    )
    actions.decision_transition(actor=staff, decision=done, to="doing", note="已与运营方沟通")
    actions.evidence_add(
        actor=staff,
        decision=done,
        note="调整后的开餐公告",
        upload=SimpleUploadedFile("长者饭堂开餐时间公告.pdf", PDF, content_type="application/pdf"),
    )
    actions.decision_transition(actor=staff, decision=done, to="done", note="9月起执行")
    # the overdue one: decided, deadline passed, not done
    late = today - datetime.timedelta(days=10)
    _decide(
        staff,
        held,
        agenda[2],
        "社区公园西侧步道增设6盏路灯",
        yes=n_present - 2,
        no=1,
        abstain=1,
        deadline=late,
        **rc_owns,
    )
    # the rejected one: half the members is not a majority of them
    half = len(seats) // 2
    _decide(
        staff,
        held,
        agenda[0],
        "在小区主干道两侧施划收费停车位",
        yes=half,
        no=n_present - half,
        rule="majority_members",
    )
    actions.meeting_schedule(
        actor=staff,
        council=council,
        title="2026年第四季度居民议事会",
        starts_at=timezone.now() + datetime.timedelta(days=12),
        place=f"{HOME}党群服务中心二楼会议室",
    )
    return property_company


def _compound_council(
    staff: Any, logins: dict[str, Any], rng: random.Random, today: Any, property_company: Any
) -> int:
    """The compound consultation meeting of demo_resident's compound (1 council, or 0 without one)."""
    secretary, resident = logins.get("demo_secretary"), logins.get("demo_resident")
    household = resident.person.household if resident and resident.person else None
    compound = next((n for n in household.ancestors() if n.level == "compound"), None) if household else None
    if compound is None or resident is None:
        return 0
    cc = actions.council_create(
        actor=staff, name=f"{compound.name}协商议事会", kind="compound", territory=compound
    )
    if secretary and secretary.person:
        actions.seat_add(actor=staff, council=cc, kind="party_branch", person=secretary.person)
    owners = Organisation.objects.filter(kind="owners_committee", territory=compound).first()
    if owners:
        actions.seat_add(actor=staff, council=cc, kind="owners_committee", organisation=owners)
    manager = (
        Organisation.objects.filter(kind="property_company", serves=compound).first() or property_company
    )
    if manager:
        actions.seat_add(actor=staff, council=cc, kind="property_company", organisation=manager)
    actions.seat_add(actor=staff, council=cc, kind="resident_rep", person=resident.person)
    for p in _persons(compound, rng, 3, {resident.person_id}):
        actions.seat_add(actor=staff, council=cc, kind="resident_rep", person=p)
    m = _meeting(
        staff=staff,
        council=cc,
        title="电动自行车充电桩选址现场协商",
        days_ago=5,
        place=f"{compound.name}3栋架空层",
        items=[("电动自行车集中充电点选址", "resident", None, "支部提议、各方商议、业主决定")],
    )
    cc_seats = list(cc.active_seats())
    actions.attendance_record(
        actor=staff,
        meeting=m,
        present_seat_ids={s.pk for s in cc_seats},
        minutes="现场查看3栋、5栋架空层;物业提出消防要求;居民代表同意选址5栋架空层,报业主大会表决。",
    )
    _decide(
        staff,
        m,
        m.agenda.first(),
        "充电点选址5栋架空层,方案提交业主大会表决",
        yes=len(cc_seats),
        owner_org=manager,
        owner_name="物业",
        deadline=today + datetime.timedelta(days=20),
    )
    return 1


def install_demo(*, seed: int, progress: Any) -> dict[str, int]:
    rng = random.Random(seed * 31 + 5)
    community = TerritoryNode.objects.filter(level="community", name=HOME).first()
    staff = User.objects.filter(username="demo_staff").first()
    if community is None or staff is None:
        return {"councils": 0}
    logins = {
        u.username: u
        for u in User.objects.filter(username__startswith="demo_").select_related("person__household")
    }
    today = timezone.localdate()

    council, seats = _residents_council(staff, community, logins, rng)
    if len(seats) < 5:  # a tiny demo (few residents): the council exists, no meeting to show
        progress("  议事会 councils: 1 (no meeting: too few residents)")
        return {"councils": 1}
    property_company = _first_meetings(staff, council, community, seats, today)
    count = 1 + _compound_council(staff, logins, rng, today, property_company)
    progress(f"  议事会 councils: {count}")
    return {"councils": count}
