"""Refuse, for pages and API alike, input no view can store: a body over the size limit (413), and a
NUL character in the path, the query string or a posted form (400). Issue 13, decision 0041.

Django checks the size only when the body is read, deep inside a view (and ninja turned that into a
500); PostgreSQL refuses NUL in text ("A string literal cannot contain NUL"), which surfaced as 500
from every search box. Forms reject NUL already; query strings and hand-read fields did not.
Lone surrogates cannot arrive here (Django decodes URLs and forms with errors="replace"); in JSON
bodies they can, and `core.api_errors.GuardedParser` refuses them.
"""

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from gongzhi.core.api_errors import too_big_message

_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _refusal(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return HttpResponse(
            json.dumps({"detail": message}, ensure_ascii=False),
            status=status,
            content_type="application/json; charset=utf-8",
        )
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _has_nul(pairs: object) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in pairs)  # type: ignore[attr-defined]


class RefuseBadInput:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        content_type = request.content_type or ""
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        # Uploads (multipart) are streamed to disk and limited per field by Django itself.
        if limit is not None and content_type != "multipart/form-data" and _declared_length(request) > limit:
            return _refusal(request, 413, too_big_message())
        nul = "\x00" in request.path or _has_nul(request.GET.lists())
        # Forms are read here as CsrfViewMiddleware would read them; the API's forms are read by
        # ninja (core.api_errors.GuardedParser), whose upload handling stays its own.
        if (
            not nul
            and request.method == "POST"
            and content_type in _FORMS
            and not request.path.startswith("/api/")
        ):
            nul = _has_nul(request.POST.lists())
        if nul:
            return _refusal(request, 400, _("请求中含有空字符(NUL),无法处理"))
        return self.get_response(request)
