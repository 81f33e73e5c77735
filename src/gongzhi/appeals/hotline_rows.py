"""The rows of a hotline import and its report: shared by reading/validation (hotline_import) and
the batched writer (hotline_write)."""

import datetime
from dataclasses import dataclass, field

from gongzhi.appeals.models import Category, Channel

CHANNEL = Channel.HOTLINE
DEFAULT_MAPPING: dict[str, str] = {
    "工单编号": "external_id",
    "来电时间": "created_at",
    "来电人": "contact_name",
    "联系电话": "contact_phone",
    "诉求内容": "text",
    "诉求地址": "address_text",
    "诉求分类": "category",
    "经度": "lon",
    "纬度": "lat",
}
FIELDS = {*DEFAULT_MAPPING.values(), "title", "urgency"}
REQUIRED = {"external_id": "工单编号", "text": "诉求内容"}
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
)
BATCH = 2000
ANALYZE_AFTER = 10_000  # rows; see import_rows
HEADER_SEARCH_ROWS = 10


class BadFile(ValueError):
    """The file as a whole cannot be used (message in Chinese)."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}:{self.reason}"


@dataclass
class HotlineRow:
    row: int
    external_id: str
    text: str
    title: str
    created_at: datetime.datetime | None
    contact_name: str
    phone: str  # normalised; encrypted only when written
    address_text: str
    category: Category | None
    urgency: str
    lon: float | None
    lat: float | None


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    existing: int = 0
    dispatched: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    seconds: float = 0.0


# --- reading -------------------------------------------------------------------------------------
