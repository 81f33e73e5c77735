"""A working starting point for a district: a compact taxonomy written for this project, default
deadline policies, and routing rules v1 onto the district's departments.

`actions_defaults.install_defaults(district)` is idempotent: rows that exist are left as they are (staff may have
edited them), and the routing rules are only written when no ruleset exists yet. The full 12345
classification can be loaded instead with `gongzhi import_taxonomy FILE`
(docs/decisions/0009-appeals-demo-and-taxonomy.md)."""

from dataclasses import dataclass, field

from gongzhi.appeals.models import Urgency
from gongzhi.appeals.taxonomy import SEPARATOR
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.territory.models import TerritoryNode

# level 1 → level 2 → (level 3 …, department that handles level 2). Written for community appeals
# in a Shenzhen district; not a copy of any official classification.
TAXONOMY: dict[str, dict[str, tuple[tuple[str, ...], str]]] = {
    "城市管理": {
        "市容环境": (
            ("占道经营", "垃圾清运", "噪音扰民", "违章搭建", "乱张贴乱涂画"),
            "城市管理和综合执法局",
        ),
        "市政设施": (("路灯不亮", "井盖缺失", "道路破损", "绿化养护"), "城市管理和综合执法局"),
    },
    "住房物业": {
        "物业管理": (("电梯故障", "小区停车", "物业服务", "公共维修"), "住房和建设局"),
        "房屋安全": (("房屋渗漏开裂",), "住房和建设局"),
    },
    "水务环保": {
        "水务": (("停水", "排水堵塞", "污水外溢"), "水务局"),
        "生态环境": (("油烟污染", "废气异味", "夜间施工"), "生态环境分局"),
    },
    "市场监管": {
        "市场监管": (("食品安全", "价格欺诈", "无证经营"), "市场监督管理局"),
    },
    "公共安全": {
        "治安": (("邻里纠纷", "可疑人员", "违章停车"), "公安分局"),
        "应急": (("消防隐患", "安全生产"), "应急管理局"),
    },
    "社会民生": {
        "卫生健康": (("疫苗接种", "社康服务"), "卫生健康局"),
        "教育": (("学位", "校外培训"), "教育局"),
        "民政": (("养老服务", "低保救助", "残疾人帮扶"), "民政局"),
        "人社": (("欠薪", "社保办理"), "人力资源局"),
    },
    "交通出行": {
        "交通": (("公交线路", "公交站台", "出租车网约车"), "交通运输局"),
    },
    "咨询建议": {
        "政策咨询": ((), "城市管理和综合执法局"),
        "意见建议": ((), "城市管理和综合执法局"),
    },
}
CATCH_ALL = "城市管理和综合执法局"

# (category path or None for the default, urgency, sign hours, first-contact hours, resolve workdays).
# Critical appeals should be signed within half an hour; the column counts whole hours, so 1.
POLICIES: list[tuple[str | None, str, int, int, int]] = [
    (None, Urgency.NORMAL, 2, 24, 5),
    (None, Urgency.URGENT, 1, 4, 2),
    (None, Urgency.CRITICAL, 1, 2, 1),
    # Stuck lifts, no water and fire hazards are urgent whatever the caller chose.
    ("住房物业/物业管理/电梯故障", Urgency.NORMAL, 1, 4, 2),
    ("水务/停水", Urgency.NORMAL, 1, 4, 2),
    ("公共安全/应急/消防隐患", Urgency.NORMAL, 1, 4, 2),
    ("公共安全/应急/消防隐患", Urgency.URGENT, 1, 2, 1),
    # Cases that need an investigation or another body's decision get longer.
    ("城市管理/市容环境/违章搭建", Urgency.NORMAL, 2, 24, 10),
    ("社会民生/人社/欠薪", Urgency.NORMAL, 2, 24, 10),
    ("社会民生/民政/低保救助", Urgency.NORMAL, 2, 24, 10),
]

# Rules are ordered most specific first (first match wins): territory overrides, then level-3
# categories that leave their group's department, then one rule per level-2 group, then the default.
# Lifts are special equipment (特种设备), supervised by market regulation district-wide; 光明街道 is
# the example of a territory-specific override that sends them to housing with the rest of 物业管理.
TERRITORY_OVERRIDES: list[tuple[str, str, str]] = [
    ("住房物业/物业管理/电梯故障", "光明街道", "住房和建设局"),
]
CATEGORY_RULES: list[tuple[str, str]] = [
    ("住房物业/物业管理/电梯故障", "市场监督管理局"),
]


@dataclass
class DefaultsReport:
    categories_created: int = 0
    policies_created: int = 0
    ruleset_version: int | None = None
    rules: int = 0
    missing_departments: list[str] = field(default_factory=list)


def taxonomy_paths() -> list[str]:
    paths: list[str] = []
    for level1, groups in TAXONOMY.items():
        paths.append(level1)
        for level2, (leaves, _department) in groups.items():
            paths.append(f"{level1}/{level2}")
            paths.extend(f"{level1}/{level2}/{leaf}" for leaf in leaves)
    return paths


def category_path(short: str) -> str:
    """POLICIES may name a category without its level-1 group ("水务/停水")."""
    for path in taxonomy_paths():
        if path == short or path.endswith(SEPARATOR + short):
            return path
    raise KeyError(short)


def departments_of(district: TerritoryNode) -> dict[str, Organisation]:
    """The district's departments by short name (光明区水务局 → 水务局)."""
    found: dict[str, Organisation] = {}
    for org in Organisation.objects.filter(kind=OrgKind.DEPARTMENT, territory=district).order_by("pk"):
        short = org.name.removeprefix(district.name)
        found.setdefault(short, org)
    return found
