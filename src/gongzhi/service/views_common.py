"""Shared bits of the service pages: the signed-in person, uploads, and re-rendering a form with a
refusal's message and status (400 bad input, 403 wrong role, 409 state moved on). A view that has no
form to re-render lets the refusal go to core.errors.RefusalPageMiddleware (a message on the page the
POST came from)."""

from collections.abc import Callable
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongzhi.appeals.intake import MAX_PHOTO_BYTES
from gongzhi.core.errors import Refusal
from gongzhi.service.actions import MAX_EVIDENCE_PHOTOS, ServiceError, Upload


def person_of(request: HttpRequest) -> Any:
    return getattr(request.user, "person", None) if request.user.is_authenticated else None


def uploads(request: HttpRequest, name: str = "photos") -> list[Upload]:
    files = request.FILES.getlist(name)
    if len(files) > MAX_EVIDENCE_PHOTOS:
        raise ServiceError(f"最多上传{MAX_EVIDENCE_PHOTOS}张照片", name)
    result = []
    for upload in files:
        if upload.size and upload.size > MAX_PHOTO_BYTES:  # refuse before reading it into memory
            raise ServiceError(f"照片“{upload.name}”超过10MB", name)
        result.append(Upload(name=upload.name or "photo", content=upload.read()))
    return result


def form_post(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    work: Callable[[], Any],
    done: Callable[[Any], HttpResponse],
) -> HttpResponse:
    """A page with a form. GET: the page; POST: `work()`, then `done(result)` (a redirect). A refusal
    re-renders the form with the user's input (context["values"]), the message and its status."""
    if request.method != "POST":
        return render(request, template, context)
    try:
        result = work()
    except Refusal as exc:  # re-renders the form with the user's input
        return render(request, template, {**context, "error": exc.message}, status=exc.status_code)
    return done(result)


def message_page(request: HttpRequest, title: str, text: str, status: int) -> HttpResponse:
    return render(request, "service/message.html", {"title": title, "text": text}, status=status)


def paginate(request: HttpRequest, rows: Any, per_page: int) -> Page:
    return Paginator(rows, per_page).get_page(request.GET.get("page"))
