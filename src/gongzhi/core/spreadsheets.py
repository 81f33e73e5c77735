"""The one reader for uploaded spreadsheets (XLSX, CSV) and the one writer for exported ones.

Reading (decision 0040): an upload is untrusted input that can ask for far more memory than its size.
openpyxl's read-only sheets pad every row to the width the file *declares* (`<dimension ref=
"A1:XFD1048576">` turns a 12 KB file into hundreds of MB), its sheet parser keeps every row's extra
attributes and builds a whole `<row>` before handing it over, and a zip member may expand a
thousandfold. So nothing here lets openpyxl open the workbook: the zip directory is checked first
(member count, declared uncompressed sizes, compression ratio; Python's zipfile never inflates a
member past its declared size), then the few parts we need are streamed with elements dropped as
soon as they are read, empty cells cost nothing, and rows, columns, cells and shared strings are
capped. openpyxl still converts each cell (numbers, dates, booleans, inline strings), so values are
the ones `load_workbook(read_only=True, data_only=True)` gave.

Writing: a string cell beginning with = + - @ tab or carriage return is run as a formula by
spreadsheet programs (CSV/XLSX injection). Every export writes its rows through `append_row` or
`CsvWriter`, which prefix such strings with a single quote (OWASP); numbers stay numbers.
"""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from gongzhi.core.errors import BadInput

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one upload may cost. The defaults suit the web uploads (10 MB files, 50,000-row ledgers);
    the command-line imports (hotline exports, training files) pass larger ones."""

    max_bytes: int = 10 * MiB
    max_rows: int = 60_000  # rows holding at least one value
    max_columns: int = 256  # the rightmost column holding a value
    max_cells: int = 2_000_000  # sum over kept rows of their width (what the rows cost in memory)
    max_uncompressed: int = 128 * MiB  # all zip members together, as declared in the zip directory
    max_ratio: int = 100  # uncompressed / compressed, for members over RATIO_FLOOR bytes
    max_members: int = 1000
    max_shared_strings: int = 500_000  # ~27 MiB of tiny distinct strings at the cap
    max_record_chars: int = 512 * 1024  # one CSV record (bounds the field list csv builds for it)


RATIO_FLOOR = 1 * MiB  # small parts (styles, rels) compress oddly and cost nothing
MAX_ELEMENTS_IN_ITEM = 10_000  # XML elements inside one cell or one shared string (rich-text runs)
MAX_INDEX_ENTRIES = 100_000  # relationships, number formats, cell styles (Excel allows 64,000 styles)


class SpreadsheetRefused(BadInput, ValueError):
    """The file as a whole cannot be read within the limits; the message (Chinese) is for the user (400)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


