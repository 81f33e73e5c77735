"""Appeals in the API: masked contact phone only. No ciphertext, no submitter person id, and for
anonymous appeals no contact name."""

import datetime
from typing import Any

from ninja import Field, Schema

from gongzhi.appeals.workflow import Action, Status
from gongzhi.core.schemas import RowId


class ErrorOut(Schema):
    detail: str
    field: str | None = None


class PhotoIn(Schema):
    name: str = Field("", max_length=100)
    content_base64: str


class AppealIn(Schema):
    text: str
    title: str = ""
    lon: float | None = None
    lat: float | None = None
    address_text: str = Field("", max_length=200)
    category_id: int | None = None
    category: str | None = Field(None, description="分类路径,如 城乡建设/城市管理/占道经营")
    urgency: str = "normal"
    anonymous: bool = False
    hide_name: bool = True
    contact_name: str = Field("", max_length=60)
    contact_phone: str = Field("", max_length=30)
    contact_preference: str = Field("", max_length=16)
    external_id: str | None = Field(None, max_length=80)
    channel: str | None = Field(None, description="工作人员代录时的渠道(hotline、patrol 等),需要代录权限")
    photos: list[PhotoIn] = Field(default_factory=list)


class AppealFilter(Schema):
    status: str | None = None
    department: RowId | None = None
    community: RowId | None = None
    overdue: bool = False
    q: str = Field("", max_length=60, description="标题包含")


class AppealOut(Schema):
    id: int
    number: str
    channel: str
    status: str
    status_label: str
    title: str
    category: str | None
    urgency: str
    address_text: str
    lon: float | None
    lat: float | None
    department: str | None
    department_id: int | None
    community: str | None
    community_id: int | None
    street: str | None
    contact_name: str
    contact_phone_masked: str
    anonymous: bool
    created_at: datetime.datetime
    dispatched_at: datetime.datetime | None
    sign_due_at: datetime.datetime | None
    contact_due_at: datetime.datetime | None
    resolve_due_at: datetime.datetime | None
    replied_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    links: dict[str, str]

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(Status(obj.status).label)

    @staticmethod
    def resolve_category(obj: Any) -> str | None:
        return obj.category.path if obj.category_id else None

    @staticmethod
    def resolve_department(obj: Any) -> str | None:
        return obj.department.name if obj.department_id else None

    @staticmethod
    def resolve_community(obj: Any) -> str | None:
        return obj.community.name if obj.community_id else None

    @staticmethod
    def resolve_street(obj: Any) -> str | None:
        return obj.street.name if obj.street_id else None

    @staticmethod
    def resolve_contact_name(obj: Any) -> str:
        return "" if obj.anonymous else obj.contact_name

    @staticmethod
    def resolve_links(obj: Any) -> dict[str, str]:
        base = f"/api/v1/appeals/{obj.pk}"
        return {"self": base, "open311": f"/open311/v2/requests/{obj.number}.json"}


class EventOut(Schema):
    at: datetime.datetime
    action: str
    action_label: str
    from_status: str
    to_status: str
    note: str
    actor_label: str

    @staticmethod
    def resolve_action_label(obj: Any) -> str:
        return str(Action(obj.action).label) if obj.action in Action.values else obj.action


class AppealDetailOut(AppealOut):
    text: str
    timeline: list[EventOut]


class ReasonIn(Schema):
    reason: str = Field(..., max_length=300)


class DispatchIn(Schema):
    department_id: int
    note: str = Field("", max_length=300)


class NoteIn(Schema):
    note: str = Field(..., max_length=2000)


class ReplyIn(Schema):
    text: str = Field(..., max_length=2000)


class RateIn(Schema):
    satisfaction: str
    solved: bool
    comment: str = Field("", max_length=500)


class MergeIn(Schema):
    into_id: int


class ExtendIn(Schema):
    workdays: int
    reason: str = Field(..., max_length=300)
