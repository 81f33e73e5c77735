"""The one spreadsheet reader (caps, hostile files, same values as openpyxl) and the one writer
(formula neutralising). The upload and export paths are probed in tests/security/test_spreadsheets.py."""

import csv
import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from gongzhi.core import spreadsheets
from gongzhi.core.spreadsheets import Limits, SpreadsheetRefused, read_csv, read_spreadsheet, read_xlsx
from gongzhi.core.tests import crafted_sheets as crafted

MEMORY_BUDGET_MIB = 50


def _workbook(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_values_and_row_numbers_are_the_ones_openpyxl_reads():
    content = _workbook(
        [
            ["台账"],
            ["姓名", "日期", "数", None, "是否"],
            ["张三", datetime.date(2020, 1, 2), 3.5, None, True],
            [],
            ["李四", datetime.datetime(2021, 5, 6, 7, 8), 12, "=A1", False],  # noqa: DTZ001 - Excel has no zones
        ]
    )
    sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    expected = [
        (n, tuple(v))
        for n, v in enumerate(sheet.iter_rows(values_only=True), start=1)
        if any(x is not None for x in v)
    ]
    rows = read_xlsx(content).rows
    assert [
        (n, v + (None,) * (len(e) - len(v))) for (n, v), (_m, e) in zip(rows, expected, strict=True)
    ] == expected
    assert rows[2] == (3, ("张三", datetime.datetime(2020, 1, 2), 3.5, None, True))  # noqa: DTZ001
    assert [n for n, _v in rows] == [1, 2, 3, 5]  # the empty row is skipped, the numbers are Excel's


def test_a_declared_dimension_of_the_whole_sheet_is_ignored_and_costs_no_memory():
    content = crafted.xlsx([["张三", n, "光明街道"] for n in range(3000)], dimension="A1:XFD1048576")
    assert len(content) < 100_000
    peak, table = crafted.peak_mib(lambda: read_xlsx(content))
    assert len(table) == 3000
    assert {len(values) for _n, values in table} == {3}
    assert peak < MEMORY_BUDGET_MIB  # openpyxl's read-only sheet took 376 MiB for this file


def test_a_zip_bomb_of_a_few_hundred_kb_is_refused_before_anything_is_inflated():
    bomb = crafted.overlapping_bomb()  # 16 entries x 256 MiB over one deflated stream
    assert len(bomb) < 400_000
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(bomb)).infolist()) >= 4 * 1024**3
    peak, outcome = crafted.peak_mib(lambda: read_spreadsheet(bomb))
    assert isinstance(outcome, SpreadsheetRefused)
    assert "解压后过大" in outcome.message
    assert peak < 1


def test_an_absurd_compression_ratio_is_refused():
    content = crafted.xlsx_from_chunks(crafted.repeated_sheet(b"<c/>", 64 * crafted.MiB))
    with pytest.raises(SpreadsheetRefused, match="压缩比异常"):
        read_xlsx(content)


def test_a_member_that_inflates_past_its_declared_size_is_unreadable_not_a_crash():
    content = crafted.xlsx_from_chunks(crafted.repeated_sheet(b"<c/>", 64 * crafted.MiB))
    lying = crafted.lying_size(content, "xl/worksheets/sheet1.xml", 4096)
    peak, outcome = crafted.peak_mib(lambda: read_xlsx(lying))
    assert isinstance(outcome, SpreadsheetRefused)
    assert "无法读取Excel文件" in outcome.message
    assert peak < MEMORY_BUDGET_MIB


def test_too_many_rows_are_refused_early_with_little_memory():
    limits = Limits(max_rows=5000)
    content = crafted.xlsx([[n, "x"] for n in range(20_000)])
    peak, outcome = crafted.peak_mib(lambda: read_xlsx(content, limits=limits))
    assert isinstance(outcome, SpreadsheetRefused)
    assert outcome.message == "表格超过5000行,请分批导入"
    assert peak < MEMORY_BUDGET_MIB


def test_a_value_beyond_the_column_cap_is_refused_but_far_empty_cells_cost_nothing():
    with pytest.raises(SpreadsheetRefused, match="表格超过256列"):
        read_xlsx(crafted.xlsx([[None] * 299 + ["远"]]))
    # every row carries styled empty cells out to XFD: not a value, so not a column
    head = b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c>'
    refs = b"".join(f'<c r="{crafted.column_letter(n)}1" s="0"/>'.encode() for n in range(2, 16385))
    content = crafted.xlsx_from_chunks(crafted.repeated_sheet(refs, 2 * crafted.MiB, head=head))
    peak, table = crafted.peak_mib(lambda: read_xlsx(content))
    assert table.rows == [(1, ("a",))]
    assert peak < MEMORY_BUDGET_MIB


def test_row_attributes_and_elements_outside_the_rows_are_not_kept():
    rows = "".join(f'<row r="{n}" ht="20" customHeight="1"/>' for n in range(1, 60_001)).encode()
    merges = b"<mergeCells>" + b"".join(f'<mergeCell ref="A{n}:B{n}"/>'.encode() for n in range(1, 20_001))

    def chunks():
        yield crafted.SHEET_HEAD.encode() + b"<sheetData>" + rows + b"</sheetData>" + merges
        yield b"</mergeCells></worksheet>"

    content = crafted.xlsx_from_chunks(chunks)
    peak, table = crafted.peak_mib(lambda: read_xlsx(content))
    assert table.rows == []
    assert peak < MEMORY_BUDGET_MIB


