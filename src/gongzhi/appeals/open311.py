"""Open311 GeoReport v2 under /open311/v2/ (JSON only; decision 0008).

Services are our level-3 categories (service_code = category id, group = the level-1 name).
Requests are appeals: service_request_id = the appeal number; status "open" for the open states,
"closed" for the rest. Discovery and services are public; requests need an api_key (our bearer
token) and are scoped like every other read. The key is read from the X-Api-Key header or
`Authorization: Bearer`, else from the parameter the spec names (query or form); the web server's
access log leaves query strings out (docs/deploy.md), so a key in the URL is not written down. Machine
endpoints: CSRF-exempt, because they authenticate by token, never by cookie."""

import datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from gongzhi.accounts.api_auth import TokenAuth
from gongzhi.appeals.api import intake_identity, scoped_key
from gongzhi.appeals.intake import IntakeError, appeal_submit
from gongzhi.appeals.models import Appeal, Category, Channel
from gongzhi.appeals.workflow import OPEN_STATES, Status
from gongzhi.core.errors import Refusal

SPEC = "http://wiki.open311.org/GeoReport_v2"
MAX_RESULTS = 1000
DEFAULT_DAYS = 90  # the spec's default window when no dates are given
CLOSED_STATES = [s.value for s in Status if s not in OPEN_STATES]


