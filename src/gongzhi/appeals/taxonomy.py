"""Reading the three-level appeal taxonomy from CSV (columns level1,level2,level3, the format of
12345 hotline classification exports); actions_taxonomy writes what it reads.

Rules: every row is checked before anything is written, and one bad row writes nothing; importing
the same file again changes nothing; a category missing from a later file is kept (switching a
category off is an explicit edit of `Category.active`, never a side effect of an import)."""

from dataclasses import dataclass, field

from gongzhi.core.errors import BadInput
from gongzhi.core.spreadsheets import Limits, SpreadsheetRefused, read_csv_text

ENCODINGS = ("utf-8-sig", "gb18030")
HEADERS = {
    ("level1", "level2", "level3"),
    ("一级分类", "二级分类", "三级分类"),
}
LIMITS = Limits(max_bytes=64 * 1024 * 1024, max_rows=200_000, max_columns=16)
MAX_NAME = 80  # Category.name
SEPARATOR = "/"  # Category.path joins the names with it


class TaxonomyError(BadInput):
    """The file cannot be imported (400); `errors` (also the refusal's details) are row-level
    messages in Chinese."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors), details=errors)


@dataclass
class TaxonomyReport:
    rows: int = 0
    created: int = 0
    existing: int = 0
    created_paths: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"共{self.rows}行:新建分类{self.created}个,已存在{self.existing}个"


def decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (what Excel on Chinese Windows writes)."""
    for encoding in ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TaxonomyError(["文件编码无法识别,请保存为UTF-8或GB18030编码的CSV"])


def parse(text: str) -> tuple[list[tuple[str, ...]], int]:
    """(category paths with 1–3 names each, parents before children, in file order; the number of
    data rows), or TaxonomyError with every row's problem."""
    try:
        table = read_csv_text(text, limits=LIMITS)
    except SpreadsheetRefused as exc:
        raise TaxonomyError([exc.message]) from exc
    if not table.rows:
        raise TaxonomyError(["文件为空"])
    header = table.rows[0][1]
    if tuple(h.strip().lower() for h in header[:3]) not in HEADERS:
        raise TaxonomyError(["第1行:表头应为 level1,level2,level3(或 一级分类,二级分类,三级分类)"])
    errors: list[str] = []
    paths: list[tuple[str, ...]] = []
    rows = 0
    for line_no, row in table.rows[1:]:
        cells = [c.strip() for c in row] + ["", "", ""]
        if not any(cells):
            continue  # blank lines, common at the end of exported files
        rows += 1
        if any(cells[3:]):
            errors.append(f"第{line_no}行:多出的列(只应有三列)")
            continue
        level1, level2, level3 = cells[:3]
        problems = []
        if not level1:
            problems.append("缺少一级分类")
        if not level2:
            problems.append("缺少二级分类")
        for name in (level1, level2, level3):
            if SEPARATOR in name:
                problems.append(f"分类名称“{name}”不能包含“{SEPARATOR}”")
            if len(name) > MAX_NAME:
                problems.append(f"分类名称“{name[:20]}…”超过{MAX_NAME}字")
        if problems:
            errors.append(f"第{line_no}行:" + ";".join(problems))
            continue
        names = (level1, level2, level3) if level3 else (level1, level2)  # blank level3: a level-2 leaf
        for depth in range(1, len(names) + 1):
            paths.append(names[:depth])
    if errors:
        raise TaxonomyError(errors)
    return list(dict.fromkeys(paths)), rows
