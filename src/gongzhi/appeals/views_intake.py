"""Intake pages: the resident's 我要反映, the hotline seat's 热线登记, the grid worker's 随手拍, the
success page, and photos served through the appeal's access check (never a public media URL).

Each form carries a token made when the form is rendered; it becomes the appeal's idempotency key,
so a double tap or a resend after a dropped connection returns the appeal already stored."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gongzhi.appeals import intake, queries
from gongzhi.appeals.access import access_appeal
from gongzhi.appeals.forms import HotlineForm, PatrolForm, SubmitForm, new_token
from gongzhi.appeals.intake import MAX_PHOTO_BYTES, MAX_PHOTOS, IntakeError, Photo
from gongzhi.appeals.models import Channel
from gongzhi.core.scoping import get_scope


def _key(request: HttpRequest, token: str) -> str:
    # Per account: a token copied from someone else's form cannot fetch their appeal.
    return f"web:{request.user.pk}:{token}"


def _photos(request: HttpRequest) -> list[Photo]:
    files = request.FILES.getlist("photos")
    if len(files) > MAX_PHOTOS:
        raise IntakeError("photos", f"最多上传{MAX_PHOTOS}张照片")
    photos = []
    for upload in files:
        if upload.size and upload.size > MAX_PHOTO_BYTES:  # refuse before reading it into memory
            raise IntakeError("photos", f"照片“{upload.name}”超过10MB")
        photos.append(Photo(name=upload.name or "photo", content=upload.read()))
    return photos


def _page(
    request: HttpRequest, template: str, form: Any, *, error: str = "", field: str = "", status: int = 200
) -> HttpResponse:
    area = queries.home_area(request.user)
    context = {
        "form": form,
        "error": error,
        "error_field": field,
        "area": area,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "max_photos": MAX_PHOTOS,
        "category_groups": queries.category_groups(),
    }
    return render(request, template, context, status=status)


def _refused(request: HttpRequest, template: str, form: Any) -> HttpResponse:
    return _page(request, template, form, error=form.first_error(), status=400)


def _intake(
    request: HttpRequest,
    template: str,
    form_class: type[Any],
    fields: Callable[[dict[str, Any]], dict[str, Any]],
) -> HttpResponse:
    """The one flow of the three intake pages: a blank form with a fresh token, or one appeal_submit
    with the fields the page adds (`fields(cleaned_data)`), then the success page."""
    if request.method != "POST":
        return _page(request, template, form_class(initial={"token": new_token()}))
    form = form_class(request.POST)
    if not form.is_valid():
        return _refused(request, template, form)
    data = form.cleaned_data
    try:
        result = intake.appeal_submit(
            actor=request.user,
            lon=data["lon"],
            lat=data["lat"],
            category=data["category"],
            idempotency_key=_key(request, data["token"]),
            **fields(data),
        )
    except IntakeError as exc:  # the form again, with what the user typed and the message by its field
        return _page(request, template, form, error=str(exc), field=exc.field, status=400)
    return redirect("appeals:submitted", result.appeal.pk)


@login_required
def submit(request: HttpRequest) -> HttpResponse:
    """我要反映 (resident_app)."""
    return _intake(
        request,
        "appeals/submit.html",
        SubmitForm,
        lambda data: {
            "channel": Channel.RESIDENT_APP,
            "submitter": getattr(request.user, "person", None),
            "text": data["text"],
            "address_text": data["address_text"],
            "anonymous": data["anonymous"],
            "hide_name": data["hide_name"],
            "contact_preference": data["contact_preference"],
            "photos": _photos(request),
        },
    )


@login_required
def hotline(request: HttpRequest) -> HttpResponse:
    """热线登记: a 12345 seat records a call."""
    scope = get_scope(request.user)
    if not (scope.can("report_appeals") or scope.can("dispatch_appeals")):
        raise PermissionDenied
    return _intake(
        request,
        "appeals/hotline.html",
        HotlineForm,
        lambda data: {
            "channel": Channel.HOTLINE,
            "text": data["text"],
            "address_text": data["address_text"],
            "urgency": data["urgency"],
            "contact_name": data["contact_name"],
            "contact_phone": data["contact_phone"],
            "external_id": data["external_id"] or None,
        },
    )


def _patrol_fields(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    photos = _photos(request)
    if not photos:
        raise IntakeError("photos", _("请拍照或选择至少一张照片"))
    return {
        "channel": Channel.PATROL,
        "text": data["text"] or _("网格巡查发现的问题,详见照片"),
        "photos": photos,
        "fallback_territory": queries.patrol_territory(request.user),
    }


@login_required
def patrol(request: HttpRequest) -> HttpResponse:
    """随手拍上报: photo + GPS on one screen; placed in the worker's grid when the pin says nothing."""
    if not get_scope(request.user).can("report_appeals"):
        raise PermissionDenied
    return _intake(request, "appeals/patrol.html", PatrolForm, lambda data: _patrol_fields(request, data))


@login_required
def submitted(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = access_appeal(request.user, appeal_id)
    return render(request, "appeals/submitted.html", {"appeal": appeal})


@login_required
def photo(request: HttpRequest, appeal_id: int, photo_id: int) -> FileResponse:
    found = get_object_or_404(access_appeal(request.user, appeal_id).photos, pk=photo_id)
    response = FileResponse(
        found.image.open("rb"), content_type=found.content_type or "application/octet-stream"
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
