import datetime

from ninja import Schema


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
