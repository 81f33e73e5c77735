"""How views and the API reach ledger batches: only one's own, only with the import capability,
and a 404 for everything else (the same answer for "missing" and "not yours")."""

from django.http import Http404

from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.core.scoping import Scope, get_scope
from gongzhi.ledgers.models import ImportBatch, Kind
from gongzhi.ledgers.validation import CAPABILITY


def require_importer(actor: Actor) -> Scope:
    scope = get_scope(actor)
    if not scope.can(CAPABILITY):
        raise Http404
    return scope


def require_kind(kind: str) -> str:
    if kind not in Kind.values:
        raise Http404
    return kind


def access_batch(actor: Actor, batch_id: int | str, *, lock: bool = False) -> ImportBatch:
    require_importer(actor)
    rows = ImportBatch.objects.filter(actor_id=actor.pk)
    if lock:
        rows = rows.select_for_update()
    try:
        return rows.get(pk=batch_id)
    except (ValueError, TypeError) as exc:
        raise Http404 from exc
    except ImportBatch.DoesNotExist as exc:
        # someone else's batch (it holds their upload's personal data): audited like any scope
        # denial on an existing row, and answered like a missing one (issue 13 point 8)
        if ImportBatch.objects.filter(pk=batch_id).exists():
            audit.record_refusal(
                actor=actor,
                action="scope.denied",
                object_type=ImportBatch._meta.label_lower,
                object_id=str(batch_id),
                detail={"capability": "own_batch"},
            )
        raise Http404 from exc


def recent_batches(actor: Actor, limit: int = 20) -> list[ImportBatch]:
    require_importer(actor)
    return list(ImportBatch.objects.filter(actor_id=actor.pk).defer("content", "errors")[:limit])
