"""Page numbers for the API lists, bounded (issue 13: `?page=2**70` overflowed the SQL OFFSET)."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination

# 100,000 pages of 500 is 50 million rows: past every list we hold, and far inside a 64-bit OFFSET.
MAX_PAGE = 100_000
MAX_PAGE_SIZE = 500


class PageNumberPagination(NinjaPageNumberPagination):
    """ninja's page numbers; a page past MAX_PAGE is a 422 like any other out-of-range input."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)
