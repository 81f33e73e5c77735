"""Service demo: a helper team in every community of 光明街道 (碧眼社区 the richest, with eight
professional sub-teams), members including demo_member and demo_volunteer, catalogues, orders in
every state (one for demo_resident waiting for a rating), wishes on the wall, pairings with
visits (one overdue, alert raised), report-ins and posts. Deterministic: random.Random(seed).

Bulk inserts for the many rows (helpers, catalogue); the few orders and wishes that tell a story
go through the actions so their events, audit rows and points are the real ones."""

import io
import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.people.models import PartyMember, Person, Tag
from gongzhi.service import actions, actions_convert, actions_pairing, actions_wishes
from gongzhi.service.actions_sweeps import raise_pairing_alerts
from gongzhi.service.models import (
    Helper,
    HelperTeam,
    Pairing,
    ReportIn,
    ServiceItem,
    ServicePost,
)
from gongzhi.service.models.reportin import PostKind
from gongzhi.service.suggest import index_fields
from gongzhi.territory.models import Level, TerritoryNode

RICH = "碧眼社区"
STREET = "光明街道"
CATALOGUE = [
    ("家电维修", "repair", "电视、洗衣机、电饭煲等小家电上门检修", "1.5"),
    ("水电维修", "electrician", "换灯泡、修插座、疏通水管", "1.0"),
    ("法律咨询", "legal", "婚姻家事、劳动争议、物业纠纷咨询", "1.0"),
    ("课业辅导", "tutoring", "小学、初中作业辅导(周末、晚上)", "2.0"),
    ("健康义诊", "health", "量血压、测血糖、用药指导", "1.0"),
    ("陪伴探访", "companion", "陪老人聊天、读报、散步", "2.0"),
    ("心理疏导", "counselling", "情绪困扰倾听与疏导", "1.0"),
    ("义剪理发", "haircut", "为行动不便的老人上门理发", "1.0"),
    ("代买代办", "errands", "代买药品、代缴费用", "1.0"),
]
SUBTEAMS = [
    ("电工分队", "electrician"),
    ("法律服务分队", "legal"),
    ("教师分队", "tutoring"),
    ("医生分队", "health"),
    ("心理服务分队", "counselling"),
    ("义剪分队", "haircut"),
    ("家电维修分队", "repair"),
    ("跑腿代办分队", "errands"),
]
KINDS = ["party_member", "league_member", "activist", "volunteer", "partner_staff"]
WISHES = [
    ("elderly", "想要一台能听戏的收音机", "老人视力不好,平时喜欢听粤剧", "120"),
    ("elderly", "换一副老花镜", "原来的眼镜摔坏了,看不清药盒上的字", "80"),
    ("disabled", "想要一根四脚拐杖", "下楼买菜时更稳当", "150"),
    ("child", "想要一套《十万个为什么》", "三年级,很爱看科普书", "98"),
    ("child", "想学游泳,需要一副泳镜和泳帽", "暑假想参加社区游泳班", "60"),
    ("low_income", "冬天想要一床厚棉被", "家里被子用了十几年", "200"),
    ("elderly", "希望有人陪着去一次公园看花", "腿脚不便,很久没出门", "0"),
    ("disabled", "想要一个带夜灯的床头呼叫铃", "夜里起身时能方便叫家人", "90"),
    ("child", "想要一个新书包", "书包拉链坏了", "120"),
    ("low_income", "想给孩子买一双运动鞋", "孩子参加学校运动会", "150"),
    ("elderly", "想学用智能手机和孙子视频", "有手机,不会用微信视频", "0"),
    ("child", "想要一盒水彩笔和画本", "喜欢画画", "50"),
]
ORDER_TEXTS = {
    "repair": ["洗衣机脱水时响声很大", "电饭煲不加热了", "电视机没有信号"],
    "electrician": ["厨房插座没电了", "卫生间灯泡坏了,够不着", "水龙头一直滴水"],
    "legal": ["和物业对停车费有争议,想咨询一下", "儿子工资被拖欠三个月"],
    "tutoring": ["孩子数学应用题不会做,想找人辅导", "初二英语跟不上"],
    "health": ["想量血压,行动不便", "老人最近头晕,想请医生看看用药"],
    "companion": ["老父亲一个人在家,希望有人陪他聊聊天"],
    "counselling": ["最近失眠焦虑,想找人聊聊"],
    "haircut": ["老母亲卧床,想请师傅上门理发"],
    "errands": ["腿受伤了,想请人代买降压药"],
}


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 22, 29)).save(out, format="PNG")
    return out.getvalue()


