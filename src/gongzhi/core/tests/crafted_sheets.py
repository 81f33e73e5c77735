"""Hostile spreadsheets built in memory: a lying <dimension>, zip bombs, too many rows or columns.
Each is also a file openpyxl itself would open, so the old reading path can be compared."""

import struct
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
MiB = 1024 * 1024


def column_letter(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell(column: int, row: int, value: Any) -> str:
    ref = f"{column_letter(column)}{row}"
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def row_xml(number: int, values: Iterable[Any]) -> str:
    cells = "".join(cell(i, number, v) for i, v in enumerate(values, start=1) if v is not None)
    return f'<row r="{number}">{cells}</row>'


def xlsx_from_chunks(chunks: Callable[[], Iterable[bytes]]) -> bytes:
    """A workbook whose sheet1.xml is the concatenated chunks (streamed into the deflater)."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=False) as sheet:
            for chunk in chunks():
                sheet.write(chunk)
    return out.getvalue()


def xlsx(rows: list[list[Any]], *, dimension: str | None = None, first_row: int = 1) -> bytes:
    def chunks() -> Iterable[bytes]:
        yield SHEET_HEAD.encode()
        if dimension:
            yield f'<dimension ref="{dimension}"/>'.encode()
        yield b"<sheetData>"
        for number, values in enumerate(rows, start=first_row):
            yield row_xml(number, values).encode()
        yield b"</sheetData></worksheet>"

    return xlsx_from_chunks(chunks)


def repeated_sheet(unit: bytes, size: int, *, head: bytes = b'<sheetData><row r="1">') -> Callable:
    """sheet1.xml of about `size` bytes: one row of `unit` repeated (b"<c/>": empty cells)."""

    def chunks() -> Iterable[bytes]:
        yield SHEET_HEAD.encode() + head
        block = unit * (MiB // len(unit))
        for _ in range(size // len(block)):
            yield block
        yield b"</row></sheetData></worksheet>"

    return chunks


def overlapping_bomb(*, member_size: int = 256 * MiB, aliases: int = 16) -> bytes:
    """A few hundred KB: one deflated sheet of `member_size` bytes that the zip directory lists
    `aliases` times (each entry points at the same data: aliases × member_size to inflate)."""
    content = xlsx_from_chunks(repeated_sheet(b"<c/>", member_size))
    archive = zipfile.ZipFile(BytesIO(content))
    infos = archive.infolist()
    body = content[: archive.start_dir]  # the local entries; a new directory follows
    sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    entries = [(i.filename, i) for i in infos]
    entries += [(f"xl/worksheets/sheet{n}.xml", sheet) for n in range(2, aliases + 1)]
    directory = b"".join(_central_entry(name, info) for name, info in entries)
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), len(body), 0
    )
    return body + directory + end


def lying_size(content: bytes, name: str, declared: int) -> bytes:
    """The same zip with `name`'s uncompressed size declared as `declared` in the directory."""
    archive = zipfile.ZipFile(BytesIO(content))
    body = content[: archive.start_dir]
    entries = []
    for info in archive.infolist():
        entries.append(
            _central_entry(info.filename, info, file_size=declared if info.filename == name else None)
        )
    directory = b"".join(entries)
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), len(body), 0
    )
    return body + directory + end


def _central_entry(name: str, info: zipfile.ZipInfo, file_size: int | None = None) -> bytes:
    encoded = name.encode()
    return (
        struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            info.flag_bits & ~0x08 & 0xFFFF,
            info.compress_type,
            0,
            0x21,
            info.CRC,
            info.compress_size,
            info.file_size if file_size is None else file_size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            info.header_offset,
        )
        + encoded
    )


def peak_mib(call: Callable[[], Any]) -> tuple[float, Any]:
    """(peak Python memory above the start while `call` ran, in MiB; what it returned or raised)."""
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        try:
            outcome: Any = call()
        except Exception as exc:  # noqa: BLE001 - the refusal is the outcome under test
            outcome = exc
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return (peak - baseline) / MiB, outcome


def xlsx_with_shared_strings(strings_xml: bytes, *, prolog: bytes = b"") -> bytes:
    """A workbook whose sheet shows shared string 0 and whose sharedStrings.xml holds `strings_xml`."""
    rels = WORKBOOK_RELS.replace(
        "</Relationships>",
        f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        archive.writestr(
            "xl/sharedStrings.xml", prolog + f'<sst xmlns="{MAIN}">'.encode() + strings_xml + b"</sst>"
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            SHEET_HEAD + '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>',
        )
    return out.getvalue()
