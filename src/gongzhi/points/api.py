"""/api/v1/points/: balance, statement, catalogue, redeem (Idempotency-Key), my redemptions, verify,
and staff manual awards (Idempotency-Key required).

Handlers parse and call one action; its refusals (PointsRefused 409, or 400 when it is bad input;
AlreadyDecided 409) are answered by core.errors; not visible 404 (the same as missing)."""

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from gongzhi.accounts.api_auth import SessionAuth, TokenAuth
from gongzhi.core import months
from gongzhi.points import actions_redemption, manual, queries
from gongzhi.points.access import (
    access_account,
    access_item_to_redeem,
    acting_person,
    catalogue_for,
    own_account,
)
from gongzhi.points.accounts import find_account
from gongzhi.points.actions import PointsRefused
from gongzhi.points.models import Redemption
from gongzhi.points.queries import StatementLine

router = Router(tags=["积分 points"], auth=[TokenAuth(), SessionAuth()])

MAX_KEY_LENGTH = 64


class ErrorOut(Schema):
    detail: str


class BalanceOut(Schema):
    account_id: int | None
    balance: int


class StatementOut(Schema):
    account_id: int
    label: str
    month: str
    opening: int
    credits: int
    debits: int
    closing: int
    page: int
    pages: int
    lines: list[StatementLine]  # queries' dataclass, one schema for both


class ItemOut(Schema):
    id: int
    name: str
    description: str
    points: int
    stock: int
    provider: str
    provider_kind: str


class RedeemIn(Schema):
    item_id: int
    quantity: int = 1


class RedemptionOut(Schema):
    id: int
    item: str
    provider: str
    quantity: int
    points: int
    status: str
    status_label: str
    code: str
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    verified_at: datetime.datetime | None


class VerifyIn(Schema):
    code: str


class AwardIn(Schema):
    community_id: int
    person_id: int
    # loose types on purpose: a bad amount is a 400 with the same message as the staff page
    points: int | float | str | None = None
    memo: str = ""


class AwardOut(Schema):
    transaction_id: int
    points: int  # what was awarded: the manual rule's caps may clip the request
    requested_points: int
    created: bool
    community_id: int
    person_id: int
    account_id: int | None


class StatementQuery(Schema):
    month: str | None = None
    page: int | None = None  # 200 lines a page; without it, the whole month


def redemption_out(r: Redemption, *, show_code: bool = True) -> dict[str, Any]:
    return {
        "id": r.pk,
        "item": r.item.name,
        "provider": r.item.provider_name,
        "quantity": r.quantity,
        "points": r.points,
        "status": r.status,
        "status_label": str(r.get_status_display()),
        "code": r.code if show_code else "",
        "created_at": r.created_at,
        "expires_at": r.expires_at,
        "verified_at": r.verified_at,
    }


def parse_month(value: str | None) -> datetime.date:
    if not value:
        return timezone.localdate().replace(day=1)
    month = months.parse_month(value)
    if month is None:
        raise PointsRefused(_("月份格式应为YYYY-MM"), invalid=True)
    return month


@router.get("/balance", response={200: BalanceOut, 404: ErrorOut})
def balance(request: HttpRequest) -> Any:
    account = own_account(request.auth)
    return {"account_id": account.pk if account else None, "balance": account.balance if account else 0}


@router.get("/accounts/{account_id}/statement", response={200: StatementOut, 400: ErrorOut, 404: ErrorOut})
def statement(request: HttpRequest, account_id: int, filters: Query[StatementQuery]) -> Any:
    account = access_account(request.auth, account_id)
    month = parse_month(filters.month)
    s = queries.statement(account, month, page=filters.page)
    return {
        "account_id": account.pk,
        "label": account.label,
        "month": f"{s.month:%Y-%m}",
        "opening": s.opening,
        "credits": s.credits,
        "debits": s.debits,
        "closing": s.closing,
        "page": s.page,
        "pages": s.pages,
        "lines": [line.__dict__ for line in s.lines],
    }


@router.get("/catalogue", response={200: list[ItemOut], 404: ErrorOut})
def catalogue(request: HttpRequest) -> Any:
    items = catalogue_for(acting_person(request.auth))
    return [
        {
            "id": i.pk,
            "name": i.name,
            "description": i.description,
            "points": i.points,
            "stock": i.stock,
            "provider": i.provider_name,
            "provider_kind": "merchant" if i.merchant_id else "locker",
        }
        for i in items
    ]


@router.post(
    "/redeem", response={200: RedemptionOut, 201: RedemptionOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut}
)
def redeem(request: HttpRequest, payload: RedeemIn) -> Any:
    """Redeem an item of one's community. The same Idempotency-Key header returns the first
    redemption (200) instead of a second one (201)."""
    key = (request.headers.get("Idempotency-Key") or "").strip() or None
    if key and len(key) > MAX_KEY_LENGTH:
        return Status(400, {"detail": _("Idempotency-Key最长%(n)d个字符") % {"n": MAX_KEY_LENGTH}})
    person = acting_person(request.auth)
    item = access_item_to_redeem(request.auth, payload.item_id)
    result = actions_redemption.redeem(
        person=person, item=item, quantity=payload.quantity, idempotency_key=key
    )
    return Status(201 if result.created else 200, redemption_out(result.redemption))


@router.get("/redemptions", response={200: list[RedemptionOut], 404: ErrorOut})
def my_redemptions(request: HttpRequest) -> Any:
    person = acting_person(request.auth)
    return [redemption_out(r) for r in queries.own_redemptions(person, 100)]


@router.post("/verify", response={200: RedemptionOut, 404: ErrorOut, 409: ErrorOut})
def verify(request: HttpRequest, payload: VerifyIn) -> Any:
    """A merchant's counter hands the goods over. 404 for a code of another merchant (or none);
    409 when the code was already used, cancelled or expired."""
    try:
        done = actions_redemption.verify(code=payload.code, actor=request.auth)
    except Http404:  # the counter's own words for a code it cannot see
        return Status(404, {"detail": "取货码无效或不属于本店"})
    return Status(200, redemption_out(done, show_code=False))


@router.post("/awards", response={200: AwardOut, 201: AwardOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def award(request: HttpRequest, payload: AwardIn) -> Any:
    """人工奖励 by staff with manage_points over the community. The Idempotency-Key header is required:
    the same key again returns the first award (200) instead of a second one (201). 404 for a
    community or person outside one's scope; 409 for the ledger's refusals (self-award, caps)."""
    community = manual.access_community(request.auth, payload.community_id)
    recipient = manual.access_recipient(request.auth, community, payload.person_id)
    points = manual.parse_points(payload.points)
    memo = manual.parse_memo(payload.memo)
    key = manual.parse_key(request.headers.get("Idempotency-Key"))
    done = manual.award(
        actor=request.auth, community=community, recipient=recipient, points=points, memo=memo, key=key
    )
    account = find_account(recipient)
    return Status(
        201 if done.created else 200,
        {
            "transaction_id": done.transaction_id,
            "points": done.points,
            "requested_points": points,
            "created": done.created,
            "community_id": community.pk,
            "person_id": recipient.pk,
            "account_id": account.pk if account else None,
        },
    )
