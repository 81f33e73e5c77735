import datetime
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from gongzhi.core import rowsql
from gongzhi.core.queries import audit_search
from gongzhi.core.scoping import get_scope

# The home page's summary (roles, counts in one's territory, one's own record) is read from the apps
# above core; the territory app, where it lives, registers it in its AppConfig.ready() (decision 0043).
_home_summary: Callable[[Any], Any] | None = None


def set_home_summary(summary: Callable[[Any], Any]) -> None:
    """Name the function that reads the signed-in user's home summary (territory.queries.home_summary)."""
    global _home_summary
    _home_summary = summary


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if _home_summary is None:  # an empty page would tell a district officer "you have no role"
        raise ImproperlyConfigured(
            "No home summary: gongzhi.territory must be in INSTALLED_APPS (decision 0043)"
        )
    return render(request, "core/home.html", {"summary": _home_summary(request.user)})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database reachable? Task worker keeping up? Used by the reverse proxy and monitoring."""
    result: dict[str, object] = {"status": "ok"}
    try:
        rowsql.ping()
        result["database"] = {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        result["database"] = {"status": "error", "error": exc.__class__.__name__}
        result["status"] = "error"
        return JsonResponse(result, status=503)
    result["worker"] = worker_state()
    return JsonResponse(result, status=200)


def worker_state() -> dict[str, object]:
    """The db worker leaves no heartbeat of its own, so judge it by its queue: a ready task waiting
    more than two minutes means no worker is consuming."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    ready = DBTaskResult.objects.filter(status="READY", run_after__lte=now)
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    last = (
        DBTaskResult.objects.filter(finished_at__isnull=False)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    waiting = ready.count()
    stalled = oldest is not None and now - oldest > datetime.timedelta(minutes=2)
    return {
        "status": "stalled" if stalled else ("busy" if waiting else "idle"),
        "queued": waiting,
        "oldest_wait_s": round((now - oldest).total_seconds(), 1) if oldest else 0,
        "last_finished_at": last.isoformat() if last else None,
    }


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    if not (scope.is_global or scope.paths_for("view_audit")):
        raise Http404
    rows = audit_search(
        request.user,
        actor_label=request.GET.get("actor", "").strip(),
        object_type=request.GET.get("object_type", "").strip(),
        object_id=request.GET.get("object_id", "").strip(),
        kind=request.GET.get("kind", "").strip(),
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit.html", {"page": page, "q": request.GET})
