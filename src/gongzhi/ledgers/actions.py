"""Every write of a ledger import: preview (parse, validate, keep the file, audit the look-up),
confirm (write the rows, audit), cancel. Preview writes nothing but the batch and its audit row."""

import base64
import datetime
import hashlib
from collections.abc import Callable
from types import ModuleType

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit, crypto, lifecycle
from gongzhi.core.actors import Actor
from gongzhi.core.errors import Conflict
from gongzhi.core.models import AuditEntry
from gongzhi.core.scoping import get_scope
from gongzhi.ledgers import actions_rows, buildings, organisations, party, residents
from gongzhi.ledgers.access import access_batch, require_importer, require_kind
from gongzhi.ledgers.errors import WithRowErrors
from gongzhi.ledgers.models import BATCH_TABLE, ImportBatch, Kind, Status
from gongzhi.ledgers.parsing import read_table
from gongzhi.ledgers.validation import Plan, scope_root

KINDS: dict[str, ModuleType] = {  # each kind's module reads and checks (validate)
    Kind.RESIDENTS: residents,
    Kind.PARTY_MEMBERS: party,
    Kind.BUILDINGS: buildings,
    Kind.ORGANISATIONS: organisations,
}
WRITERS: dict[str, Callable[[Actor, Plan], dict[str, int]]] = {  # and actions_rows writes
    Kind.RESIDENTS: actions_rows.write_residents,
    Kind.PARTY_MEMBERS: actions_rows.write_party,
    Kind.BUILDINGS: actions_rows.write_buildings,
    Kind.ORGANISATIONS: actions_rows.write_organisations,
}
STORED_ERRORS = 1000  # the preview page shows these; the count is always exact


class InvalidTransition(WithRowErrors, lifecycle.InvalidTransition):
    """The batch is finished (409); the ledgers' own wording."""

    def __init__(self, batch: ImportBatch, to: str) -> None:
        Conflict.__init__(self, _("该批次%(status)s,不能再操作") % {"status": batch.get_status_display()})
        self.status, self.action = batch.status, to
        self.batch, self.to = batch, to


class ImportHasErrors(WithRowErrors, Conflict):
    """The file has row errors and the user did not choose to import only the valid rows (409, with
    the first thousand row errors in the API's answer)."""

    def __init__(self, plan: Plan) -> None:
        rows = len(plan.error_rows)
        super().__init__(
            _("文件有%(rows)d行错误,未导入任何数据。请修改后重新上传,或选择“只导入无误的行”。")
            % {"rows": rows}
        )
        self.plan = plan
        self.row_errors = plan.errors[:STORED_ERRORS]


class ImportConflict(WithRowErrors, Conflict):
    def __init__(self) -> None:
        super().__init__(_("导入时数据被他人同时修改,未导入任何数据,请重新上传预览"))


def batch_preview(*, actor: Actor, kind: str, filename: str, content: bytes) -> ImportBatch:
    """Validate every row and keep the file (encrypted) for the confirm step."""
    require_importer(actor)
    require_kind(kind)
    table = read_table(kind, filename, content)
    plan = KINDS[kind].validate(actor, table)
    counts = plan.counts()
    with transaction.atomic():  # the writes only: validation above takes no write lock
        batch = ImportBatch.objects.create(
            kind=kind,
            actor_id=actor.pk,
            scope_path=scope_root(get_scope(actor)),
            filename=filename[-200:],
            file_format=table.file_format,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            # The file holds plaintext ID numbers: at rest it is Fernet ciphertext like any ID number.
            content=crypto.encrypt(base64.b64encode(content).decode()),
            total_rows=counts["total"],
            new_rows=counts["new"],
            updated_rows=counts["updated"],
            unchanged_rows=counts["unchanged"],
            error_rows=counts["error_rows"],
            error_count=counts["errors"],
            errors=[[e.row, e.column, e.reason] for e in plan.errors[:STORED_ERRORS]],
            ignored_columns=table.ignored,
        )
        # A preview matches every ID number in the file against the register: a look-up, audited like
        # one, with how many rows named someone registered outside the actor's area (decision 0039).
        audit.record(
            actor=actor,
            kind=AuditEntry.Kind.LOOKUP,
            action="ledger.preview",
            obj=batch,
            scope_path=batch.scope_path,
            detail={"kind": kind, "sha256": batch.sha256, **counts, "held_elsewhere": plan.held_elsewhere},
        )
    return batch