def test_the_cell_cap_counts_the_width_of_the_kept_rows():
    with pytest.raises(SpreadsheetRefused, match="表格超过100个单元格"):
        read_xlsx(crafted.xlsx([[1] * 30] * 4), limits=Limits(max_cells=100))


def test_a_file_over_the_byte_cap_is_refused():
    with pytest.raises(SpreadsheetRefused, match="文件超过1MB"):
        read_spreadsheet(b"a," * 600_000, limits=Limits(max_bytes=1024 * 1024))


def test_not_a_workbook_is_a_clear_refusal():
    for content in (b"PK\x03\x04broken", _workbook([["a"]])[:500]):
        with pytest.raises(SpreadsheetRefused, match="无法读取Excel文件"):
            read_xlsx(content)


def test_csv_utf8_with_bom_gb18030_and_record_numbers():
    text = '姓名,备注\n\n张三,"两行\n备注"\r\n,,\n李四,a,,,'
    table = read_csv(("\ufeff" + text).encode())
    assert table.rows == [(1, ("姓名", "备注")), (3, ("张三", "两行\n备注")), (5, ("李四", "a", "", "", ""))]
    assert read_csv(text.encode("gb18030")).rows == table.rows


def test_csv_refusals():
    with pytest.raises(SpreadsheetRefused, match="不是文本表格"):
        read_csv(b"a,b\x00c")
    with pytest.raises(SpreadsheetRefused, match="表格超过256列"):
        read_csv(("x," * 300 + "y").encode())
    with pytest.raises(SpreadsheetRefused, match="无法识别文件编码"):
        read_csv("名".encode("gb18030"), encodings=("utf-8-sig",))


def test_a_csv_line_of_a_million_commas_is_refused_before_csv_splits_it():
    content = b"a" + b"," * 1_000_000 + b"b\n"
    peak, outcome = crafted.peak_mib(lambda: read_csv(content))
    assert isinstance(outcome, SpreadsheetRefused)
    assert "超过524288个字符" in outcome.message
    assert peak < 10


def test_very_many_csv_rows_are_refused_with_little_memory():
    content = b"1,2\n" * 2_500_000  # 10 MB
    peak, outcome = crafted.peak_mib(lambda: read_spreadsheet(content))
    assert isinstance(outcome, SpreadsheetRefused)
    assert outcome.message == "表格超过60000行,请分批导入"
    assert peak < MEMORY_BUDGET_MIB


# --- writing -----------------------------------------------------------------------------------

DANGEROUS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_neutralise_quotes_what_a_spreadsheet_would_run(value):
    assert spreadsheets.neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["张三", "", " =x", 5, -5, 2.5, None, datetime.date(2026, 1, 1)])
def test_neutralise_leaves_the_rest_alone(value):
    assert spreadsheets.neutralise(value) == value


@pytest.mark.parametrize("write_only", [False, True])
def test_append_row_writes_text_not_formulas_and_numbers_as_numbers(write_only):
    book = spreadsheets.new_workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    spreadsheets.append_row(sheet, ["标题", "数"], bold=True)
    spreadsheets.append_row(sheet, [*DANGEROUS, -7, 1.5])
    read = load_workbook(io.BytesIO(spreadsheets.workbook_bytes(book))).worksheets[0]
    header, row = list(read.iter_rows())
    assert header[0].font.b
    assert [c.data_type for c in row] == ["s"] * len(DANGEROUS) + ["n", "n"]
    # (XML reads a stored carriage return back as a line feed)
    assert [c.value for c in row] == ["'" + v.replace("\r", "\n") for v in DANGEROUS] + [-7, 1.5]


def test_csv_writer_neutralises_and_starts_with_a_bom():
    out = io.StringIO()
    writer = spreadsheets.CsvWriter(out)
    writer.writerow(["备注", "数"])
    writer.writerows([[v, -1] for v in DANGEROUS])
    text = out.getvalue()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert rows[1:] == [["'" + v, "-1"] for v in DANGEROUS]


def test_shared_strings_are_capped_and_cost_little_at_the_cap():
    cap = Limits().max_shared_strings
    at_cap = crafted.xlsx_with_shared_strings(b"".join(b"<si><t>%d</t></si>" % n for n in range(cap)))
    peak, table = crafted.peak_mib(lambda: read_xlsx(at_cap))
    assert table.rows == [(1, ("0",))]
    assert peak < MEMORY_BUDGET_MIB
    with pytest.raises(SpreadsheetRefused, match="解压后过大"):
        read_xlsx(at_cap, limits=Limits(max_shared_strings=cap - 1))


def test_entity_expansion_is_refused():
    laughs = b"".join(
        b'<!ENTITY %s "%s">' % (chr(98 + n).encode(), (b"&" + chr(97 + n).encode() + b";") * 10)
        for n in range(8)
    )
    prolog = b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">' + laughs + b"]>"
    content = crafted.xlsx_with_shared_strings(b"<si><t>&i;</t></si>", prolog=prolog)
    peak, outcome = crafted.peak_mib(lambda: read_xlsx(content))
    assert isinstance(outcome, SpreadsheetRefused)
    assert peak < MEMORY_BUDGET_MIB
