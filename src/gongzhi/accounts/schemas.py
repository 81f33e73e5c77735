import datetime
from typing import Any

from ninja import Field, Schema
from pydantic import field_validator

from gongzhi.territory.schemas import NodeRef


class RoleOut(Schema):
    role: str
    label: str
    territory: NodeRef | None
    organisation_id: int | None
    organisation_name: str | None
    starts_on: datetime.date
    ends_on: datetime.date | None


class MeOut(Schema):
    username: str
    name: str
    is_global: bool
    roles: list[RoleOut]


class TokenIn(Schema):
    name: str = Field(..., max_length=80, description="用途,如“12345热线对接”")

    @field_validator("name")
    @classmethod
    def name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("请填写令牌名称")
        return value.strip()


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    owner: str = Field(..., description="令牌所属账号的用户名")
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    expires_at: datetime.datetime

    @staticmethod
    def resolve_owner(obj: Any) -> str:
        return str(obj.user.get_username())


class RefusalOut(Schema):
    detail: str


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="完整令牌,只显示这一次,请妥善保存")