@dataclass
class Rows:
    """Rows holding at least one value, each with its number as the user sees it (the Excel row
    number, or the CSV record number); trailing empty cells are not kept."""

    file_format: str  # "xlsx" or "csv"
    rows: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)

    def __iter__(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def is_xlsx(content: bytes) -> bool:
    return content.startswith(ZIP_MAGIC)


def read_spreadsheet(
    content: bytes,
    *,
    limits: Limits = Limits(),  # noqa: B008 - frozen, never mutated
    encodings: tuple[str, ...] = ("utf-8-sig", "gb18030"),
) -> Rows:
    """XLSX when the bytes are a zip, else CSV; the first worksheet of a workbook."""
    if len(content) > limits.max_bytes:
        raise SpreadsheetRefused(_("文件超过%(mb)dMB,请分批导入") % {"mb": limits.max_bytes // MiB})
    if is_xlsx(content):
        return read_xlsx(content, limits=limits)
    return read_csv(content, limits=limits, encodings=encodings)


# --- CSV -------------------------------------------------------------------------------------------


def decode_text(content: bytes, encodings: tuple[str, ...] = ("utf-8-sig", "gb18030")) -> str:
    """Excel on Chinese Windows saves "CSV" in GBK (gb18030 is its superset); UTF-8, with or without
    the BOM Excel adds for "CSV UTF-8", is tried first."""
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text
    raise SpreadsheetRefused(_("无法识别文件编码,请另存为UTF-8编码的CSV"))


def read_csv(
    content: bytes,
    *,
    limits: Limits = Limits(),  # noqa: B008
    encodings: tuple[str, ...] = ("utf-8-sig", "gb18030"),
) -> Rows:
    if len(content) > limits.max_bytes:
        raise SpreadsheetRefused(_("文件超过%(mb)dMB,请分批导入") % {"mb": limits.max_bytes // MiB})
    return read_csv_text(decode_text(content, encodings), limits=limits)


def read_csv_text(text: str, *, limits: Limits = Limits()) -> Rows:  # noqa: B008
    if len(text) > limits.max_bytes:
        raise SpreadsheetRefused(_("文件超过%(mb)dMB,请分批导入") % {"mb": limits.max_bytes // MiB})
    if "\x00" in text:
        raise SpreadsheetRefused(_("文件内容不是文本表格,请上传.xlsx或.csv文件"))
    lines = _MeteredLines(text, limits.max_record_chars)
    counter = _Counter(limits)
    result = Rows("csv")
    try:
        for number, record in enumerate(csv.reader(lines), start=1):
            lines.record_done()
            width = len(record)
            while width and not record[width - 1].strip():
                width -= 1
            if not width:
                continue
            values = tuple(record) if len(record) <= limits.max_columns else tuple(record[:width])
            counter.add_row(width, len(values))
            result.rows.append((number, values))
    except csv.Error as exc:
        raise SpreadsheetRefused(_("CSV格式有误:%(error)s") % {"error": exc}) from exc
    return result


class _MeteredLines:
    """The text's lines for csv.reader, refusing a record longer than `limit` characters before csv
    has built its list of fields (a line of a million commas is a million-item list)."""

    # The lines as csv wants them (endings kept; \r\n, \r or \n), sliced one at a time: a StringIO
    # copy of the whole text would cost four bytes a character.
    LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")

    def __init__(self, text: str, limit: int) -> None:
        start = 1 if text.startswith("\ufeff") else 0
        self._lines = (m.group() for m in self.LINE.finditer(text, start))
        self._limit = limit
        self._used = 0

    def __iter__(self) -> _MeteredLines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self._used += len(line)
        if self._used > self._limit:
            raise SpreadsheetRefused(_("表格中有一行超过%(n)d个字符,请检查文件") % {"n": self._limit})
        return line

    def record_done(self) -> None:
        self._used = 0


class _Counter:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.rows = 0
        self.cells = 0

    def add_row(self, width: int, stored: int) -> None:
        if width > self.limits.max_columns:
            raise SpreadsheetRefused(_("表格超过%(n)d列,请删除多余的列") % {"n": self.limits.max_columns})
        self.rows += 1
        if self.rows > self.limits.max_rows:
            raise SpreadsheetRefused(_("表格超过%(n)d行,请分批导入") % {"n": self.limits.max_rows})
        self.cells += stored
        if self.cells > self.limits.max_cells:
            raise SpreadsheetRefused(_("表格超过%(n)d个单元格,请分批导入") % {"n": self.limits.max_cells})


# --- XLSX ------------------------------------------------------------------------------------------

REL_OFFICE_DOCUMENT = "/officeDocument"
REL_WORKSHEET = "/worksheet"
REL_SHARED_STRINGS = "/sharedStrings"
REL_STYLES = "/styles"


def _unreadable() -> SpreadsheetRefused:
    return SpreadsheetRefused(_("无法读取Excel文件,请在Excel中另存为.xlsx后重试"))


def _too_big() -> SpreadsheetRefused:
    return SpreadsheetRefused(_("Excel文件解压后过大或压缩比异常,请另存为.xlsx或CSV后重试"))


def read_xlsx(content: bytes, *, limits: Limits = Limits()) -> Rows:  # noqa: B008
    """The first worksheet's rows. Refuses before any part is inflated when the zip directory
    declares too much, and while streaming when the sheet holds too much."""
    if len(content) > limits.max_bytes:
        raise SpreadsheetRefused(_("文件超过%(mb)dMB,请分批导入") % {"mb": limits.max_bytes // MiB})
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _unreadable() from exc
    _check_members(members, limits)
    try:
        with archive:
            return _XlsxReader(archive, limits).read()
    except SpreadsheetRefused:
        raise
    except Exception as exc:  # zip, XML and conversion errors all mean "not a workbook we can read"
        raise _unreadable() from exc


def _check_members(members: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(members) > limits.max_members:
        raise _too_big()
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise _too_big()
    if total > limits.max_uncompressed:
        raise _too_big()


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _attr(element: Any, name: str) -> str | None:
    """An attribute by local name (r:id is namespaced)."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return str(value)
    return None


def _string_item(item: Any) -> str:
    """A shared string's text as openpyxl's Text.content gives it: the plain <t> and the <t> of each
    rich-text run <r>, not the phonetic runs <rPh>."""
    parts = []
    for child in item:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts).replace("x005F_", "")


class _XlsxReader:
    def __init__(self, archive: zipfile.ZipFile, limits: Limits) -> None:
        self.archive = archive
        self.names = set(archive.namelist())
        self.limits = limits

    def read(self) -> Rows:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900
        from openpyxl.worksheet._reader import WorkSheetParser

        book_path = self._office_document()
        sheet_id, date1904 = self._first_sheet(book_path)
        rels = self._relationships(book_path)
        if sheet_id is None or sheet_id not in rels or not rels[sheet_id][0].endswith(REL_WORKSHEET):
            raise SpreadsheetRefused(_("工作簿中没有工作表"))
        by_type = {kind.rsplit("/", 1)[-1]: target for kind, target in rels.values()}
        shared = self._shared_strings(by_type.get("sharedStrings"))
        date_formats, timedelta_formats = self._date_styles(by_type.get("styles"))
        converter = WorkSheetParser(
            None,
            shared,
            data_only=True,
            epoch=CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900,
            date_formats=date_formats,
            timedelta_formats=timedelta_formats,
        )
        return self._sheet_rows(rels[sheet_id][1], converter)

    # parts ------------------------------------------------------------------------------------

    def _open(self, path: str) -> IO[bytes]:
        if path not in self.names:
            raise _unreadable()
        return self.archive.open(path)

    def _stream(self, path: str) -> Iterator[tuple[str, Any, Any]]:
        """(event, element, parent) with every element detached from its parent once it has ended,
        so a part's tree never grows past the open elements and the current item."""
        from openpyxl.xml.functions import iterparse  # defusedxml's when installed: no entities

        stack: list[Any] = []
        with self._open(path) as source:
            for event, element in iterparse(source, events=("start", "end")):
                if event == "start":
                    stack.append(element)
                    yield event, element, (stack[-2] if len(stack) > 1 else None)
                    continue
                stack.pop()
                parent = stack[-1] if stack else None
                yield event, element, parent

    def _office_document(self) -> str:
        for kind, target in self._relationships("").values():
            if kind.endswith(REL_OFFICE_DOCUMENT):
                return target
        return "xl/workbook.xml"

    def _relationships(self, source_path: str) -> dict[str, tuple[str, str]]:
        folder, name = posixpath.split(source_path)
        rels_path = posixpath.join(folder, "_rels", f"{name}.rels")
        if rels_path not in self.names:
            return {}
        found: dict[str, tuple[str, str]] = {}
        for event, element, parent in self._stream(rels_path):
            if event != "end":
                continue
            if _local(element.tag) == "Relationship":
                target = element.get("Target") or ""
                if element.get("TargetMode") != "External":
                    target = posixpath.normpath(
                        target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                    )
                    found[element.get("Id") or ""] = (element.get("Type") or "", target)
                if len(found) > MAX_INDEX_ENTRIES:
                    raise _too_big()
            if parent is not None:
                parent.remove(element)
        return found

    def _first_sheet(self, book_path: str) -> tuple[str | None, bool]:
        sheet_id: str | None = None
        date1904 = False
        for event, element, parent in self._stream(book_path):
            if event != "end":
                continue
            tag = _local(element.tag)
            if tag == "workbookPr":
                date1904 = (element.get("date1904") or "").lower() in ("1", "true")
            elif tag == "sheet" and sheet_id is None:
                sheet_id = _attr(element, "id")
            elif tag == "sheets":
                break  # workbookPr comes before sheets
            if parent is not None:
                parent.remove(element)
        return sheet_id, date1904

    def _shared_strings(self, path: str | None) -> list[str]:
        strings: list[str] = []
        if path is None:
            return strings
        inside = 0
        for event, element, parent in self._stream(path):
            tag = _local(element.tag)
            if event == "start":
                if tag == "si":
                    inside = 0
                else:
                    inside += 1
                    if inside > MAX_ELEMENTS_IN_ITEM:
                        raise _too_big()
                continue
            if tag == "si":
                strings.append(_string_item(element))
                if len(strings) > self.limits.max_shared_strings:
                    raise _too_big()
                if parent is not None:
                    parent.remove(element)
        return strings

    def _date_styles(self, path: str | None) -> tuple[set[int], set[int]]:
        """Which cell styles (indices into cellXfs) show a date or a duration, as openpyxl decides."""
        from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format

        dates: set[int] = set()
        durations: set[int] = set()
        if path is None:
            return dates, durations
        custom: dict[int, str] = {}
        in_cell_xfs = False
        index = 0
        for event, element, parent in self._stream(path):
            tag = _local(element.tag)
            if event == "start":
                if tag == "cellXfs":
                    in_cell_xfs = True
                continue
            if tag == "numFmt":
                custom[int(element.get("numFmtId") or 0)] = element.get("formatCode") or ""
                if len(custom) > MAX_INDEX_ENTRIES:
                    raise _too_big()
            elif tag == "xf" and in_cell_xfs:
                number_format = int(element.get("numFmtId") or 0)
                code = custom.get(number_format) or builtin_format_code(number_format)
                if is_date_format(code):
                    dates.add(index)
                if is_timedelta_format(code):
                    durations.add(index)
                index += 1
                if index > MAX_INDEX_ENTRIES:
                    raise _too_big()
            elif tag == "cellXfs":
                in_cell_xfs = False
            if parent is not None:
                parent.remove(element)
        return dates, durations

    def _sheet_rows(self, path: str, converter: Any) -> Rows:
        """Rows as they come; a cell without a value is skipped, so neither the declared dimension
        nor a stray far-right empty cell makes a row wider than its last value."""
        from openpyxl.utils.cell import coordinate_to_tuple

        counter = _Counter(self.limits)
        result = Rows("xlsx")
        row_number = 0
        values: dict[int, Any] = {}
        in_cell = False
        cell_elements = 0
        for event, element, parent in self._stream(path):
            tag = _local(element.tag)
            if event == "start":
                if tag == "row":
                    row_attr = element.get("r")
                    row_number = int(float(row_attr)) if row_attr else row_number + 1
                    converter.row_counter, converter.col_counter = row_number, 0
                    values = {}
                elif tag == "c":
                    in_cell, cell_elements = True, 0
                elif in_cell:
                    cell_elements += 1
                    if cell_elements > MAX_ELEMENTS_IN_ITEM:
                        raise _too_big()
                continue
            if in_cell and tag != "c":
                continue  # the cell's children are read when the cell ends
            if tag == "c":
                in_cell = False
                if not len(element):  # no <v>, no <is>: an empty (styled) cell, only its position counts
                    ref = element.get("r")
                    converter.col_counter = coordinate_to_tuple(ref)[1] if ref else converter.col_counter + 1
                    if parent is not None:
                        parent.remove(element)
                    continue
                cell = converter.parse_cell(element)
                value = cell["value"]
                if value is not None and value != "":
                    if cell["column"] > self.limits.max_columns:
                        raise SpreadsheetRefused(
                            _("表格超过%(n)d列,请删除多余的列") % {"n": self.limits.max_columns}
                        )
                    values[cell["column"]] = value
            elif tag == "row" and values:
                width = max(values)
                counter.add_row(width, width)
                padded: list[Any] = [None] * width
                for column, value in values.items():
                    padded[column - 1] = value
                result.rows.append((row_number, tuple(padded)))
                values = {}
            if parent is not None:
                parent.remove(element)
        return result


# --- writing ---------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A string a spreadsheet program would run as a formula, made text with a leading single quote
    (OWASP, CSV injection); every other value unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def new_workbook(*, write_only: bool = False) -> Any:
    """An openpyxl Workbook; write_only streams rows to a temporary file instead of memory."""
    from openpyxl import Workbook

    return Workbook(write_only=write_only)


def append_row(sheet: Any, values: Iterable[Any], *, bold: bool = False) -> None:
    """Append one row with every string neutralised; bold for header rows (works on write-only
    sheets too, through WriteOnlyCell)."""
    row = [neutralise(v) for v in values]
    if bold:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        font = Font(bold=True)
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)  # a normal sheet copies value and style too
            cell.font = font
            cells.append(cell)
        sheet.append(cells)
        return
    sheet.append(row)


def workbook_bytes(book: Any) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class CsvWriter:
    """csv.writer whose rows are neutralised; `bom` first so spreadsheet programs read UTF-8."""

    def __init__(self, stream: Any, *, bom: bool = True, **kwargs: Any) -> None:
        if bom:
            stream.write(codecs.BOM_UTF8.decode("utf-8"))
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, values: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(v) for v in values])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
