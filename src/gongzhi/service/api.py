"""/api/v1/service/: orders (scoped list, detail, top-3 suggestions, assign/accept/decline/rate),
and the public wish wall. Handlers parse and call one action; its refusals (InvalidTransition 409,
ServiceForbidden 403, ServiceError 400 with its field) are answered by core.errors, not visible 404."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from gongzhi.accounts.api_auth import SessionAuth, TokenAuth
from gongzhi.service import actions, queries, queries_pages
from gongzhi.service.access import ServiceForbidden, access_order, may_manage
from gongzhi.service.models import ServiceOrder
from gongzhi.service.suggest import suggest_helpers

router = Router(tags=["服务 service"], auth=[TokenAuth(), SessionAuth()])


class ErrorOut(Schema):
    detail: str
    field: str | None = None


class OrderOut(Schema):
    id: int
    number: str
    status: str
    item: str
    community: str
    helper_id: int | None
    due_at: datetime | None
    rating: int | None
    appeal_id: int | None
    from_appeal_id: int | None


class SuggestionOut(Schema):
    helper_id: int
    name: str
    score: float
    skill: float
    near: float
    free: float
    available: float
    km: float | None


class AssignIn(Schema):
    helper_id: int
    note: str = ""


class ReasonIn(Schema):
    reason: str


class RateIn(Schema):
    stars: int
    comment: str = ""


class WishOut(Schema):
    id: int
    title: str
    story: str
    group: str
    urgency: str
    due_on: date
    budget: float
    status: str
    community: str


ERRORS: dict[int | str, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _out(order: ServiceOrder) -> dict[str, Any]:
    return {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "item": order.item.name,
        "community": order.community.name,
        "helper_id": order.helper_id,
        "due_at": order.due_at,
        "rating": order.rating,
        "appeal_id": order.appeal_id,
        "from_appeal_id": order.from_appeal_id,
    }


@router.get("/orders", response=list[OrderOut], url_name="service_orders")
def orders(request: HttpRequest, status: str = "") -> Any:
    """Orders the caller may see (their area's, their own, those assigned to them), newest first."""
    return [_out(o) for o in queries_pages.api_orders(request.user, status)[:200]]


@router.get("/orders/{order_id}", response={200: OrderOut, 404: ErrorOut}, url_name="service_order")
def order(request: HttpRequest, order_id: int) -> Any:
    return _out(access_order(request.user, order_id))


@router.get(
    "/orders/{order_id}/suggestions",
    response={200: list[SuggestionOut], **ERRORS},
    url_name="service_suggestions",
)
def suggestions(request: HttpRequest, order_id: int) -> Any:
    found = access_order(request.user, order_id)

    if not may_manage(request.user, found.path):
        raise ServiceForbidden("只有社区工作人员可以查看派单推荐")
    ranked = suggest_helpers(found)
    names = queries.helper_names([s.helper_id for s in ranked])
    return [{**s.__dict__, "name": names.get(s.helper_id, "")} for s in ranked]


def _act(request: HttpRequest, order_id: int, run: Callable[[ServiceOrder], ServiceOrder]) -> Any:
    changed = run(access_order(request.user, order_id))
    return _out(access_order(request.user, changed.pk))


RESPONSES = {200: OrderOut, **ERRORS}


@router.post("/orders/{order_id}/assign", response=RESPONSES, url_name="service_assign")
def assign(request: HttpRequest, order_id: int, body: AssignIn) -> Any:
    def run(found: ServiceOrder) -> ServiceOrder:
        helper = queries.helper_for_assignment(found, body.helper_id)
        if helper is None:
            raise actions.ServiceError("只能派给本街道在队的服务队员", "helper_id")
        return actions.order_assign(order=found, actor=request.user, helper=helper, note=body.note)

    return _act(request, order_id, run)


@router.post("/orders/{order_id}/accept", response=RESPONSES, url_name="service_accept")
def accept(request: HttpRequest, order_id: int) -> Any:
    return _act(request, order_id, lambda o: actions.order_accept(order=o, actor=request.user))


@router.post("/orders/{order_id}/decline", response=RESPONSES, url_name="service_decline")
def decline(request: HttpRequest, order_id: int, body: ReasonIn) -> Any:
    return _act(
        request, order_id, lambda o: actions.order_decline(order=o, actor=request.user, reason=body.reason)
    )


@router.post("/orders/{order_id}/rate", response=RESPONSES, url_name="service_rate")
def rate(request: HttpRequest, order_id: int, body: RateIn) -> Any:
    return _act(
        request,
        order_id,
        lambda o: actions.order_rate(order=o, actor=request.user, stars=body.stars, comment=body.comment),
    )


@router.get("/wishes/wall", response=list[WishOut], auth=None, url_name="service_wall")
def wall(request: HttpRequest, community: str = "") -> Any:
    """The public wish wall: no person, no address finer than the community."""
    return [
        {
            "id": w.pk,
            "title": w.title,
            "story": w.story,
            "group": w.group,
            "urgency": w.urgency,
            "due_on": w.due_on,
            "budget": float(w.budget),
            "status": w.status,
            "community": w.community.name,
        }
        for w in queries.wall_rows(community)[:200]
    ]
