"""Demo project library of 碧眼社区: residents' needs (one promoted from a real appeal), resources
offered by its partner and resident units, social organisations and merchants, and pairings at every stage."""

import random
from typing import Any, cast

from gongzhi.accounts.models import User
from gongzhi.appeals.models import Appeal
from gongzhi.needs import actions
from gongzhi.needs.models import OFFERING_KINDS
from gongzhi.orgs.models import Organisation
from gongzhi.people.models import Person
from gongzhi.territory.models import TerritoryNode

HOME = "碧眼社区"
NEED_FIELDS = ("title", "category", "tags", "quantity", "measure")
NEEDS = [
    ("独居长者每周上门探访", "elderly", "长者 探访 陪伴", 12, "people"),
    ("长者饭堂送餐志愿者", "elderly", "长者 助餐 配送", 8, "people"),
    ("双职工家庭儿童课后托管", "children", "儿童 课后 托管 四点半", 30, "times"),
    ("楼道小广告清理与墙面翻新", "environment", "楼道 清洁 粉刷", 6000, "yuan"),
    ("社区广场舞活动场地", "culture", "文体 场地 广场舞", 200, "sqm"),
    ("老旧小区加装扶手", "facilities", "适老化 扶手 安全", 15000, "yuan"),
    ("居民急救技能培训", "health", "急救 培训 健康", 4, "times"),
]
RESOURCE_FIELDS = ("title", "kind", "category", "tags", "quantity", "measure")
RESOURCES = [
    ("员工志愿服务队", "volunteers", "elderly", "志愿 长者 探访 助餐", 20, "people"),
    ("周末开放多功能活动室", "space", "culture", "场地 文体 活动室", 150, "sqm"),
    ("四点半课堂师资", "skill", "children", "儿童 课后 四点半 辅导", 40, "times"),
    ("公益微基金", "money", "facilities", "适老化 维修 安全", 10000, "yuan"),
    ("社康中心急救培训", "skill", "health", "急救 培训 健康", 6, "times"),
    ("爱心商户送餐", "goods", "elderly", "助餐 配送 长者", 10, "people"),
]


def install_demo(*, seed: int, progress: Any) -> dict[str, int]:
    rng = random.Random(seed * 53 + 3)
    community = TerritoryNode.objects.filter(level="community", name=HOME).first()
    staff = User.objects.filter(username="demo_staff").first()
    if community is None or staff is None:
        return {"needs": 0}
    residents = list(Person.objects.filter(household__path__startswith=community.path).order_by("pk")[:300])
    needs = []
    for row in NEEDS:
        submitted_by = rng.choice(residents) if residents else None
        needs.append(
            actions.need_create(
                actor=staff,
                community=community,
                submitted_by=submitted_by,
                **cast(actions.Described, dict(zip(NEED_FIELDS, row, strict=True))),
            )
        )
    appeal = Appeal.objects.filter(community=community).order_by("created_at").first()
    if appeal is not None:
        needs.append(actions.need_from_appeal(actor=staff, appeal=appeal, category="facilities"))
    orgs = list(
        Organisation.objects.filter(
            territory__path__startswith=community.path, kind__in=OFFERING_KINDS
        ).order_by("kind", "name")
    )
    resources = []
    for i, offer in enumerate(RESOURCES if orgs else []):
        org = orgs[i % len(orgs)]
        resources.append(
            actions.resource_add(
                actor=staff, organisation=org, **cast(Any, dict(zip(RESOURCE_FIELDS, offer, strict=True)))
            )
        )
    pairings = 0
    plan = [
        (0, 0, "done", "每周二、周四上门探访独居长者12户,已持续8周"),
        (2, 2, "agreed", ""),
        (4, 1, "proposed", ""),
        (6, 4, "proposed", ""),
    ]
    for need_i, res_i, status, outcome in plan:
        if need_i >= len(needs) or res_i >= len(resources):
            continue
        p = actions.pairing_create(actor=staff, need=needs[need_i], resource=resources[res_i])
        if status in ("agreed", "done"):
            p = actions.pairing_transition(actor=staff, pairing=p, to="agreed")
        if status == "done":
            actions.pairing_transition(actor=staff, pairing=p, to="done", outcome=outcome)
        pairings += 1
    progress(f"  项目库 project library: {len(needs)} needs, {len(resources)} resources, {pairings} pairings")
    return {"needs": len(needs), "resources": len(resources), "pairings": pairings}