def error(code: int, description: str) -> JsonResponse:
    return JsonResponse([{"code": code, "description": description}], status=code, safe=False)


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _iso(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def api_key(request: HttpRequest) -> str:
    """The key from the X-Api-Key header, the Authorization bearer, the form or the query, in that
    order (a header keeps it out of URLs; the parameter stays for clients that follow the spec)."""
    header = request.headers.get("X-Api-Key", "").strip()
    if header:
        return header
    scheme, _sep, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.POST.get("api_key") or request.GET.get("api_key") or ""


def _user(request: HttpRequest) -> Any:
    """The token's user (api_key from a header, the form or the query), or None. A signed-in session
    counts for reads only: these views are CSRF-exempt, so a cookie must never authorise a write."""
    key = api_key(request)
    if key:
        return TokenAuth().authenticate(request, key)
    if request.method != "GET":
        return None
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


# --- discovery and services ------------------------------------------------------------------------


@require_GET
def discovery(request: HttpRequest) -> JsonResponse:
    base = request.build_absolute_uri("/open311/v2/")
    return _json(
        {
            "changeset": "2026-11-27T00:00:00+08:00",
            "contact": "光明区政务服务数据管理局 12345",
            "key_service": "api_key 即平台接口令牌,由平台管理员签发;请放在 X-Api-Key 请求头中发送",
            "endpoints": [
                {
                    "specification": SPEC,
                    "url": base,
                    "changeset": "2026-11-27T00:00:00+08:00",
                    "type": "production",
                    "formats": ["application/json"],
                }
            ],
        }
    )


def _service(category: Category) -> dict[str, Any]:
    names = category.path.split("/")
    return {
        "service_code": str(category.pk),
        "service_name": category.name,
        "description": " › ".join(names),
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join(names),
        "group": names[0],
    }


@require_GET
def services(request: HttpRequest) -> JsonResponse:
    rows = Category.objects.filter(level=3, active=True).order_by("path")
    return _json([_service(c) for c in rows])


def _category(code: str) -> Category | None:
    if not code.isdigit():
        return None
    return Category.objects.filter(pk=int(code), level=3, active=True).first()


@require_GET
def service_definition(request: HttpRequest, code: str) -> JsonResponse:
    if _category(code) is None:
        return error(404, f"服务代码“{code}”不存在")
    return _json({"service_code": code, "attributes": []})


# --- requests ------------------------------------------------------------------------------------


def _request(appeal: Appeal) -> dict[str, Any]:
    return {
        "service_request_id": appeal.number,
        "status": "open" if appeal.status in OPEN_STATES else "closed",
        "status_notes": str(Status(appeal.status).label),
        "service_name": appeal.category.name if appeal.category else None,
        "service_code": str(appeal.category_id) if appeal.category_id else "",
        "description": appeal.text[:4000],
        "agency_responsible": appeal.department.name if appeal.department else None,
        "service_notice": None,
        "requested_datetime": _iso(appeal.created_at),
        "updated_datetime": _iso(appeal.updated_at),
        "expected_datetime": _iso(appeal.resolve_due_at),
        "address": appeal.address_text or (appeal.territory.name if appeal.territory else None),
        "address_id": None,
        "zipcode": None,
        "lat": appeal.lat,
        "long": appeal.lon,
        "media_url": None,
    }


def _visible(user: Any) -> Any:
    # newest first by id, which the primary-key index serves (created_at has no index)
    return (
        Appeal.objects.visible_to(user).select_related("category", "department", "territory").order_by("-id")
    )


def _date(value: str, name: str) -> datetime.datetime:
    parsed = parse_datetime(value.replace(" ", "+")) if value else None  # "+" arrives as a space
    if parsed is None:
        raise ValueError(f"{name}不是有效的W3C日期时间,例如 2026-11-27T08:00:00+08:00")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _list(request: HttpRequest, user: Any) -> JsonResponse:
    rows = _visible(user)
    params = request.GET
    if params.get("service_request_id"):
        rows = rows.filter(number__in=params["service_request_id"].split(","))
    else:
        try:
            end = _date(params["end_date"], "end_date") if params.get("end_date") else timezone.now()
            start = (
                _date(params["start_date"], "start_date")
                if params.get("start_date")
                else end - datetime.timedelta(days=DEFAULT_DAYS)
            )
        except ValueError as exc:
            return error(400, str(exc))
        rows = rows.filter(created_at__gte=start, created_at__lte=end)
        if params.get("service_code"):
            codes = [c for c in params["service_code"].split(",") if c.isdigit()]
            rows = rows.filter(category_id__in=codes)
        statuses = {s for s in params.get("status", "").split(",") if s}
        if statuses - {"open", "closed"}:
            return error(400, "status只能是open或closed")
        if statuses == {"open"}:
            rows = rows.filter(status__in=[s.value for s in OPEN_STATES])
        elif statuses == {"closed"}:
            rows = rows.filter(status__in=CLOSED_STATES)
    return _json([_request(a) for a in rows[:MAX_RESULTS]])


def _create(request: HttpRequest, user: Any) -> JsonResponse:
    form = request.POST
    category = _category(form.get("service_code", ""))
    if category is None:
        return error(400, "service_code缺失或不存在")
    try:
        lat = float(form["lat"]) if form.get("lat") else None
        lon = float(form["long"]) if form.get("long") else None
    except ValueError:
        return error(400, "lat和long必须是数字")
    name = (form.get("last_name", "") + form.get("first_name", "")).strip()  # 姓 then 名
    try:
        channel, submitter = intake_identity(user, None, Channel.OPEN311)
        result = appeal_submit(
            actor=user,
            channel=channel,
            submitter=submitter,
            text=form.get("description", ""),
            lon=lon,
            lat=lat,
            address_text=form.get("address_string", "")[:200],
            category=category,
            contact_name=name[:60],
            contact_phone=form.get("phone", ""),
            idempotency_key=scoped_key(user, request.headers.get("Idempotency-Key")),
        )
    except IntakeError as exc:
        return error(400, f"{exc.field}: {exc}")
    except Refusal as exc:  # Open311 answers in its own shape, [{"code", "description"}]
        return error(exc.status_code, exc.message)
    appeal = result.appeal
    notice = f"已受理,由{appeal.department.name}办理" if appeal.department else "已收到,等待社区分拨"
    body = [{"service_request_id": appeal.number, "service_notice": notice, "account_id": None}]
    return _json(body, status=201 if result.created else 200)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest) -> JsonResponse:
    user = _user(request)
    if user is None:
        return error(403, "需要有效的api_key")
    if request.method == "POST":
        return _create(request, user)
    return _list(request, user)


@csrf_exempt
@require_GET
def request_detail(request: HttpRequest, request_id: str) -> JsonResponse:
    user = _user(request)
    if user is None:
        return error(403, "需要有效的api_key")
    appeal = _visible(user).filter(Q(number=request_id)).first()
    if appeal is None:
        return error(404, f"服务请求“{request_id}”不存在")
    return _json([_request(appeal)])
