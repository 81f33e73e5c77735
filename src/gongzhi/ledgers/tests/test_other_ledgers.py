"""Party members, buildings and organisations: the same preview/confirm rules as residents."""

import datetime

from gongzhi.ledgers.actions import batch_preview, ledger_import
from gongzhi.ledgers.tests.files import RESIDENT_HEADERS, id_number, resident_rows, xlsx
from gongzhi.orgs.models import Organisation, PartyOrg
from gongzhi.people.models import PartyMember
from gongzhi.territory.models import TerritoryNode

PARTY_HEADERS = ["姓名", "身份证号", "党员类别", "所在支部", "报到社区", "入党日期", "工作单位"]
BUILDING_HEADERS = ["楼栋编码", "名称", "上级编码", "经度", "纬度"]
ORG_HEADERS = ["名称", "类别", "所在区域编码", "统一社会信用代码", "联系电话", "地址"]
CREDIT_CODE = "91350100M000100Y43"  # the worked example of GB 32100-2015


def _residents(actors, count=4):
    content = xlsx(RESIDENT_HEADERS, resident_rows(actors.net.a.building.code, count))
    ledger_import(actor=actors.staff_a, kind="residents", filename="r.xlsx", content=content)


def _branches(actors):
    a = PartyOrg.objects.create(name="第一党支部", level="branch", territory=actors.net.a.community)
    PartyOrg.objects.create(name="第二党支部", level="branch", territory=actors.net.b.community)
    return a


def test_party_members_import_and_reimport(actors):
    _residents(actors)
    branch = _branches(actors)
    community = actors.net.a.community.code
    rows = [
        [
            "住户0",
            id_number(0),
            "在职党员",
            "第一党支部",
            community,
            datetime.date(2001, 7, 1),  # an Excel date cell
            "光明区人民医院",
        ],
        ["住户1", id_number(1), "退休党员", "第一党支部", "", "1985/7/1", ""],
        ["住户2", id_number(2), "无职党员", "第一党支部", "", "2010年5月4日", ""],
    ]
    content = xlsx(PARTY_HEADERS, rows)
    batch = ledger_import(actor=actors.staff_a, kind="party_members", filename="p.xlsx", content=content)
    assert batch.result["created"] == 3
    member = PartyMember.objects.get(person__name="住户0")
    assert (member.kind, member.branch, member.home_community, member.joined_on) == (
        "in_service",
        branch,
        actors.net.a.community,
        datetime.date(2001, 7, 1),
    )
    assert PartyMember.objects.get(person__name="住户1").joined_on == datetime.date(1985, 7, 1)
    assert PartyMember.objects.get(person__name="住户2").joined_on == datetime.date(2010, 5, 4)
    again = ledger_import(actor=actors.staff_a, kind="party_members", filename="p.xlsx", content=content)
    assert again.result == {"created": 0, "updated": 0, "unchanged": 3, "skipped_error_rows": 0}


def test_party_member_rows_are_checked_against_people_branches_and_scope(actors):
    _residents(actors, 5)
    _branches(actors)
    rows = [
        ["住户0", id_number(0), "在职党员", "第一党支部", "", "2001-07-01", ""],  # 2: workplace missing
        ["住户1", id_number(1), "党员", "第一党支部", "", "", ""],  # 3: unknown kind
        ["住户2", id_number(2), "退休党员", "第二党支部", "", "", ""],  # 4: branch of community B
        [
            "李建国",
            actors.person_b.decrypt_id_number(),
            "退休党员",
            "第一党支部",
            "",
            "",
            "",
        ],  # 5: person of B
        ["张三", id_number(3), "退休党员", "第一党支部", "", "", ""],  # 6: name differs
        ["住户4", id_number(4), "退休党员", "第一党支部", actors.net.b.community.code, "明年", ""],  # 7
    ]
    batch = batch_preview(
        actor=actors.staff_a, kind="party_members", filename="p.xlsx", content=xlsx(PARTY_HEADERS, rows)
    )
    assert [tuple(e) for e in batch.errors] == [
        (2, "工作单位", "在职党员必须填写工作单位"),
        (3, "党员类别", "“党员类别”应为以下之一:在职党员、无职党员、退休党员、流动党员,实际是“党员”"),
        (7, "入党日期", "“入党日期”应为日期(如2001-07-01),实际是“明年”"),
        (4, "所在支部", "党组织“第二党支部”不存在或不在您的管辖范围内"),
        (5, "身份证号", "身份证号对应的人员不存在或不在您的管辖范围内,请先导入居民台账"),
        (6, "姓名", "姓名与系统中该身份证号登记的姓名不一致"),
        (7, "报到社区", f"社区编码“{actors.net.b.community.code}”不存在或不在您的管辖范围内"),
    ]
    assert not PartyMember.objects.exists()


