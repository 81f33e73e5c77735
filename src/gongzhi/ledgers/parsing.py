"""Reading an uploaded ledger (XLSX or CSV) into rows keyed by column, with the row numbers staff
see in Excel. Nothing here touches the database; a file we cannot read raises BadUpload."""

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from gongzhi.ledgers.columns import COLUMNS, header_lookup, normalise_header

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
HEADER_SEARCH_ROWS = 10  # ledgers often carry a title row ("光明社区居民台账") above the header
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


class BadUpload(ValueError):
    """The file as a whole cannot be used; the message (Chinese) is shown as is, with HTTP 400."""


@dataclass
class Row:
    number: int  # as Excel shows it (the header row counts)
    values: dict[str, Any]


@dataclass
class Table:
    kind: str
    file_format: str
    headers: dict[str, str]  # column key -> header text as written in the file
    rows: list[Row] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def detect_format(filename: str, content: bytes) -> str:
    name = filename.lower()
    if not content:
        raise BadUpload(_("文件是空的"))
    if len(content) > MAX_BYTES:
        raise BadUpload(_("文件超过10MB,请分批导入"))
    if content.startswith(OLE_MAGIC) or name.endswith(".xls"):
        raise BadUpload(_("不支持旧版.xls文件,请在Excel中另存为.xlsx或CSV后再上传"))
    if content.startswith(ZIP_MAGIC):
        return "xlsx"
    if name.endswith(".xlsx"):
        raise BadUpload(_("文件扩展名是.xlsx,但内容不是Excel工作簿"))
    if name.endswith((".csv", ".txt")):
        return "csv"
    raise BadUpload(_("只支持.xlsx和.csv文件"))


def read_table(kind: str, filename: str, content: bytes) -> Table:
    file_format = detect_format(filename, content)
    raw_rows = _xlsx_rows(content) if file_format == "xlsx" else _csv_rows(content)
    return _to_table(kind, file_format, raw_rows)


def _xlsx_rows(content: bytes) -> list[tuple[int, tuple[Any, ...]]]:
    from openpyxl import load_workbook

    try:
        # read_only streams the sheet XML instead of building every cell object (5-10x faster).
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # zip, XML and openpyxl errors all mean "not a workbook we can read"
        raise BadUpload(_("无法读取Excel文件,请在Excel中另存为.xlsx后重试")) from exc
    try:
        if not book.worksheets:
            raise BadUpload(_("工作簿中没有工作表"))
        sheet = book.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, tuple(values)))
            if (
                number > MAX_ROWS + HEADER_SEARCH_ROWS + 1000
            ):  # trailing blank rows are common; stop well past the limit
                break
        return rows
    finally:
        book.close()


def _csv_rows(content: bytes) -> list[tuple[int, tuple[Any, ...]]]:
    # Excel on Chinese Windows saves "CSV" in GBK; gb18030 is its superset and decodes any byte string
    # that is valid GBK. UTF-8 (with or without the BOM Excel adds for "CSV UTF-8") is tried first.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything; kept for safety
        raise BadUpload(_("无法识别文件编码,请另存为UTF-8编码的CSV"))
    if "\x00" in text:
        raise BadUpload(_("文件内容不是文本表格,请上传.xlsx或.csv文件"))
    try:
        return [(n, tuple(r)) for n, r in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)]
    except csv.Error as exc:
        raise BadUpload(_("CSV格式有误:%(error)s") % {"error": exc}) from exc


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _to_table(kind: str, file_format: str, raw_rows: list[tuple[int, tuple[Any, ...]]]) -> Table:
    lookup = header_lookup(kind)
    required = [c for c in COLUMNS[kind] if c.required]
    best: tuple[int, dict[str, str]] | None = None
    header_at = None
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, (_number, values) in enumerate(raw_rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        extra: list[str] = []
        for position, cell in enumerate(values):
            if _is_blank(cell):
                continue
            column = lookup.get(normalise_header(cell))
            if column is None or column.key in found:
                extra.append(str(cell).strip())
            else:
                found[column.key] = position
        if found and (best is None or len(found) > len(best[1])):
            best = (index, {k: str(values[p]).strip() for k, p in found.items()})
        if all(c.key in found for c in required):
            header_at, positions, ignored = index, found, extra
            break
    if header_at is None:
        if not raw_rows or all(all(_is_blank(v) for v in vals) for _n, vals in raw_rows):
            raise BadUpload(_("文件中没有数据"))
        if best is None:
            example = "、".join(c.header for c in COLUMNS[kind][:4])
            raise BadUpload(_("找不到表头行:第一行应是列名,如 %(example)s") % {"example": example})
        missing = [c.header for c in required if c.key not in best[1]]
        raise BadUpload(_("缺少必填列:%(columns)s") % {"columns": "、".join(missing)})
    header_values = raw_rows[header_at][1]
    table = Table(
        kind=kind,
        file_format=file_format,
        headers={k: str(header_values[p]).strip() for k, p in positions.items()},
        ignored=ignored,
    )
    for number, values in raw_rows[header_at + 1 :]:
        picked = {k: (values[p] if p < len(values) else None) for k, p in positions.items()}
        if all(_is_blank(v) for v in picked.values()):
            continue
        table.rows.append(Row(number=number, values=picked))
        if len(table.rows) > MAX_ROWS:
            raise BadUpload(_("文件超过%(max)d行,请分批导入") % {"max": MAX_ROWS})
    if not table.rows:
        raise BadUpload(_("文件只有表头,没有数据行"))
    return table
