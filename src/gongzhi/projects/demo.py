"""Micro-project demo: 碧眼社区's 2026 round — a closed first-batch vote (MES, approval, online and
double-entered paper ballots) with published results, projects in every phase after it (approved,
in implementation with milestones and spending, in acceptance, being evaluated, finished with
residents' ratings), and the second batch still collecting, in review and in deliberation.
demo_resident is in the census and voted. Deterministic: random.Random(seed).

Everything goes through the actions (events, ledgers, ballots are the real ones); the only shortcut
is moving the closed vote's window into the past after its ballots were cast."""

import datetime
import random
from typing import Any

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.core.lifecycle import history_row
from gongzhi.people.models import Person
from gongzhi.projects import actions, actions_vote
from gongzhi.projects.models import Proposal, ProposalEvent, Round, Vote
from gongzhi.projects.workflow import Phase
from gongzhi.territory.models import Level, TerritoryNode

COMMUNITY = "碧眼社区"
# title, description, place, cost, responsible unit, popularity, where it ends up
FIRST_BATCH = [
    (
        "长者饭堂助餐点适老化改造",
        "加装防滑地面、扶手和保温餐台，让60岁以上老人就近吃上热饭。",
        "碧眼社区党群服务中心一楼",
        420_000,
        "碧眼社区工作站",
        0.62,
        "closed",
    ),
    (
        "凤凰城小区无障碍坡道",
        "小区3个出入口台阶改坡道，方便轮椅、婴儿车通行。",
        "凤凰城小区",
        180_000,
        "光明街道城建办",
        0.48,
        "implementation",
    ),
    (
        "儿童游乐区安全地垫更换",
        "游乐区地垫老化开裂，更换为EPDM安全地垫并加装遮阳棚。",
        "碧眼公园儿童游乐区",
        150_000,
        "碧眼社区工作站",
        0.44,
        "approved",
    ),
    (
        "楼道感应灯更换",
        "老旧楼栋楼道灯常坏，统一更换为声光控LED感应灯。",
        "碧眼旧村12栋楼",
        86_000,
        "碧眼股份合作公司",
        0.40,
        "acceptance",
    ),
    (
        "社区图书室延时开放",
        "图书室工作日延长到晚上九点，增加自助借还设备。",
        "碧眼社区图书室",
        95_000,
        "碧眼社区工作站",
        0.33,
        "evaluation",
    ),
    (
        "篮球场照明与围网改造",
        "篮球场灯光不足、围网破损，改造后夜间可安全使用。",
        "碧眼社区文体广场",
        520_000,
        "光明街道文体中心",
        0.30,
        None,
    ),
    (
        "社区菜园共建",
        "把闲置边角地改成共建菜园，由居民认领种植。",
        "碧眼路边角地",
        260_000,
        "碧眼社区工作站",
        0.18,
        None,
    ),
    (
        "宠物便便箱与宣传牌",
        "在主要步道设置宠物粪便收集箱和文明养犬宣传牌。",
        "碧眼社区主要步道",
        38_000,
        "光明街道城管办",
        0.22,
        None,
    ),
]
SECOND_BATCH = [
    (
        "电动自行车集中充电棚",
        "建设带智能断电的集中充电棚，杜绝飞线充电。",
        "凤凰城小区北门",
        240_000,
        "deliberation",
    ),
    (
        "社区四点半课堂",
        "为双职工家庭孩子提供课后托管和作业辅导。",
        "碧眼社区党群服务中心",
        120_000,
        "deliberation",
    ),
    ("垃圾分类亭遮雨棚", "分类亭投放口加装遮雨棚和洗手池。", "碧眼旧村", 60_000, "review"),
    ("修建社区停车楼", "在广场下建三层停车楼。", "碧眼社区文体广场", 9_800_000, "rejected"),
    ("小区门口增设休息座椅", "老人买菜回来走累了，门口没有地方坐。", "凤凰城小区南门", None, "collecting"),
]
MILESTONES = [
    ("方案设计与公示", -40, True),
    ("材料进场", -20, True),
    ("施工", 10, False),
    ("完工自检", 25, False),
]
COMMENTS = [
    "很需要，家里老人每天都要走这段路",
    "建议同时考虑下雨天的排水",
    "希望施工时间避开早晚高峰",
    "支持！",
]
EVALUATIONS = [
    (5, "饭菜热乎，价格实惠"),
    (4, "环境好多了，希望增加菜品"),
    (5, "老人们都说好"),
    (3, "中午人多要排队"),
]


