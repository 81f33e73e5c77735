"""Pages: hot issues per street/community and month (printable, XLSX), and the JSON the resident
submit page calls for "already reported" and "me too"."""

import math
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongzhi.appeals.models import Category
from gongzhi.core import spreadsheets
from gongzhi.core.errors import Refusal
from gongzhi.hotissues import actions, duplicates, queries


def _float(value: str | None) -> float | None:
    try:
        f = float(value or "")
    except ValueError:
        return None
    return f if math.isfinite(f) else None


def labels() -> dict[str, str]:
    """The texts similar.js shows, in the request's language (the script has no catalogue)."""
    return {
        "heading": _("已有人反映过类似问题 — 关注它"),
        "supports": _("附议"),
        "me_too": _("附议"),
        "supported": _("已附议"),
        "failed": _("附议失败,请稍后再试"),
    }


def suggestions_payload(request: HttpRequest) -> dict[str, Any]:
    """Similar open appeals near the draft's pin or, without a pin, near the compound/building
    its address names."""
    lon, lat = _float(request.GET.get("lon")), _float(request.GET.get("lat"))
    text = (request.GET.get("text") or "")[:2000]
    if lon is None or lat is None:
        point = duplicates.address_point(request.GET.get("address") or "")
        if point is not None:
            lon, lat = point
    if lon is None or lat is None or not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return {"results": [], "labels": labels()}
    category = None
    if (request.GET.get("category") or "").isdigit():
        category = Category.objects.filter(pk=int(request.GET["category"])).first()
    found = duplicates.similar_appeals(actor=request.user, text=text, lon=lon, lat=lat, category=category)
    return {
        "results": [
            {
                "id": s.appeal_id,
                "title": s.title,
                "status": s.status_label,
                "distance_m": s.distance_m,
                "score": s.score,
                "supports": s.supports,
                **({"number": s.number} if s.number else {}),
            }
            for s in found
        ],
        "labels": labels(),
    }


@require_GET
@login_required
def similar(request: HttpRequest) -> JsonResponse:
    return JsonResponse(suggestions_payload(request))


@require_POST
@login_required
def support(request: HttpRequest, appeal_id: int) -> JsonResponse:
    try:
        _, count = actions.support_add(actor=request.user, appeal_id=appeal_id)
    except Refusal as exc:  # similar.js reads JSON: no redirect back, unlike a page's refusal
        return JsonResponse(exc.as_json(), status=exc.status_code)
    return JsonResponse({"ok": True, "supports": count})


@login_required
def hot(request: HttpRequest) -> HttpResponse:
    node_id = request.GET.get("node")
    if node_id is not None and not node_id.isdigit():
        raise Http404
    node = queries.territory_for(request.user, int(node_id) if node_id else None)
    issues, month = queries.hot_issues(actor=request.user, node=node, month=request.GET.get("month", ""))
    if request.GET.get("format") == "xlsx":
        return _xlsx(node.name, month, issues)
    return render(request, "hotissues/hot.html", {"node": node, "month": month, "issues": issues})


def _xlsx(place: str, month: str, issues: list[Any]) -> HttpResponse:
    wb = spreadsheets.new_workbook()
    ws = wb.active
    ws.title = "每月一题"
    spreadsheets.append_row(ws, [f"{place} {month} 每月一题"])
    spreadsheets.append_row(ws, ["排名", "热点", "诉求数", "居民数", "附议", "热度", "起", "止", "趋势"])
    for rank, h in enumerate(issues, 1):
        # h.title is a resident's words: append_row keeps "=HYPERLINK(…)" text, not a formula
        spreadsheets.append_row(
            ws,
            [
                rank,
                h.title,
                h.count,
                h.residents,
                h.supports,
                h.score,
                h.first.date().isoformat(),
                h.last.date().isoformat(),
                h.trend,
            ],
        )
    response = HttpResponse(
        spreadsheets.workbook_bytes(wb),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="hot-{month}.xlsx"'
    return response