def _buildings(community: TerritoryNode) -> dict[str, TerritoryNode]:
    return {
        b.path: b for b in TerritoryNode.objects.filter(path__startswith=community.path, level=Level.BUILDING)
    }


def _building_of(path: str, buildings: dict[str, TerritoryNode]) -> TerritoryNode | None:
    parts = [p for p in path.split("/") if p]
    for i in range(len(parts), 0, -1):
        found = buildings.get("/".join(parts[:i]) + "/")
        if found is not None:
            return found
    return None


def _point(node: TerritoryNode | None) -> tuple[float | None, float | None]:
    if node is None:
        return None, None
    if node.centroid_lon is not None:
        return node.centroid_lon, node.centroid_lat
    geometry = node.geometry or {}
    if geometry.get("type") == "Point":
        return geometry["coordinates"][0], geometry["coordinates"][1]
    return None, None


def _slots(rng: random.Random) -> list[dict[str, Any]]:
    days = rng.sample(range(7), rng.randint(1, 3))
    start = rng.choice(["18:30", "19:00", "19:30"])
    return [{"day": d, "start": start, "end": "21:30"} for d in sorted(days)] + (
        [{"day": 5, "start": "09:00", "end": "12:00"}] if rng.random() < 0.4 else []
    )


def _secretary(community: TerritoryNode) -> Person | None:
    row = (
        RoleAssignment.objects.active()
        .filter(role="community_secretary", territory=community)
        .select_related("person")
        .first()
    )
    return row.person if row else None


