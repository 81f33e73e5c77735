"""Demo kindness bank of 光明街道: earning rules for every community (a district default plus
community rows), a two-year expiry policy, merchants' catalogues and a reward locker per community,
award history for demo_member / demo_volunteer / demo_resident, redemptions — one with a pickup code
waiting for demo_merchant to verify — and one open review flag for demo_staff."""

import random
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.points import actions_redemption, posting
from gongzhi.points.actions_accounts import account_for
from gongzhi.points.models import (
    CatalogueItem,
    EarningRule,
    Flag,
    FlagKind,
    Locker,
    PointsPolicy,
    Redemption,
    Transaction,
    TxnKind,
)
from gongzhi.points.models.rules import DEFAULTS, RuleCode
from gongzhi.territory.models import Level, TerritoryNode

STREET_CODE = "440311001"
HOME = "碧眼社区"
MERCHANT_ITEMS = [
    ("大米5kg", 300, "东北大米一袋"),
    ("理发券", 100, "单次洗剪吹"),
    ("洗衣液", 150, "2kg装"),
    ("食用油5L", 400, "花生油"),
    ("鸡蛋一盒", 60, "30枚"),
]
LOCKER_ITEMS = [("毛巾两条", 40), ("牙膏套装", 50), ("雨伞", 80), ("环保购物袋", 20), ("保温杯", 120)]
DEEDS = [
    (RuleCode.SERVICE_HOUR, "红小二夜间维修服务", 2),
    (RuleCode.ACTIVITY_CHECKIN, "垃圾分类志愿督导签到", 1),
    (RuleCode.ORDER_RATED, "服务订单获居民好评", 1),
    (RuleCode.WISH_FULFILLED, "认领完成微心愿:为独居老人送米面油", 1),
    (RuleCode.PAIRING_VISIT, "结对走访独居老人", 1),
]


def _at(rng: random.Random, days_back: int) -> datetime:
    moment = timezone.now() - timedelta(days=days_back, hours=rng.randint(0, 10), minutes=rng.randint(0, 59))
    return moment


def _award(
    community: TerritoryNode,
    person: Any,
    rule: str,
    source: str,
    points: int,
    memo: str,
    at: datetime,
    awarded_by: Any = None,
) -> Transaction:
    return posting.post(
        kind=TxnKind.AWARD,
        community_id=community.pk,
        legs=[(account_for(community), -points), (account_for(person, community=community), points)],
        points=points,
        rule=rule,
        recipient_id=person.pk,
        awarded_by_id=getattr(awarded_by, "pk", None),
        awarded_by_person_id=getattr(awarded_by, "person_id", None),
        source=source,
        memo=memo,
        at=at,
    )


def install_demo(*, seed: int, progress: Any) -> dict[str, int]:
    street = TerritoryNode.objects.filter(code=STREET_CODE).first()
    if street is None or EarningRule.objects.exists():
        return {}
    rng = random.Random(seed)
    communities = list(
        TerritoryNode.objects.filter(level=Level.COMMUNITY, path__startswith=street.path).order_by("path")
    )
    users = {
        u.username: u for u in User.objects.filter(username__startswith="demo_").select_related("person")
    }
    counter = _counter_merchant(users)
    counts = {"points_rules": 0, "points_items": 0, "points_awards": 0, "points_redemptions": 0}
    with transaction.atomic():
        district = street.parent if street.parent_id else street
        PointsPolicy.objects.create(territory=district, expiry_years=2, pair_threshold=5, burst_count=10)
        for code, (per_unit, daily, monthly) in DEFAULTS.items():
            EarningRule.objects.create(
                territory=district, code=code, points_per_unit=per_unit, daily_cap=daily, monthly_cap=monthly
            )
            counts["points_rules"] += 1
        for community in communities:
            # every community states its own rules; some pay a little more for after-hours service
            for code, (per_unit, daily, monthly) in DEFAULTS.items():
                bonus = rng.choice([0, 0, 2]) if code == RuleCode.SERVICE_HOUR else 0
                EarningRule.objects.create(
                    territory=community,
                    code=code,
                    points_per_unit=per_unit + bonus,
                    daily_cap=daily,
                    monthly_cap=monthly,
                )
                counts["points_rules"] += 1
            merchants = list(
                Organisation.objects.filter(kind=OrgKind.MERCHANT, territory=community).order_by("name")[:2]
            )
            if counter is not None and counter.territory_id == community.pk and counter not in merchants:
                merchants = [counter, *merchants[:1]]
            for merchant in merchants:
                for name, price, note in rng.sample(MERCHANT_ITEMS, 3 if community.name != HOME else 5):
                    CatalogueItem.objects.create(
                        community=community,
                        merchant=merchant,
                        name=name,
                        points=price,
                        stock=rng.randint(5, 30),
                        description=note,
                    )
                    counts["points_items"] += 1
            locker = Locker.objects.create(
                community=community,
                name=f"{community.name}暖心柜",
                address=f"{community.name}党群服务中心门口",
            )
            for name, price in LOCKER_ITEMS:
                CatalogueItem.objects.create(
                    community=community, locker=locker, name=name, points=price, stock=rng.randint(3, 20)
                )
                counts["points_items"] += 1
        home = next((c for c in communities if c.name == HOME), None)
        if home is not None:
            counts |= _history(home, users, rng, counts, counter)
    progress(
        f"  points: {counts['points_rules']} rules, {counts['points_items']} items, "
        f"{counts['points_awards']} awards, {counts['points_redemptions']} redemptions"
    )
    return counts


