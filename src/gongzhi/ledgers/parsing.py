"""Reading an uploaded ledger (XLSX or CSV) into rows keyed by column, with the row numbers staff
see in Excel. Nothing here touches the database; a file we cannot read raises BadUpload."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from gongzhi.core.errors import BadInput
from gongzhi.core.spreadsheets import Limits, SpreadsheetRefused, read_csv, read_xlsx
from gongzhi.ledgers.columns import COLUMNS, header_lookup, normalise_header
from gongzhi.ledgers.errors import WithRowErrors

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
HEADER_SEARCH_ROWS = 10  # ledgers often carry a title row ("光明社区居民台账") above the header
# The reader keeps only rows holding a value: the data rows, the header and a title row above it.
LIMITS = Limits(max_bytes=MAX_BYTES, max_rows=MAX_ROWS + HEADER_SEARCH_ROWS + 1)
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


class BadUpload(WithRowErrors, BadInput, ValueError):
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
    try:
        return read_xlsx(content, limits=LIMITS).rows
    except SpreadsheetRefused as exc:
        raise BadUpload(exc.message) from exc


def _csv_rows(content: bytes) -> list[tuple[int, tuple[Any, ...]]]:
    try:
        return read_csv(content, limits=LIMITS).rows
    except SpreadsheetRefused as exc:
        raise BadUpload(exc.message) from exc


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
