"""Resident pages: my points (balance, history, catalogue, redeem), my pickup codes with QR."""

import uuid

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from gongzhi.core.errors import Refusal
from gongzhi.core.scoping import get_scope
from gongzhi.points import actions_redemption, queries
from gongzhi.points.access import (
    access_item_to_redeem,
    access_own_redemption,
    catalogue_for,
    own_account,
)
from gongzhi.points.actions import PointsRefused

HISTORY_LINES = 20


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """My points; staff and counter staff also see their tools' links."""
    return _index_page(request)


def _index_page(request: HttpRequest, status: int = 200) -> HttpResponse:
    scope = get_scope(request.user)
    person = request.user.person if request.user.person_id else None
    context: dict = {
        "can_manage": scope.can("manage_points"),
        "can_verify": scope.is_global or scope.can("verify_redemptions"),
        "person": person,
    }
    if person is not None:
        account = own_account(request.user)
        context.update(
            account=account,
            balance=account.balance if account else 0,
            history=queries.recent_lines(account, HISTORY_LINES) if account else [],
            items=catalogue_for(person),
            redemptions=queries.own_redemptions(person, 20),
            # a fresh key per rendering: submitting the same form twice is one redemption
            idempotency_key=uuid.uuid4().hex,
        )
    return render(request, "points/index.html", context, status=status)


@require_POST
@login_required
def redeem(request: HttpRequest, item_id: int) -> HttpResponse:
    item = access_item_to_redeem(request.user, item_id)
    raw_quantity = request.POST.get("quantity", "1")
    key = (request.POST.get("idempotency_key") or "")[:64] or None
    try:
        quantity = int(raw_quantity)
        result = actions_redemption.redeem(
            person=request.user.person, item=item, quantity=quantity, idempotency_key=key
        )
    except ValueError:
        return _index_with_error(request, gettext("数量须为整数"), status=400)
    except PointsRefused as exc:  # the catalogue page again, with the message and the refusal's status
        return _index_with_error(request, exc.message, status=exc.status_code)
    return redirect("points:redemption", redemption_id=result.redemption.pk)


def _index_with_error(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    messages.error(request, message)
    return _index_page(request, status)


def qr_svg(code: str) -> str:
    """The pickup code as an inline SVG QR code (segno; no external service, nothing loaded)."""
    return segno.make(code, error="m").svg_inline(scale=6, border=2, title=code)


@require_GET
@login_required
def redemption_detail(request: HttpRequest, redemption_id: int) -> HttpResponse:
    found = access_own_redemption(request.user, redemption_id)
    return render(
        request,
        "points/redemption.html",
        {"redemption": found, "qr": mark_safe(qr_svg(found.code)) if found.is_open else ""},  # noqa: S308 - segno output, digits only
    )


@require_POST
@login_required
def redemption_cancel(request: HttpRequest, redemption_id: int) -> HttpResponse:
    found = access_own_redemption(request.user, redemption_id)
    try:
        actions_redemption.cancel(redemption=found, actor=request.user, reason=gettext("居民取消"))
        messages.success(request, gettext("已取消兑换,积分已退还"))
    except Refusal as exc:  # back to the redemption's page whatever the outcome (not the page mapping's)
        messages.error(request, exc.message)
    return redirect("points:redemption", redemption_id=found.pk)