def _move(batch: ImportBatch, to: str) -> None:
    if not BATCH_TABLE.allows(batch.status, to):
        raise InvalidTransition(batch, to)
    batch.status = to
    batch.finished_at = timezone.now()
    batch.content = ""  # data minimisation: the file is not needed once the batch is finished


@transaction.atomic
def batch_confirm(*, actor: Actor, batch_id: int | str, valid_rows_only: bool = False) -> ImportBatch:
    """Re-validate the stored file against the database as it is now and write it in one transaction.
    All or nothing unless `valid_rows_only`; re-importing the same file changes nothing."""
    batch = access_batch(actor, batch_id, lock=True)
    if not BATCH_TABLE.allows(batch.status, Status.IMPORTED):
        raise InvalidTransition(batch, Status.IMPORTED)
    content = base64.b64decode(crypto.decrypt(batch.content))
    plan = KINDS[batch.kind].validate(actor, read_table(batch.kind, batch.filename, content))
    if plan.errors and not valid_rows_only:
        raise ImportHasErrors(plan)
    try:
        result = WRITERS[batch.kind](actor, plan)
    except IntegrityError as exc:  # a concurrent import won a unique key we planned to insert
        raise ImportConflict() from exc
    result["skipped_error_rows"] = len(plan.error_rows)
    _move(batch, Status.IMPORTED)
    batch.valid_rows_only = valid_rows_only
    batch.result = result
    batch.save()
    audit.record_write(
        actor=actor,
        action="ledger.import",
        obj=batch,
        scope_path=batch.scope_path,
        detail={
            "kind": batch.kind,
            "sha256": batch.sha256,
            "rows": plan.total,
            "valid_rows_only": valid_rows_only,
            **result,
        },
    )
    return batch


@transaction.atomic
def batch_cancel(*, actor: Actor, batch_id: int | str) -> ImportBatch:
    batch = access_batch(actor, batch_id, lock=True)
    _cancel(batch, actor=actor, action="ledger.cancel")
    return batch


def _cancel(batch: ImportBatch, *, actor: Actor | None, action: str) -> None:
    """Cancelled, its file dropped, audited (by its owner, or by the purge: no actor)."""
    _move(batch, Status.CANCELLED)
    batch.save()
    audit.record_write(
        actor=actor, action=action, obj=batch, scope_path=batch.scope_path, detail={"kind": batch.kind}
    )


def purge_stale_previews(*, older_than: datetime.timedelta = datetime.timedelta(days=7)) -> int:
    """Cancel previews nobody confirmed or cancelled, dropping their encrypted files."""
    cutoff = timezone.now() - older_than
    stale = ImportBatch.objects.filter(status=Status.PREVIEWED, created_at__lt=cutoff).values_list(
        "pk", flat=True
    )
    count = 0
    for pk in list(stale):
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().get(pk=pk)
            if batch.status != Status.PREVIEWED:  # confirmed or cancelled meanwhile
                continue
            _cancel(batch, actor=None, action="ledger.expire")
            count += 1
    return count


def ledger_import(
    *, actor: Actor, kind: str, filename: str, content: bytes, valid_rows_only: bool = False
) -> ImportBatch:
    """Preview and confirm in one call (command line, benchmark)."""
    batch = batch_preview(actor=actor, kind=kind, filename=filename, content=content)
    return batch_confirm(actor=actor, batch_id=batch.pk, valid_rows_only=valid_rows_only)