class _Demo:
    def __init__(self, seed: int, progress: Any) -> None:
        self.rng = random.Random(seed * 7 + 5)
        self.progress = progress
        self.counts: dict[str, int] = {}
        self.users = {
            u.username: u for u in User.objects.filter(username__startswith="demo_").select_related("person")
        }
        self.now = timezone.now()

    def bump(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    # --- teams, members, catalogue ---------------------------------------------------------------

    def community(self, community: TerritoryNode, rich: bool) -> tuple[HelperTeam, list[Helper]]:
        rng = self.rng
        team = HelperTeam.objects.create(
            community=community,
            path=community.path,
            name=f"{community.name}红小二服务队",
            leader=_secretary(community),
        )
        subteams = [
            HelperTeam(
                community=community,
                path=community.path,
                name=f"{community.name}{name}",
                parent=team,
                specialty=skill,
            )
            for name, skill in (SUBTEAMS if rich else rng.sample(SUBTEAMS, 2))
        ]
        HelperTeam.objects.bulk_create(subteams)
        self.bump("service_teams", 1 + len(subteams))
        ServiceItem.objects.bulk_create(
            [
                ServiceItem(
                    community=community,
                    path=community.path,
                    name=name,
                    skill=skill,
                    description=text,
                    hours=Decimal(hours),
                    deadline_hours=72 if skill != "health" else 48,
                )
                for name, skill, text, hours in CATALOGUE
            ]
        )
        self.bump("service_items", len(CATALOGUE))
        buildings = _buildings(community)
        adults = list(
            Person.objects.filter(
                household__path__startswith=community.path,
                birth_date__lte=self.now.date() - timedelta(days=365 * 20),
                birth_date__gte=self.now.date() - timedelta(days=365 * 70),
            )
            .exclude(pk__in=[u.person_id for u in self.users.values() if u.person_id])
            .select_related("household")
            .order_by("pk")[:400]
        )
        members = {m.person_id: m for m in PartyMember.objects.filter(person__in=adults)}
        units = list(
            Organisation.objects.filter(
                territory__path__startswith=community.path,
                kind__in=[OrgKind.PARTNER_UNIT, OrgKind.RESIDENT_UNIT],
            )
        )
        chosen = rng.sample(adults, min(len(adults), 60 if rich else 14))
        areas = [b.path for b in buildings.values()]
        rows = []
        for i, person in enumerate(chosen):
            kind = "party_member" if person.pk in members else rng.choice(KINDS[1:] if units else KINDS[1:4])
            sub = subteams[i % len(subteams)] if rng.random() < 0.5 else team
            skills = sorted({sub.specialty or rng.choice(CATALOGUE)[1], rng.choice(CATALOGUE)[1]})
            lon, lat = (
                _point(_building_of(person.household.path, buildings))
                if person.household_id
                else (None, None)
            )
            public = rng.random() < 0.35
            rows.append(
                Helper(
                    team=sub,
                    path=community.path,
                    person=person,
                    kind=kind,
                    party_member=members.get(person.pk),
                    organisation=rng.choice(units) if kind == "partner_staff" else None,
                    skills=skills,
                    slots=_slots(rng),
                    area_paths=rng.sample(areas, min(len(areas), 2)) if areas else [],
                    home_lon=lon,
                    home_lat=lat,
                    public_on_poster=public,
                    poster_phone=f"139{rng.randint(10000000, 99999999)}" if public else "",
                )
            )
        for row in rows:
            index_fields(row)
        helpers = Helper.objects.bulk_create(rows)
        self.bump("service_helpers", len(helpers))
        return team, helpers

    def login_helpers(self, team: HelperTeam, community: TerritoryNode) -> list[Helper]:
        """demo_member (party member, electrician) and demo_volunteer (volunteer, repairs) in 碧眼."""
        found = []
        buildings = _buildings(community)
        for username, kind, skills in (
            ("demo_member", "party_member", ["electrician", "repair"]),
            ("demo_volunteer", "volunteer", ["repair", "companion", "errands"]),
        ):
            user = self.users.get(username)
            if user is None or user.person_id is None:
                continue
            person = user.person
            building = _building_of(person.household.path, buildings) if person.household_id else None
            lon, lat = _point(building)
            helper = Helper(
                team=team,
                path=community.path,
                person=person,
                kind=kind,
                party_member=PartyMember.objects.filter(person=person).first(),
                skills=skills,
                slots=[{"day": d, "start": "18:00", "end": "22:00"} for d in range(7)],
                area_paths=[building.path] if building else [],
                home_lon=lon,
                home_lat=lat,
                public_on_poster=username == "demo_volunteer",
                poster_phone="13800000003" if username == "demo_volunteer" else "",
            )
            index_fields(helper)
            helper.save()
            found.append(helper)
            self.bump("service_helpers")
        return found

    # --- orders in every state -------------------------------------------------------------------

    def orders(self, community: TerritoryNode, helpers: list[Helper], staff: Any, resident_user: Any) -> None:
        rng = self.rng
        items = {i.skill: i for i in ServiceItem.objects.filter(community=community)}
        residents = list(
            Person.objects.filter(household__path__startswith=community.path)
            .exclude(pk__in=[h.person_id for h in helpers])
            .order_by("pk")[:300]
        )
        if not residents or not helpers:
            return
        png = _png()
        plan = (
            ["rated"] * 10
            + ["closed"] * 3
            + ["fulfilled"] * 3
            + ["accepted"] * 3
            + ["assigned"] * 3
            + ["submitted"] * 4
            + ["cancelled"] * 2
            + ["converted"]
        )
        for n, target in enumerate(plan):
            skill = rng.choice(list(ORDER_TEXTS))
            resident = rng.choice(residents)
            self._order(
                items[skill], resident, None, rng.choice(ORDER_TEXTS[skill]), target, helpers, staff, png, n
            )
        if resident_user is not None and resident_user.person_id:
            me = resident_user.person
            self._order(
                items["electrician"],
                me,
                resident_user,
                "卫生间的灯不亮了,换了灯泡也不行",
                "fulfilled",
                [h for h in helpers if h.person.name and "electrician" in h.skills] or helpers,
                staff,
                png,
                99,
            )
            self._order(
                items["tutoring"],
                me,
                resident_user,
                "孩子五年级数学,周末想找人辅导",
                "submitted",
                helpers,
                staff,
                png,
                98,
            )

    def _order(
        self,
        item: ServiceItem,
        resident: Person,
        resident_user: Any,
        text: str,
        target: str,
        helpers: list[Helper],
        staff: Any,
        png: bytes,
        n: int,
    ) -> None:
        order = actions.order_submit(actor=resident_user, resident=resident, item=item, description=text)
        self.bump("service_orders")
        if target == "submitted":
            return
        if target == "converted":
            actions_convert.order_to_appeal(
                order=order, actor=staff, reason="属于公共设施维修,转职能部门办理"
            )
            return
        skilled = [h for h in helpers if item.skill in h.skills] or helpers
        helper = skilled[n % len(skilled)]
        helper_user = User.objects.filter(person_id=helper.person_id).first()
        order = actions.order_assign(order=order, actor=staff, helper=helper)
        if target == "assigned":
            return
        if target == "cancelled":
            actions.order_cancel(order=order, actor=staff, reason="居民已自行解决")
            return
        order = actions.order_accept(order=order, actor=helper_user)
        if target == "accepted":
            return
        order = actions.order_fulfil(
            order=order,
            actor=helper_user,
            note="已上门处理,居民确认正常",
            photos=[actions.Upload("现场.png", png)],
            hours=str(item.hours),
        )
        if target == "fulfilled":
            return
        if target == "closed":
            actions.order_close(order=order, actor=staff, note="电话回访,居民满意")
        else:
            actions.order_rate(
                order=order,
                actor=resident_user,
                stars=self.rng.choice([5, 5, 5, 4]),
                comment=self.rng.choice(["很及时,谢谢红小二", "师傅很耐心", "服务周到"]),
            )

    # --- wishes, pairing, report-in --------------------------------------------------------------

    def wishes(
        self, community: TerritoryNode, count: int, helpers: list[Helper], team: HelperTeam, staff: Any
    ) -> None:
        rng = self.rng
        needy = list(
            Person.objects.filter(
                household__path__startswith=community.path,
                tags__tag__in=[
                    Tag.ELDERLY_ALONE,
                    Tag.DISABILITY,
                    Tag.LOW_INCOME,
                    Tag.LEFT_BEHIND_CHILD,
                    Tag.EMPTY_NEST,
                ],
            ).distinct()[:50]
        )
        if not needy:
            needy = list(Person.objects.filter(household__path__startswith=community.path)[:10])
        if not needy:
            return
        units = list(
            Organisation.objects.filter(
                territory__path__startswith=community.path,
                kind__in=[OrgKind.PARTNER_UNIT, OrgKind.RESIDENT_UNIT],
            )
        )
        png = _png()
        for i, (group, title, story, budget) in enumerate(WISHES[:count]):
            wish = actions_wishes.wish_create(
                actor=staff,
                beneficiary=needy[i % len(needy)],
                group=group,
                title=title,
                story=story,
                urgency=rng.choice(["low", "normal", "high"]),
                due_on=self.now.date() + timedelta(days=rng.randint(7, 40)),
                budget=budget,
            )
            self.bump("service_wishes")
            step = i % 4
            if step == 0 or not helpers:
                continue
            if step == 1 and units:
                actions_wishes.wish_claim(wish=wish, actor=staff, kind="unit", organisation=rng.choice(units))
            elif step == 2:
                actions_wishes.wish_claim(wish=wish, actor=staff, kind="team", team=team)
            else:
                helper = helpers[i % len(helpers)]
                actions_wishes.wish_claim(wish=wish, actor=None, kind="member", person=helper.person)
                actions_wishes.wish_fulfil(
                    wish=wish,
                    actor=staff,
                    note="已送到老人家中,老人很高兴",
                    photo=actions.Upload("心愿.png", png),
                    hours="1",
                )

    def pairings(self, community: TerritoryNode, staff: Any, how_many: int) -> None:
        members = list(
            PartyMember.objects.filter(person__household__path__startswith=community.path)
            .select_related("person", "branch")
            .order_by("pk")[:how_many]
        )
        elders = list(
            Person.objects.filter(
                household__path__startswith=community.path, tags__tag=Tag.ELDERLY_ALONE
            ).order_by("pk")[:how_many]
        )
        demo_member = self.users.get("demo_member")
        if community.name == RICH and demo_member is not None and demo_member.person_id:
            pm = (
                PartyMember.objects.filter(person_id=demo_member.person_id)
                .select_related("person", "branch")
                .first()
            )
            if pm is not None:
                members = [pm, *[m for m in members if m.pk != pm.pk]]
        today = self.now.date()
        for i, (member, elder) in enumerate(zip(members, elders, strict=False)):
            if member.person_id == elder.pk:
                continue
            pairing = actions_pairing.pairing_create(actor=staff, member=member, elder=elder, interval_days=7)
            self.bump("service_pairings")
            started = today - timedelta(days=60)
            Pairing.objects.filter(pk=pairing.pk).update(started_on=started)
            pairing.started_on = started
            for weeks in range(8, 0, -1):
                day = today - timedelta(days=7 * weeks - self.rng.randint(0, 2))
                if i == 0 and weeks < 3:
                    break  # the first pairing has missed its last visits: overdue, alert raised
                actions_pairing.visit_log(
                    actor=staff,
                    pairing=pairing,
                    visited_on=day,
                    note=self.rng.choice(["老人身体状况良好", "帮老人打扫了卫生", "陪老人聊天,提醒按时吃药"]),
                )
                self.bump("service_visits")

    def reportins(self, community: TerritoryNode, staff: Any) -> None:
        posts = [
            ServicePost(
                community=community, path=community.path, kind=kind, name=name, description=text, capacity=cap
            )
            for kind, name, text, cap in [
                (PostKind.POST, "周末垃圾分类督导员", "周六上午在小区投放点值守", 8),
                (PostKind.POST, "楼栋安全巡查员", "每月巡查一次楼道消防通道", 10),
                (PostKind.LIST_ITEM, "四点半课堂辅导", "工作日放学后辅导作业", 6),
                (PostKind.LIST_ITEM, "长者饭堂助餐", "午间帮忙送餐", 6),
            ]
        ]
        ServicePost.objects.bulk_create(posts)
        year = self.now.date().year
        rows = [
            ReportIn(
                member=m,
                community=community,
                path=community.path,
                year=year,
                hours_target=Decimal(self.rng.choice([12, 24, 36])),
            )
            for m in PartyMember.objects.filter(home_community=community, kind="in_service")[:40]
        ]
        ReportIn.objects.bulk_create(rows)
        self.bump("service_reportins", len(rows))

    def run(self) -> dict[str, int]:
        street = TerritoryNode.objects.filter(level=Level.STREET, name=STREET).first()
        admin = self.users.get("demo_admin")
        if street is None or admin is None or HelperTeam.objects.exists():
            return {}
        communities = list(
            TerritoryNode.objects.filter(parent=street, level=Level.COMMUNITY).order_by("code")
        )
        staff_user = self.users.get("demo_staff") or admin
        for community in communities:
            rich = community.name == RICH
            team, helpers = self.community(community, rich)
            staff = staff_user if rich else admin
            if rich:
                helpers = self.login_helpers(team, community) + helpers
            self.orders(
                community,
                helpers if rich else helpers[:6],
                staff,
                self.users.get("demo_resident") if rich else None,
            )
            self.wishes(community, 12 if rich else 3, helpers, team, staff)
            self.pairings(community, staff, 6 if rich else 2)
            self.reportins(community, staff)
            self.progress(f"  服务:{community.name} 队员 {len(helpers)}")
        self.bump("service_pairing_alerts", raise_pairing_alerts())
        return self.counts


def install_demo(*, seed: int, progress: Any) -> dict[str, int]:
    counts = _Demo(seed, progress).run()
    progress(f"服务:{counts.get('service_orders', 0)} 单, {counts.get('service_wishes', 0)} 个心愿")
    return counts
