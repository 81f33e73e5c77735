"""Service orders: the resident's phone page (点单, 我的服务单, 评单), the staff work list and
assignment with suggestions (派单), the helper's tasks (接单/拒单/办单), evidence photos served
through the order's access check, and conversion to an appeal."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.service import actions, actions_convert, queries, queries_pages
from gongzhi.service.access import access_order, is_staff, may, may_manage
from gongzhi.service.actions import ServiceError
from gongzhi.service.models import ServiceItem, ServiceOrder
from gongzhi.service.suggest import suggest_helpers
from gongzhi.service.views_common import form_post, message_page, paginate, person_of, uploads
from gongzhi.service.workflow import ORDER_TABLE, OrderAction, OrderStatus
from gongzhi.territory.models import TerritoryNode


def _wanted(raw: str) -> datetime | None:
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise ServiceError("期望上门时间格式不正确", "wanted_at") from exc
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _building_from_qr(request: HttpRequest) -> TerritoryNode | None:
    """The building named by a poster's QR code (any signed-in person may order for it)."""
    raw = request.GET.get("building") or request.POST.get("building")
    if not raw:
        return None
    node = queries.building_by_id(raw)
    if node is None:
        raise Http404
    return node


def _item_form(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    submit: Callable[[ServiceItem], ServiceOrder],
    *,
    missing: str = "",
) -> HttpResponse:
    """GET: the form. POST: the item chosen from context["items"] goes to `submit`, then to the new
    order's page; `missing` (what the form is about was not found) answers 404 first."""

    def work() -> ServiceOrder:
        if missing:
            raise ServiceError(missing, "appeal", status=404)
        item = next((i for i in context["items"] if str(i.pk) == request.POST.get("item")), None)
        if item is None:
            raise ServiceError(_("请选择服务项目"), "item")
        return submit(item)

    return form_post(
        request, template, context, work, lambda order: redirect("service:order_detail", order.pk)
    )


@login_required
def order_new(request: HttpRequest) -> HttpResponse:
    """我要点单, on a phone."""
    person = person_of(request)
    if person is None:
        return message_page(request, _("我要点单"), _("请使用居民账号登录后点单"), 403)
    building = _building_from_qr(request)
    community = building.community() if building else queries.resident_community(person)
    items = queries.catalogue(community)
    context: dict[str, Any] = {
        "items": items,
        "community": community,
        "building": building,
        "values": request.POST,
    }
    return _item_form(
        request,
        "service/order_new.html",
        context,
        lambda item: actions.order_submit(
            actor=request.user,
            resident=person,
            item=item,
            building=building,
            description=request.POST.get("description", ""),
            wanted_at=_wanted(request.POST.get("wanted_at", "")),
        ),
    )


@login_required
def order_mine(request: HttpRequest) -> HttpResponse:
    rows = queries.own_orders(request.user, person_of(request), as_helper=False)
    return render(request, "service/order_mine.html", {"page": paginate(request, rows, 20)})


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    """The helper's orders: to accept, in service, done."""
    rows = queries.own_orders(request.user, person_of(request), as_helper=True)
    return render(request, "service/tasks.html", {"page": paginate(request, rows, 20)})


@login_required
def orders(request: HttpRequest) -> HttpResponse:
    """Staff work list, scoped to the communities where they manage service."""
    if not is_staff(request.user):
        raise Http404
    status = request.GET.get("status", "")
    rows = queries_pages.order_worklist(request.user, status)
    return render(
        request,
        "service/orders.html",
        {
            "page": paginate(request, rows, 30),
            "status": status,
            "statuses": OrderStatus.choices,
        },
    )


def _posted(name: str) -> Callable[[HttpRequest], str]:
    return lambda request: request.POST.get(name, "")


def _assign(request: HttpRequest, order: ServiceOrder) -> Any:
    raw = request.POST.get("helper", "")
    if not raw.isdigit():
        raise ServiceError("请选择服务队员", "helper")
    helper = queries.helper_for_assignment(order, int(raw))
    if helper is None:
        raise ServiceError("只能派给本街道在队的服务队员", "helper")
    return actions.order_assign(
        order=order, actor=request.user, helper=helper, note=request.POST.get("note", "")
    )


