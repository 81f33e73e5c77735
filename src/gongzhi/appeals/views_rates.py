"""The three rates page (ranking + chart) and the rating-exclusion workflow. Thin: reads in
rates.py / whistles.py, writes through whistles.exclusion_request / exclusion_decide."""

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongzhi.accounts.access import signed_in
from gongzhi.appeals import actions_whistles, rates, whistles
from gongzhi.appeals.views_common import act_and_tell

LEVEL_LABELS = {"department": "承办部门", "community": "社区", "street": "街道"}
MAX_DAYS = 366 * 3


def _period(request: HttpRequest) -> tuple[datetime.date, datetime.date]:
    start, end = rates.default_period()
    try:
        start = datetime.date.fromisoformat(request.GET.get("start") or start.isoformat())
        end = datetime.date.fromisoformat(request.GET.get("end") or end.isoformat())
    except ValueError:
        start, end = rates.default_period()
    if end < start:
        start, end = end, start
    return max(start, end - datetime.timedelta(days=MAX_DAYS)), end


def as_float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _chart(table: rates.RateTable) -> dict[str, Any]:
    rows = table.rows[:20]
    return {
        "names": [r.name for r in rows],
        "series": [
            {"name": _("响应率"), "data": [as_float(r.response) for r in rows]},
            {"name": _("解决率"), "data": [as_float(r.resolution) for r in rows]},
            {"name": _("满意率"), "data": [as_float(r.satisfaction) for r in rows]},
        ],
    }


@login_required
@require_GET
def rates_page(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("level", "department")
    if level not in rates.LEVELS:
        level = "department"
    start, end = _period(request)
    table = rates.rates(request.user, level=level, start=start, end=end)
    context = {
        "table": table,
        "level": level,
        "levels": [(k, _(v)) for k, v in LEVEL_LABELS.items()],
        "level_label": _(LEVEL_LABELS[level]),
        "chart": _chart(table),
        "start": start,
        "end": end,
        "pending": whistles.pending_exclusions(request.user).count(),
    }
    return render(request, "appeals/rates.html", context)


@login_required
def exclusions(request: HttpRequest) -> HttpResponse:
    context = {
        "pending": whistles.pending_exclusions(request.user),
        "ratings": whistles.excludable_ratings(request.user),
    }
    return render(request, "appeals/rates_exclusions.html", context)


@login_required
@require_POST
def exclusion_request(request: HttpRequest, rating_id: int) -> HttpResponse:
    rating = whistles.access_excludable_rating(request.user, rating_id)
    reason = request.POST.get("reason", "")
    act_and_tell(
        request,
        lambda: actions_whistles.exclusion_request(actor=signed_in(request), rating=rating, reason=reason),
        _("已提交剔除申请,待街道审批"),
    )
    return redirect("appeals:rates_exclusions")


@login_required
@require_POST
def exclusion_decide(request: HttpRequest, exclusion_id: int) -> HttpResponse:
    exclusion = whistles.access_exclusion(request.user, exclusion_id)
    approve = request.POST.get("decision") == "approve"
    act_and_tell(
        request,
        lambda: actions_whistles.exclusion_decide(
            actor=signed_in(request), exclusion=exclusion, approve=approve
        ),
        _("已审批"),
    )
    return redirect("appeals:rates_exclusions")
