"""Demo resources across 光明街道: parks, sports grounds, libraries, police rooms, clinics, elderly
canteens and day-care centres, placed beside real demo buildings of each community."""

import random
from typing import Any

from gongzhi.circles.models import Resource, ResourceKind
from gongzhi.orgs.models import Organisation
from gongzhi.territory.models import TerritoryNode

STREET_NAME = "光明街道"

# kind -> (name pattern, owner department, opening hours, uses, chance a community has one)
KINDS: dict[str, tuple[str, str, str, str, float]] = {
    ResourceKind.PARK: ("{c}公园", "城市管理和综合执法局", "全天开放", "晨练\n散步\n广场舞\n儿童游乐", 0.9),
    ResourceKind.SPORTS: ("{c}文体广场", "", "6:00-22:00", "篮球\n乒乓球\n健身器材", 0.7),
    ResourceKind.LIBRARY: ("{c}图书室", "", "9:00-21:00(周一闭馆)", "借书\n自习\n亲子阅读\n四点半课堂", 0.7),
    ResourceKind.POLICE: ("{c}警务室", "公安分局", "24小时", "报警求助\n户籍咨询\n居住证办理", 0.8),
    ResourceKind.CLINIC: (
        "{c}社康中心",
        "卫生健康局",
        "8:00-12:00,14:00-17:30",
        "家庭医生\n疫苗接种\n慢病随访\n健康义诊",
        0.9,
    ),
    ResourceKind.CANTEEN: ("{c}长者饭堂", "民政局", "11:00-13:00,17:00-18:30", "老年助餐\n送餐上门", 0.6),
    ResourceKind.DAY_CARE: ("{c}日间照料中心", "民政局", "8:30-17:30", "日间照料\n康复训练\n助浴", 0.5),
}


def install_demo(*, seed: int, progress: Any) -> dict[str, int]:
    rng = random.Random(seed * 31 + 5)
    street = TerritoryNode.objects.filter(level="street", name=STREET_NAME).first()
    if street is None:
        return {"circles_resources": 0}
    owners = {
        dept: Organisation.objects.filter(kind="department", name__endswith=dept).first()
        for dept in {k[1] for k in KINDS.values() if k[1]}
    }
    rows: list[Resource] = []
    communities = TerritoryNode.objects.filter(parent=street, level="community").order_by("code")
    for community in communities:
        buildings = [
            (float(x or 0), float(y or 0))  # never None: filtered on centroid_lon, and lat comes with it
            for x, y in TerritoryNode.objects.subtree(community)
            .filter(level="building", centroid_lon__isnull=False)
            .order_by("code")
            .values_list("centroid_lon", "centroid_lat")
        ]
        if not buildings:
            continue
        committee = Organisation.objects.filter(territory=community, kind="residents_committee").first()
        short = community.name.removesuffix("社区")
        for kind, (pattern, dept, hours, uses, chance) in KINDS.items():
            # 碧眼 gets every kind so the demo logins see a full library
            if community.name != "碧眼社区" and rng.random() > chance:
                continue
            lon, lat = rng.choice(buildings)
            rows.append(
                Resource(
                    name=pattern.format(c=short),
                    kind=kind,
                    owner=owners.get(dept) if dept else committee,
                    territory=community,
                    lon=round(lon + rng.uniform(-0.0008, 0.0008), 6),
                    lat=round(lat + rng.uniform(-0.0008, 0.0008), 6),
                    address=f"光明区{STREET_NAME}{short}路{rng.randint(1, 200)}号",
                    opening_hours=hours,
                    uses=uses,
                )
            )
    Resource.objects.bulk_create(rows, ignore_conflicts=True)
    progress(f"  circles: {len(rows)} resources in {STREET_NAME}")
    return {"circles_resources": len(rows)}
