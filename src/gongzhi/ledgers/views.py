"""Ledger pages: the hub (upload, recent batches, exports, templates), the preview of one batch,
confirm and cancel. Parsing, validation and writing live in parsing/validation/actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongzhi.ledgers.access import access_batch, recent_batches, require_importer
from gongzhi.ledgers.actions import ImportHasErrors, batch_cancel, batch_confirm, batch_preview
from gongzhi.ledgers.columns import COLUMNS
from gongzhi.ledgers.exports import export_download, template_download
from gongzhi.ledgers.forms import UploadForm
from gongzhi.ledgers.models import ImportBatch, Kind
from gongzhi.ledgers.parsing import MAX_BYTES, BadUpload


def _hub(request: HttpRequest, form: UploadForm, status: int = 200) -> HttpResponse:
    kinds = [{"value": k.value, "label": k.label, "columns": COLUMNS[k.value]} for k in Kind]
    context = {"form": form, "batches": recent_batches(request.user), "kinds": kinds}
    return render(request, "ledgers/index.html", context, status=status)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    require_importer(request.user)
    return _hub(request, UploadForm(initial={"kind": request.GET.get("kind", Kind.RESIDENTS)}))


@login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    require_importer(request.user)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _hub(request, form, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_BYTES:  # checked before reading the body into memory
        form.add_error("file", _("文件超过10MB,请分批导入"))
        return _hub(request, form, status=400)
    try:
        batch = batch_preview(
            actor=request.user, kind=form.cleaned_data["kind"], filename=upload.name, content=upload.read()
        )
    except BadUpload as exc:  # the form is shown again, the message beside the file field
        form.add_error("file", str(exc))
        return _hub(request, form, status=400)
    return redirect("ledgers:batch", batch_id=batch.pk)


def _batch_page(request: HttpRequest, batch: ImportBatch, status: int = 200) -> HttpResponse:
    shown_errors = [{"row": r, "column": c, "reason": reason} for r, c, reason in batch.errors]
    context = {"batch": batch, "errors": shown_errors, "more_errors": batch.error_count - len(shown_errors)}
    return render(request, "ledgers/batch.html", context, status=status)


@login_required
@require_GET
def batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    return _batch_page(request, access_batch(request.user, batch_id))


@login_required
@require_POST
def confirm(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = access_batch(request.user, batch_id)
    try:
        batch = batch_confirm(
            actor=request.user, batch_id=batch.pk, valid_rows_only=request.POST.get("valid_rows_only") == "1"
        )
    except ImportHasErrors as exc:  # the batch page again, with its row errors and the choice (400)
        messages.error(request, str(exc))
        return _batch_page(request, batch, status=400)
    result = batch.result
    messages.success(
        request,
        _("已导入:新增%(created)d条,更新%(updated)d条,无变化%(unchanged)d条,跳过有误的%(skipped)d行")
        % {
            "created": result["created"],
            "updated": result["updated"],
            "unchanged": result["unchanged"],
            "skipped": result["skipped_error_rows"],
        },
    )
    return redirect("ledgers:batch", batch_id=batch.pk)


@login_required
@require_POST
def cancel(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch_cancel(actor=request.user, batch_id=access_batch(request.user, batch_id).pk)
    messages.success(request, _("已取消,文件已删除"))
    return redirect("ledgers:index")


@login_required
@require_GET
def export(request: HttpRequest, kind: str) -> FileResponse:
    return export_download(actor=request.user, kind=kind)


@login_required
@require_GET
def template(request: HttpRequest, kind: str) -> HttpResponse:
    return template_download(actor=request.user, kind=kind)
