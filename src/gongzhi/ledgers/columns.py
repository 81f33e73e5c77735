"""The columns of each ledger: the Chinese header staff see, the aliases we accept, what is required.

The same table drives header matching on import, the blank templates and the export headers, so an
exported ledger (with its masked ID numbers replaced) can be edited and imported again.
"""

from dataclasses import dataclass

from gongzhi.ledgers.models import Kind
from gongzhi.orgs.models import OrgKind
from gongzhi.people.models import MemberKind, ResidenceType, Tag


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False  # the column must exist in the file and every row must fill it
    aliases: tuple[str, ...] = ()
    hint: str = ""  # one line for the template's 说明 sheet


def _labels(choices: type) -> str:
    return "、".join(str(c.label) for c in choices)  # type: ignore[attr-defined]


COLUMNS: dict[str, tuple[Column, ...]] = {
    Kind.RESIDENTS: (
        Column("name", "姓名", True, ("name", "居民姓名")),
        Column(
            "id_number",
            "身份证号",
            True,
            ("id_number", "id_card", "身份证号码", "公民身份号码", "证件号码"),
            "18位,请把该列设为文本格式,否则Excel会丢失末几位",
        ),
        Column(
            "phone",
            "手机号",
            False,
            ("phone", "mobile", "手机", "手机号码", "联系电话"),
            "11位手机号或带区号的座机",
        ),
        Column(
            "building_code",
            "楼栋编码",
            True,
            ("building_code", "building", "楼栋代码"),
            "系统中已有的楼栋编码",
        ),
        Column("unit", "单元", False, ("unit", "单元号"), "整数,如 2"),
        Column("room", "房号", False, ("room", "房间号", "门牌号"), "不超过4位数字,如 1201"),
        Column("residence_type", "居住类型", False, ("residence_type", "人口类型"), _labels(ResidenceType)),
        Column(
            "tags",
            "特殊群体",
            False,
            ("tags", "特殊人群", "人群标签"),
            f"可多选,用顿号或逗号分隔:{_labels(Tag)}",
        ),
    ),
    Kind.PARTY_MEMBERS: (
        Column("name", "姓名", True, ("name",)),
        Column(
            "id_number",
            "身份证号",
            True,
            ("id_number", "id_card", "身份证号码", "公民身份号码"),
            "须是已导入居民台账的人员",
        ),
        Column("kind", "党员类别", True, ("kind", "member_kind", "类别"), _labels(MemberKind)),
        Column("branch", "所在支部", True, ("branch", "党支部", "所在党支部"), "您管辖范围内党组织的名称"),
        Column("home_community", "报到社区", False, ("home_community", "报到社区编码"), "社区编码(12位)"),
        Column("joined_on", "入党日期", False, ("joined_on", "入党时间"), "日期,如 2001-07-01"),
        Column("workplace", "工作单位", False, ("workplace",), "在职党员必填"),
    ),
    Kind.BUILDINGS: (
        Column("code", "楼栋编码", True, ("code", "building_code", "楼栋代码"), "上级编码加3位数字"),
        Column("name", "名称", True, ("name", "楼栋名称"), "如 3栋"),
        Column(
            "parent_code",
            "上级编码",
            True,
            ("parent_code", "parent", "所属小区编码", "所属网格编码"),
            "小区或网格的编码",
        ),
        Column("lon", "经度", False, ("lon", "lng", "longitude"), "数字,如 113.9351"),
        Column("lat", "纬度", False, ("lat", "latitude"), "数字,如 22.7481"),
    ),
    Kind.ORGANISATIONS: (
        Column("name", "名称", True, ("name", "组织名称", "单位名称")),
        Column("kind", "类别", True, ("kind", "组织类别"), _labels(OrgKind)),
        Column(
            "territory_code",
            "所在区域编码",
            True,
            ("territory_code", "territory", "区域编码"),
            "社区、网格或小区的编码",
        ),
        Column("credit_code", "统一社会信用代码", False, ("credit_code", "信用代码"), "18位"),
        Column("contact_phone", "联系电话", False, ("contact_phone", "phone", "电话")),
        Column("address", "地址", False, ("address",)),
    ),
}


def normalise_header(value: object) -> str:
    """'身份证号*' / ' ID_Number ' / '身份证号(必填)' -> comparable form."""
    text = str(value or "").strip().replace(" ", "").replace("\u3000", "")
    for mark in ("(必填)", "(必填)", "*", "*"):
        text = text.replace(mark, "")
    return text.lower()


def header_lookup(kind: str) -> dict[str, Column]:
    lookup: dict[str, Column] = {}
    for column in COLUMNS[kind]:
        for name in (column.header, *column.aliases):
            lookup.setdefault(normalise_header(name), column)
    return lookup
