import datetime
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, Field, WithJsonSchema


class AuditEntryOut(Schema):
    id: int
    at: datetime.datetime
    kind: str
    actor_label: str
    action: str
    object_type: str
    object_id: str
    object_label: str
    fields: list[str]
    reason: str


def _naive(value: datetime.time) -> datetime.time:
    if value.tzinfo is not None:
        raise ValueError("a wall-clock time carries no UTC offset")
    return value


# A time of day on the local wall clock ("19:00:00"). JSON Schema's "time" format is RFC 3339's
# full-time, which requires an offset ("19:00:00+08:00"): our answers broke their own schema, and an
# offset sent in was stored nowhere (TimeField has none). Issue 13.
WallTime = Annotated[
    datetime.time,
    AfterValidator(_naive),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "description": "本地时间(北京时间)HH:MM[:SS]",
            "example": "19:00:00",
        }
    ),
]


# A primary key typed by a client: positive and inside a 64-bit column. Unbounded, 2**70 overflowed
# SQLite's INTEGER binding (500) before the query could answer "none" (issue 13, the fuzzer).
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]
