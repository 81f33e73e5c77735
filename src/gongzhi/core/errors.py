"""One refusal type for every app (issue 14 step 4, decision 0045).

An action refuses by raising a `Refusal` (or a subclass): it carries the HTTP status that fits and a
message in the user's language. It is mapped to a response in two places only:

- the API: `GongzhiAPI` registers `api_refusal` for `Refusal`, answering `{"detail": …}` (plus
  `details` when the refusal lists them) with the refusal's status;
- pages: `RefusalPageMiddleware` turns a refusal a view let through into a flash message and a
  redirect back to the page the form was on (a POST from our own pages), or a small page with the
  refusal's status (anything else).

So a view calls the action and lets the refusal go; it catches one only to re-render a form with the
message beside the fields the user filled in.
"""

from typing import Any, ClassVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _


class Refusal(Exception):
    """An action will not do what was asked. `status_code`: 400 bad input, 403 not allowed,
    404 not found (or out of scope), 409 not now (state, a race lost), 422 input that breaks a rule,
    429 too many tries."""

    status_code: ClassVar[int] = 409
    default_message: ClassVar[Any] = _("无法完成此操作")

    def __init__(
        self, message: object = None, *, status: int | None = None, details: list[str] | None = None
    ):
        self.message = str(message if message is not None else self.default_message)
        super().__init__(self.message)
        if status is not None:
            self.status_code = status  # type: ignore[misc]  # per instance where one class has several
        self.details = [str(d) for d in details or []]

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"detail": self.message}
        if self.details:
            body["details"] = self.details
        return body


class BadInput(Refusal):
    status_code = 400
    default_message = _("请检查填写的内容")


class FieldRefusal(BadInput):
    """Bad input in one named form field; the API answers `{"detail": …, "field": …}`."""

    def __init__(self, message: object, field: str = "", *, status: int | None = None) -> None:
        self.field = field
        super().__init__(message, status=status)

    def as_json(self) -> dict[str, Any]:
        return {**super().as_json(), "field": self.field}


class NotAllowed(Refusal):
    status_code = 403
    default_message = _("没有权限")


class NotFound(Refusal):
    status_code = 404
    default_message = _("未找到")


class Conflict(Refusal):
    status_code = 409


class RuleBroken(Refusal):
    status_code = 422


class TooMany(Refusal):
    status_code = 429
    default_message = _("尝试次数过多,请稍后再试")


def api_refusal(api: Any, request: HttpRequest, exc: Refusal) -> HttpResponse:
    response: HttpResponse = api.create_response(request, exc.as_json(), status=exc.status_code)
    return response


def _back(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.headers.get("referer") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


class RefusalPageMiddleware:
    """Pages: a refusal a view did not handle becomes a message on the page the user came from."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        return response

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, Refusal) or request.path.startswith("/api/"):
            return None
        back = _back(request) if request.method == "POST" and not request.headers.get("HX-Request") else None
        if back:
            messages.error(request, exc.message)
            return HttpResponseRedirect(back)
        context = {"refusal": exc, "back": _back(request)}
        return render(request, "core/refused.html", context, status=exc.status_code)
