"""People in the API: masked values only. No ciphertext, blind index or household id leaves here
(the household node would name the unit and room, which the masked address hides)."""

import datetime
from typing import Any, Literal

from ninja import Field, Schema

from gongzhi.people.models import Gender


class PersonFilter(Schema):
    q: str = Field(
        "",
        max_length=60,
        description="姓名、社区、小区或楼栋名称的片段。含身份证号或手机号(7位以上数字)时返回400:"
        "请改用 POST /persons/exact-search",
    )
    node: int | None = Field(None, description="区划网格节点:只返回该节点下的人员")


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    gender_label: str
    age: int | None
    id_number_masked: str
    phone_masked: str
    address_masked: str
    tag_count: int
    residence_type: str

    @staticmethod
    def resolve_gender_label(obj: Any) -> str:
        return str(Gender(obj.gender).label) if obj.gender else ""


class PartyMembershipOut(Schema):
    kind: str
    kind_label: str
    branch_id: int
    branch_name: str = Field(..., alias="branch.name")

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())


class PersonPostOut(Schema):
    title: str
    title_label: str
    org_name: str
    party_org_id: int | None
    organisation_id: int | None
    starts_on: datetime.date
    ends_on: datetime.date | None

    @staticmethod
    def resolve_title_label(obj: Any) -> str:
        return str(obj.get_title_display())

    @staticmethod
    def resolve_org_name(obj: Any) -> str:
        return (obj.party_org or obj.organisation).name


class PersonDetailOut(PersonOut):
    """The handler sets `card` (people.queries.person_card) and `can_reveal` on the person."""

    can_reveal: bool
    party_membership: PartyMembershipOut | None
    posts: list[PersonPostOut]

    @staticmethod
    def resolve_party_membership(obj: Any) -> Any:
        return obj.card.party_member

    @staticmethod
    def resolve_posts(obj: Any) -> list[Any]:
        return obj.card.posts


RevealField = Literal["id_number", "phone", "address", "tags"]
ReasonCode = Literal["visit", "appeal", "aid", "emergency", "review", "other"]
REASON_HELP = (
    "事由:visit 入户走访核实、appeal 办理诉求需联系本人、aid 困难帮扶救助、emergency 应急处置、"
    "review 上级核查、other 其他(须在 reason 中写明,至少4个字)"
)


class RevealIn(Schema):
    fields: list[RevealField] = Field(..., min_length=1)
    reason_code: ReasonCode = Field(..., description=REASON_HELP)
    reason: str = Field("", max_length=200, description="事由说明;reason_code 为 other 时必填")


class ExactSearchIn(Schema):
    """The value travels in the body, never in a URL (access logs keep URLs)."""

    value: str = Field(..., min_length=1, max_length=40, description="完整的18位身份证号或手机号")
    reason_code: ReasonCode = Field(..., description=REASON_HELP)
    reason: str = Field("", max_length=200, description="事由说明;reason_code 为 other 时必填")


class RevealOut(Schema):
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    tags: list[str] | None = None


class ErrorOut(Schema):
    detail: str
