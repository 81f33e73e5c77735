"""Ledger API: preview an upload, confirm or cancel one's own batch, export, blank templates.
Without the import capability, or for someone else's batch, every answer is 404."""

import datetime
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from gongzhi.ledgers.access import access_batch, require_importer, require_kind
from gongzhi.ledgers.actions import batch_cancel, batch_confirm, batch_preview
from gongzhi.ledgers.exports import export_download, template_download
from gongzhi.ledgers.models import ImportBatch
from gongzhi.ledgers.parsing import MAX_BYTES, BadUpload

router = Router(tags=["台账"])


class RowErrorOut(Schema):
    row: int
    column: str
    reason: str


class BatchOut(Schema):
    id: int
    kind: str
    status: str
    filename: str
    file_format: str
    sha256: str
    total_rows: int
    new_rows: int
    updated_rows: int
    unchanged_rows: int
    error_rows: int
    error_count: int
    errors: list[RowErrorOut]
    ignored_columns: list[str]
    result: dict[str, int]
    created_at: datetime.datetime
    finished_at: datetime.datetime | None

    @staticmethod
    def resolve_errors(batch: ImportBatch) -> list[dict[str, Any]]:
        return [{"row": r, "column": c, "reason": reason} for r, c, reason in batch.errors]


class ConfirmIn(Schema):
    valid_rows_only: bool = False


class ProblemOut(Schema):
    detail: str
    errors: list[RowErrorOut] = []


@router.post("/{kind}/preview", response={201: BatchOut, 400: ProblemOut})
def preview(request: HttpRequest, kind: str, file: File[UploadedFile]) -> Status[Any]:
    """Parse and validate every row; nothing is imported. The batch id is used to confirm."""
    require_importer(request.user)
    require_kind(kind)
    if file.size is not None and file.size > MAX_BYTES:  # checked before reading the body into memory
        raise BadUpload(_("文件超过10MB,请分批导入"))
    return Status(
        201, batch_preview(actor=request.user, kind=kind, filename=file.name or "", content=file.read())
    )


@router.get("/batches/{batch_id}", response=BatchOut)
def batch_detail(request: HttpRequest, batch_id: int) -> ImportBatch:
    return access_batch(request.user, batch_id)


@router.post("/batches/{batch_id}/confirm", response={200: BatchOut, 409: ProblemOut})
def confirm(request: HttpRequest, batch_id: int, body: ConfirmIn) -> ImportBatch:
    """All rows, or with valid_rows_only=true only the rows without errors. 409 when the file has
    errors and valid_rows_only is false (nothing is written, the row errors come with it), or the
    batch is already finished."""
    return batch_confirm(actor=request.user, batch_id=batch_id, valid_rows_only=body.valid_rows_only)


@router.post("/batches/{batch_id}/cancel", response={200: BatchOut, 409: ProblemOut})
def cancel(request: HttpRequest, batch_id: int) -> ImportBatch:
    return batch_cancel(actor=request.user, batch_id=batch_id)


@router.get("/{kind}/export")
def export(request: HttpRequest, kind: str) -> FileResponse:
    """Masked XLSX of the ledger in the caller's area; audited."""
    return export_download(actor=request.user, kind=kind)


@router.get("/{kind}/template")
def template(request: HttpRequest, kind: str) -> HttpResponse:
    return template_download(actor=request.user, kind=kind)
