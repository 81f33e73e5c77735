"""How views and the API reach ledger batches: only one's own, only with the import capability,
and a 404 for everything else (the same answer for "missing" and "not yours")."""

from typing import Any

from django.http import Http404

from gongzhi.core.scoping import Scope, get_scope
from gongzhi.ledgers.models import ImportBatch, Kind
from gongzhi.ledgers.validation import CAPABILITY


def require_importer(actor: Any) -> Scope:
    scope = get_scope(actor)
    if not scope.can(CAPABILITY):
        raise Http404
    return scope


def require_kind(kind: str) -> str:
    if kind not in Kind.values:
        raise Http404
    return kind


def access_batch(actor: Any, batch_id: int | str, *, lock: bool = False) -> ImportBatch:
    require_importer(actor)
    rows = ImportBatch.objects.filter(actor_id=actor.pk)
    if lock:
        rows = rows.select_for_update()
    try:
        return rows.get(pk=batch_id)
    except (ImportBatch.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def recent_batches(actor: Any, limit: int = 20) -> list[ImportBatch]:
    require_importer(actor)
    return list(ImportBatch.objects.filter(actor_id=actor.pk).defer("content", "errors")[:limit])
