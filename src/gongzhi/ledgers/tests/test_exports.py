import io

from openpyxl import load_workbook

from gongzhi.core.models import AuditEntry
from gongzhi.ledgers.actions import ledger_import
from gongzhi.ledgers.exports import blank_template, export_ledger
from gongzhi.ledgers.tests.files import RESIDENT_HEADERS, id_number, resident_rows, xlsx
from gongzhi.people.models import Person


def _sheet(output) -> list[list]:
    book = load_workbook(io.BytesIO(output.read()), read_only=True)
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def test_resident_export_is_masked_scoped_and_audited(actors):
    building = actors.net.a.building
    content = xlsx(RESIDENT_HEADERS, resident_rows(building.code, 3))
    ledger_import(actor=actors.staff_a, kind="residents", filename="r.xlsx", content=content)
    filename, output = export_ledger(actor=actors.staff_a, kind="residents")
    assert filename.startswith("居民台账-")
    assert filename.endswith(".xlsx")
    rows = _sheet(output)
    assert rows[0] == ["姓名", "身份证号", "手机号", "住址", "楼栋编码", "居住类型", "特殊群体"]
    by_name = {r[0]: r for r in rows[1:]}
    number = id_number(0)
    assert by_name["住户0"] == [
        "住户0",
        number[:4] + "*" * 10 + number[-4:],
        "139****0000",
        "甲社区 · 甲社区花园 · 1栋 · ****",
        building.code,
        "户籍",
        "已标记2项",
    ]
    flat = repr(rows)
    assert number not in flat
    assert "13900000000" not in flat
    assert "独居老人" not in flat
    assert "0101" not in by_name["住户0"][3]
    assert "李建国" not in by_name  # community B
    entry = AuditEntry.objects.get(action="ledger.export")
    assert entry.kind == AuditEntry.Kind.EXPORT
    assert entry.actor_id == actors.staff_a.pk
    assert entry.detail == {"kind": "residents", "rows": len(rows) - 1}
    assert entry.scope_path == actors.net.a.community.path


def test_building_export_imports_back_unchanged(actors):
    filename, output = export_ledger(actor=actors.staff_a, kind="buildings")
    data = output.read()
    rows = _sheet(io.BytesIO(data))
    assert rows[0] == ["楼栋编码", "名称", "上级编码", "经度", "纬度"]
    assert [r[0] for r in rows[1:]] == [actors.net.a.building.code]
    batch = ledger_import(actor=actors.staff_a, kind="buildings", filename=filename, content=data)
    assert batch.result == {"created": 0, "updated": 0, "unchanged": 1, "skipped_error_rows": 0}


def test_a_name_that_looks_like_a_formula_is_exported_as_text(actors):
    Person.objects.filter(pk=actors.person_a.pk).update(name='=HYPERLINK("http://x","y")')
    _name, output = export_ledger(actor=actors.staff_a, kind="residents")
    book = load_workbook(io.BytesIO(output.read()))
    cells = [c for row in book.worksheets[0].iter_rows() for c in row if "HYPERLINK" in str(c.value)]
    assert cells
    assert all(c.data_type == "s" and c.value.startswith("'=HYPER") for c in cells)  # OWASP: quoted


def test_blank_templates_carry_the_header_row_and_a_notes_sheet():
    filename, data = blank_template("residents")
    assert filename == "居民台账-空白模板.xlsx"
    book = load_workbook(io.BytesIO(data))
    assert [c.value for c in book.worksheets[0][1]] == RESIDENT_HEADERS
    assert book.worksheets[1].title == "填写说明"