def test_buildings_import_update_and_errors(actors):
    compound = actors.net.a.compound
    rows = [
        [f"{compound.code}002", "2栋", compound.code, 113.9012, 22.7013],
        [f"{compound.code}003", "3栋", compound.code, "", ""],
        [f"{compound.code}004", "4栋", compound.code, "东经113", 22.7],  # text in a number column
        [f"{actors.net.b.compound.code}009", "9栋", actors.net.b.compound.code, "", ""],  # B's compound
        [f"{compound.code}02", "短编码", compound.code, "", ""],  # wrong code length
    ]
    batch = ledger_import(
        actor=actors.staff_a,
        kind="buildings",
        filename="b.xlsx",
        content=xlsx(BUILDING_HEADERS, rows),
        valid_rows_only=True,
    )
    assert [tuple(e) for e in batch.errors] == [
        (4, "经度", "“经度”应为数字,实际是“东经113”"),
        (5, "上级编码", f"上级编码“{actors.net.b.compound.code}”不存在或不在您的管辖范围内"),
        (6, "楼栋编码", f"楼栋编码必须是上级编码加3位,共{len(compound.code) + 3}位"),
    ]
    assert batch.result["created"] == 2
    two = TerritoryNode.objects.get(code=f"{compound.code}002")
    assert (two.parent, two.level, two.centroid_lon, two.path) == (
        compound,
        "building",
        113.9012,
        f"{compound.path}{two.code}/",
    )
    rows = [
        [f"{compound.code}002", "2栋", compound.code, "", ""],
        [f"{compound.code}003", "三栋", compound.code, 113.9, 22.7],
    ]
    again = ledger_import(
        actor=actors.staff_a, kind="buildings", filename="b.xlsx", content=xlsx(BUILDING_HEADERS, rows)
    )
    assert again.result == {"created": 0, "updated": 1, "unchanged": 1, "skipped_error_rows": 0}
    assert (
        TerritoryNode.objects.get(code=f"{compound.code}002").centroid_lon == 113.9012
    )  # blank keeps position
    assert TerritoryNode.objects.get(code=f"{compound.code}003").name == "三栋"


def test_organisations_import_by_credit_code_or_name(actors):
    area = actors.net.a.community.code
    rows = [
        ["碧水物业", "物业公司", area, CREDIT_CODE, "0755-12345678", "碧水路1号"],
        ["甲社区居委会", "居委会", area, "", "", ""],
    ]
    batch = ledger_import(
        actor=actors.staff_a, kind="organisations", filename="o.xlsx", content=xlsx(ORG_HEADERS, rows)
    )
    assert batch.result["created"] == 2
    org = Organisation.objects.get(credit_code=CREDIT_CODE)
    assert (org.kind, org.contact_phone, org.territory) == (
        "property_company",
        "075512345678",
        actors.net.a.community,
    )
    rows[0][0] = "碧水物业服务有限公司"  # renamed: found by its credit code
    again = ledger_import(
        actor=actors.staff_a, kind="organisations", filename="o.xlsx", content=xlsx(ORG_HEADERS, rows)
    )
    assert again.result == {"created": 0, "updated": 1, "unchanged": 1, "skipped_error_rows": 0}
    assert Organisation.objects.get(pk=org.pk).name == "碧水物业服务有限公司"
    assert Organisation.objects.count() == 2


def test_organisation_rows_with_bad_codes(actors):
    rows = [
        ["甲", "物业公司", actors.net.a.community.code, CREDIT_CODE[:-1] + "4", "", ""],
        ["乙", "饭店", actors.net.a.community.code, "", "", ""],
        ["丙", "商户", actors.net.b.community.code, "", "", ""],
        ["丁", "商户", actors.net.a.community.code, "", "12345", ""],
    ]
    batch = batch_preview(
        actor=actors.staff_a, kind="organisations", filename="o.xlsx", content=xlsx(ORG_HEADERS, rows)
    )
    assert [(e[0], e[1]) for e in batch.errors] == [
        (2, "统一社会信用代码"),
        (3, "类别"),
        (5, "联系电话"),
        (4, "所在区域编码"),
    ]
    assert batch.errors[0][2] == "“统一社会信用代码”校验位错误"
    assert not Organisation.objects.exists()
