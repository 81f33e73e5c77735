import datetime
from typing import Any

from ninja import Field, Schema

from gongzhi.orgs.models import OrgKind, PartyLevel
from gongzhi.territory.schemas import NodeRef


class PartyOrgOut(Schema):
    id: int
    name: str
    level: str
    level_label: str
    parent_id: int | None
    territory: NodeRef
    founded_on: datetime.date | None
    member_count: int = Field(..., description="直属党员人数(所在支部为本组织)")

    @staticmethod
    def resolve_level_label(obj: Any) -> str:
        return str(PartyLevel(obj.level).label)


class PostOut(Schema):
    title: str
    title_label: str
    person_name: str = Field(..., alias="person.name")
    starts_on: datetime.date
    ends_on: datetime.date | None

    @staticmethod
    def resolve_title_label(obj: Any) -> str:
        return str(obj.get_title_display())


class PartyOrgDetailOut(PartyOrgOut):
    """The handler sets `post_list` and `child_ids` on the organisation."""

    posts: list[PostOut]
    children: list[int]

    @staticmethod
    def resolve_posts(obj: Any) -> list[Any]:
        return obj.post_list

    @staticmethod
    def resolve_children(obj: Any) -> list[int]:
        return obj.child_ids


class PartyOrgFilter(Schema):
    level: PartyLevel | None = None
    territory: int | None = Field(None, description="区划网格节点:只返回该节点及其下级的党组织")


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    territory: NodeRef
    credit_code: str
    contact_phone: str
    address: str

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(OrgKind(obj.kind).label)


class OrganisationFilter(Schema):
    kind: OrgKind | None = None