def _fulfil(request: HttpRequest, order: ServiceOrder) -> Any:
    return actions.order_fulfil(
        order=order,
        actor=request.user,
        note=request.POST.get("note", ""),
        photos=uploads(request),
        hours=request.POST.get("hours", ""),
    )


def _rate(request: HttpRequest, order: ServiceOrder) -> Any:
    raw = request.POST.get("stars", "")
    return actions.order_rate(
        order=order,
        actor=request.user,
        stars=int(raw) if raw.isdigit() else 0,
        comment=request.POST.get("comment", ""),
    )


def _with(action: Callable[..., Any], **fields: Callable[[HttpRequest], str]) -> Callable[..., Any]:
    """An action called with the order, the signed-in user and the named POST fields."""
    return lambda request, order: action(
        order=order, actor=request.user, **{name: read(request) for name, read in fields.items()}
    )


# Every move on an order from its page, in the order the panels show: one POST view runs them.
ORDER_MOVES: dict[str, Callable[[HttpRequest, ServiceOrder], Any]] = {
    OrderAction.ASSIGN: _assign,
    OrderAction.ACCEPT: _with(actions.order_accept),
    OrderAction.DECLINE: _with(actions.order_decline, reason=_posted("reason")),
    OrderAction.FULFIL: _fulfil,
    OrderAction.RATE: _rate,
    OrderAction.CLOSE: _with(actions.order_close, note=_posted("note")),
    OrderAction.CANCEL: _with(actions.order_cancel, reason=_posted("reason")),
    OrderAction.CONVERT: _with(actions_convert.order_to_appeal, reason=_posted("reason")),
}


def _panels(request: HttpRequest, order: ServiceOrder) -> dict[str, Any]:
    actor = request.user
    context: dict[str, Any] = {
        "staff_view": may_manage(actor, order.path),
        "panels": {
            str(action)
            for action in ORDER_MOVES
            if ORDER_TABLE.allows(order.status, action) and may(actor, order, action)
        },
    }
    if "assign" in context["panels"]:
        suggestions = suggest_helpers(order)
        by_id = queries.helpers_by_id([s.helper_id for s in suggestions])
        context["suggestions"] = [(s, by_id[s.helper_id]) for s in suggestions if s.helper_id in by_id]
        context["helpers"] = queries.street_helpers(order)
    return context


@login_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = access_order(request.user, order_id)
    context = {
        "order": order,
        "events": order.events.all(),
        "evidence": order.evidence.all(),
        "stars": range(5, 0, -1),
        **_panels(request, order),
    }
    return render(request, "service/order_detail.html", context)


@login_required
@require_POST
def order_move(request: HttpRequest, order_id: int, action: str) -> HttpResponse:
    """One of ORDER_MOVES (the URL names it). A refusal goes to core.errors' page mapping: a message
    on the order's page, with its status."""
    order = access_order(request.user, order_id)
    ORDER_MOVES[action](request, order)
    return redirect("service:order_detail", order.pk)


@login_required
def order_photo(request: HttpRequest, order_id: int, photo_id: int) -> FileResponse:
    order = access_order(request.user, order_id)
    photo = order.evidence.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    return FileResponse(photo.image.open("rb"), content_type=photo.content_type)


@login_required
def from_appeal(request: HttpRequest) -> HttpResponse:
    """Staff turn an appeal that is really a neighbourly service into a service order."""
    if not is_staff(request.user):
        raise Http404
    appeal = queries.appeal_for_conversion(
        request.user, request.GET.get("appeal") or request.POST.get("appeal", "")
    )
    items = queries_pages.conversion_items(request.user, appeal)
    context = {
        "appeal": appeal,
        "items": items,
        "number": request.GET.get("appeal") or request.POST.get("appeal", ""),
    }
    return _item_form(
        request,
        "service/from_appeal.html",
        context,
        lambda item: actions_convert.appeal_to_order(
            appeal=appeal, actor=request.user, item=item, note=request.POST.get("note", "")
        ),
        missing=_("找不到该诉求") if appeal is None else "",
    )