def _counter_merchant(users: dict[str, User]) -> Organisation | None:
    """The merchant where demo_merchant works the counter."""
    user = users.get("demo_merchant")
    if user is None or not user.person_id:
        return None
    role = (
        RoleAssignment.objects.filter(person_id=user.person_id, organisation__isnull=False)
        .select_related("organisation")
        .first()
    )
    return role.organisation if role else None


def _history(
    home: TerritoryNode,
    users: dict[str, User],
    rng: random.Random,
    counts: dict[str, int],
    counter: Organisation | None,
) -> dict[str, int]:
    staff = users.get("demo_staff")
    earners = [
        users[u].person
        for u in ("demo_member", "demo_volunteer", "demo_resident")
        if u in users and users[u].person_id
    ]
    for person in earners:
        for n in range(rng.randint(14, 22)):
            rule, memo, quantity = rng.choice(DEEDS)
            per_unit = DEFAULTS[rule][0]
            _award(
                home,
                person,
                rule,
                f"demo:{rule}:{person.pk}:{n}",
                per_unit * quantity,
                memo,
                _at(rng, rng.randint(1, 150)),
                awarded_by=staff if rule == RuleCode.SERVICE_HOUR else None,
            )
            counts["points_awards"] += 1
    # neighbours of the home community earn too, so the accounts page and flags have content
    items = list(CatalogueItem.objects.filter(community=home, merchant__isnull=False).order_by("points"))
    for person in earners:
        own = [i for i in items if counter is None or i.merchant_id == counter.pk] or items
        item = next((i for i in own if i.points <= account_for(person).balance // 2), None)
        if item is None:
            continue
        done = actions_redemption.redeem(person=person, item=item, idempotency_key=f"demo-{person.pk}")
        counts["points_redemptions"] += 1
        if person != earners[-1]:  # demo_resident's stays open for demo_merchant to verify
            Redemption.objects.filter(pk=done.redemption.pk).update(
                status="verified",
                verified_at=timezone.now() - timedelta(days=rng.randint(1, 20)),
            )
    if staff is not None and earners:
        person = earners[0]
        txns = [
            _award(
                home,
                person,
                RuleCode.MANUAL,
                f"demo:manual:{n}",
                20,
                "协助社区疫苗接种登记",
                timezone.now() - timedelta(days=2, hours=n),
                awarded_by=staff,
            )
            for n in range(6)
        ]
        flag = Flag.objects.create(
            kind=FlagKind.PAIR,
            community=home,
            recipient=person,
            awarded_by_person_id=staff.person_id,
            key=f"pair:{staff.person_id}:{person.pk}:{timezone.localdate():%Y-%m}",
            award_count=len(txns),
        )
        flag.transactions.add(*txns)
        counts["points_awards"] += len(txns)
    return counts
