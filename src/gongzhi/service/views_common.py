"""Shared bits of the service pages: the signed-in person, uploads, and re-rendering a form with a
refusal's message and status (400 bad input, 403 wrong role, 409 state moved on). A view that has no
form to re-render lets the refusal go to core.errors.RefusalPageMiddleware."""

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


def run_action(
    work: Callable[[], Any], page: Callable[[str, int], HttpResponse]
) -> tuple[Any, HttpResponse | None]:
    """(result, None) on success, else (None, the form re-rendered with the refusal's message and status)."""
    try:
        return work(), None
    except Refusal as exc:  # re-renders the form with the user's input
        return None, page(exc.message, exc.status_code)


def message_page(request: HttpRequest, title: str, text: str, status: int) -> HttpResponse:
    return render(request, "service/message.html", {"title": title, "text": text}, status=status)


def paginate(request: HttpRequest, rows: Any, per_page: int) -> Page:
    return Paginator(rows, per_page).get_page(request.GET.get("page"))
