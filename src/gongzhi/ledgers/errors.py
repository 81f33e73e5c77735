"""The ledgers' refusals answer with the row errors beside the message (the API's ProblemOut:
`{"detail": …, "errors": [{row, column, reason}, …]}`), so the core mapping (decision 0045) gives
the API's 400 and 409 bodies without an `except` in the handlers."""

from collections.abc import Sequence
from typing import Any, Protocol

from gongzhi.core.errors import Refusal


class _RowError(Protocol):
    row: int
    column: str
    reason: str


class WithRowErrors(Refusal):
    row_errors: Sequence[_RowError] = ()

    def as_json(self) -> dict[str, Any]:
        body = super().as_json()
        body["errors"] = [{"row": e.row, "column": e.column, "reason": e.reason} for e in self.row_errors]
        return body