def install_demo(*, seed: int, progress: Any) -> dict[str, int]:
    community = TerritoryNode.objects.filter(level=Level.COMMUNITY, name=COMMUNITY).first()
    if community is None:
        return {}
    rng = random.Random(seed)
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["demo_resident", "demo_staff", "demo_secretary"])
    }
    staff = users.get("demo_staff") or users.get("demo_secretary")
    clerk2 = users.get("demo_secretary") or staff
    today = timezone.localdate()
    if Round.objects.filter(community=community, year=today.year).exists():
        return {}
    rnd = actions.round_create(
        actor=staff,
        community=community,
        year=today.year,
        title=f"{COMMUNITY}{today.year}年民生微实事",
        budget=2_000_000,
        dates={
            "collect_from": today - datetime.timedelta(days=150),
            "collect_until": today + datetime.timedelta(days=30),
            "review_until": today + datetime.timedelta(days=45),
            "deliberate_until": today + datetime.timedelta(days=60),
        },
    )
    census = list(
        Person.objects.filter(
            household__path__startswith=community.path, residence_type__in=["registered", "non_registered"]
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    proposers = rng.sample(census, min(len(census), 20)) if census else []
    people = {p.pk: p for p in Person.objects.filter(pk__in=proposers)}

    def propose(i: int, title: str, text: str, place: str) -> Proposal:
        person = people.get(proposers[i % len(proposers)]) if proposers else None
        p = Proposal.objects.create(round=rnd, title=title, description=text, place=place, proposer=person)
        history_row(ProposalEvent, proposal=p, to_phase=Phase.COLLECTING, note="居民提议")
        return p

    first = []
    for i, (title, text, place, cost, unit, _pop, _end) in enumerate(FIRST_BATCH):
        p = propose(i, title, text, place)
        p = actions.proposal_review(
            actor=staff, proposal=p, feasible=True, cost_estimate=cost, responsible_unit=unit
        )
        actions.document_add(
            actor=staff,
            proposal=p,
            title="可行性审核意见",
            body=f"经现场踏勘，项目可行，估算费用 {cost:,} 元，由{unit}负责实施。",
        )
        first.append(p)
    now = timezone.now()
    vote = actions_vote.vote_create(
        actor=staff,
        round=rnd,
        title=f"{today.year}年第一批民生微实事居民投票",
        area=community,
        ballot_type="approval",
        rule="mes",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=1),
        max_choices=4,
        budget=1_000_000,  # the first batch; the rest of the 2,000,000 waits for the second
    )
    vote = actions_vote.vote_open(actor=staff, vote=vote, proposal_ids=[p.pk for p in first])
    voters = rng.sample(census, min(len(census), 400))
    resident = users.get("demo_resident")
    if resident and resident.person_id and resident.person_id not in voters:
        voters.append(resident.person_id)
    persons = Person.objects.select_related("household").in_bulk(voters)
    ballots = 0
    for pk in voters:
        picks = [p.pk for p, spec in zip(first, FIRST_BATCH, strict=True) if rng.random() < spec[5]][:4] or [
            first[0].pk
        ]
        actions_vote.ballot_cast(actor=resident, vote=vote, choices=picks, person=persons[pk])
        ballots += 1
    for sheet in range(1, 13):  # paper ballots from the polling table, typed by two clerks
        picks = sorted(rng.sample([p.pk for p in first[:5]], 2))
        actions_vote.paper_enter(actor=staff, vote=vote, sheet_no=sheet, choices=picks)
        actions_vote.paper_enter(actor=clerk2, vote=vote, sheet_no=sheet, choices=picks)
    Vote.objects.filter(pk=vote.pk).update(
        opens_at=now - datetime.timedelta(days=40), closes_at=now - datetime.timedelta(days=33)
    )
    vote.refresh_from_db()
    vote = actions_vote.vote_count(actor=staff, vote=vote)
    actions_vote.vote_publish(actor=staff, vote=vote)
    progress(f"微实事：第一批 {ballots} 张电子选票 + 12 张纸质选票，入选 {len(vote.result['selected'])} 项")
    _carry_out(rng, staff, first, census, rnd, today)
    for i, (title, text, place, cost, end) in enumerate(SECOND_BATCH):
        p = propose(i + 8, title, text, place)
        if end == "collecting":
            continue
        if end == "rejected":
            actions.proposal_review(
                actor=staff,
                proposal=p,
                feasible=False,
                cost_estimate=None,
                responsible_unit="",
                reason=f"估算费用 {cost:,} 元远超社区年度预算，且需规划审批，建议转报区重点项目。",
            )
            continue
        if end == "review":
            Proposal.objects.filter(pk=p.pk).update(phase=Phase.REVIEW)
            ProposalEvent.objects.create(
                proposal=p, from_phase=Phase.COLLECTING, to_phase=Phase.REVIEW, actor=staff
            )
            continue
        actions.proposal_review(
            actor=staff, proposal=p, feasible=True, cost_estimate=cost, responsible_unit="碧眼社区工作站"
        )
        if resident:
            for body in rng.sample(COMMENTS, 2):
                actions.comment_add(actor=resident, proposal=p, body=body)
    return {
        "projects_rounds": 1,
        "projects_proposals": Proposal.objects.filter(round=rnd).count(),
        "projects_ballots": ballots,
    }


def _carry_out(
    rng: random.Random, staff: Any, first: list[Proposal], census: list[int], rnd: Round, today: datetime.date
) -> None:
    """Take the selected projects as far as their story goes."""
    evaluators = list(
        Person.objects.filter(pk__in=rng.sample(census, min(len(census), 12))).select_related("household")
    )

    def spend(p: Proposal, tenths: int, note: str, days_ago: int) -> None:
        """Tenths of the approved budget, spent `days_ago`."""
        actions.spending_record(
            actor=staff,
            proposal=p,
            amount=(p.approved_budget or 0) * tenths // 10,
            note=note,
            spent_on=today - datetime.timedelta(days=days_ago),
        )

    for p, spec in zip(first, FIRST_BATCH, strict=True):
        p.refresh_from_db()
        end = spec[6]
        if p.phase != Phase.SELECTED or end is None:
            continue
        p = actions.proposal_transition(
            actor=staff, proposal=p, to=Phase.APPROVED, note="社区党委会议审议通过，立项"
        )
        actions.document_add(
            actor=staff,
            proposal=p,
            title="立项公示",
            body=f"{p.title} 立项预算 {p.approved_budget:,} 元，公示期 7 天。",
        )
        if end == "approved":
            continue
        actions.proposal_plan(
            actor=staff,
            proposal=p,
            contractor=rng.choice(["深圳市光明建筑工程有限公司", "碧眼社区志愿服务队", "光明区市政养护中心"]),
        )
        for title, offset, done in MILESTONES:
            m = actions.milestone_add(
                actor=staff, proposal=p, title=title, due_on=today + datetime.timedelta(days=offset)
            )
            if done or end != "implementation":
                actions.milestone_done(
                    actor=staff,
                    proposal=p,
                    milestone_id=m.pk,
                    done_on=today + datetime.timedelta(days=min(offset, 0)),
                )
        p = actions.proposal_transition(actor=staff, proposal=p, to=Phase.IMPLEMENTATION, note="开工")
        spend(p, 3, "预付款", 30)
        actions.progress_set(actor=staff, proposal=p, progress=55 if end == "implementation" else 100)
        if end == "implementation":
            continue
        spend(p, 6, "进度款", 10)
        p = actions.proposal_transition(
            actor=staff, proposal=p, to=Phase.ACCEPTANCE, note="施工完成，申请验收"
        )
        if end == "acceptance":
            continue
        actions.document_add(
            actor=staff, proposal=p, title="验收报告", body="经社区、居民代表和监理单位联合验收，工程合格。"
        )
        p = actions.proposal_transition(
            actor=staff, proposal=p, to=Phase.EVALUATION, note="验收合格，开放居民评价"
        )
        for person, (stars, text) in zip(evaluators, EVALUATIONS * 3, strict=False):
            actions.evaluation_add(actor=_as(person), proposal=p, rating=stars, comment=text)
        if end == "closed":
            actions.proposal_transition(actor=staff, proposal=p, to=Phase.CLOSED, note="评价结束，项目结项")


class _as:  # noqa: N801 - a stand-in actor for residents who have no account in the demo
    def __init__(self, person: Person):
        self.person = person
        self.pk = None
        self.is_authenticated = True
