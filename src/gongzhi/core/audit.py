"""Writing the audit log. Every action calls one of these inside its own transaction, so the audit
row and the change commit (or roll back) together.

Refusals are the exception: the refusal's exception rolls back the transaction it was raised in,
and the row recording it must survive. `record_refusal` writes at once outside a transaction and
otherwise keeps the row in an outbox that `refusal_outbox` (the middleware around every request)
writes once the view has returned, outside any transaction (decision 0039)."""

import contextlib
import logging
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest, HttpResponse

from gongzhi.core.actors import Actor
from gongzhi.core.client import client_ip
from gongzhi.core.models import AuditEntry

log = logging.getLogger(__name__)
# The pending refusal rows of the current request (None: no outbox open) and the request itself
# (for the client address). Context variables: one value per request, thread or task.
_outbox: ContextVar[list[AuditEntry] | None] = ContextVar("gongzhi_refusal_outbox", default=None)
_request: ContextVar[HttpRequest | None] = ContextVar("gongzhi_audit_request", default=None)


def actor_label(actor: Actor | None) -> str:
    if actor is None:
        return "系统"
    # Token callers arrive with their person's name already read (accounts.api_auth), sparing a query.
    name = actor.__dict__.get("audit_person_name") if hasattr(actor, "__dict__") else None
    if name is None:
        person = getattr(actor, "person", None)
        name = getattr(person, "name", "") if person is not None else ""
    username = getattr(actor, "username", "") or ""
    return f"{name}({username})" if name and username else (name or username or str(actor.pk))


def _entry(
    *,
    actor: Actor | None,
    kind: str,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    scope_path: str = "",
    fields: list[str] | None = None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEntry:
    return AuditEntry(
        kind=kind,
        actor_id=getattr(actor, "pk", None),  # None for the anonymous visitor and for system jobs
        actor_label=actor_label(actor),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else object_id,
        object_label=(object_label or (str(obj) if obj is not None else ""))[:200],
        scope_path=scope_path,
        fields=fields or [],
        reason=reason[:300],
        detail=detail or {},
        ip=ip,
    )


def record_write(
    *, actor: Actor | None, action: str, obj: models.Model | None = None, **kwargs: Any
) -> AuditEntry:
    return record(actor=actor, kind=AuditEntry.Kind.WRITE, action=action, obj=obj, **kwargs)


def record(*, actor: Actor | None, kind: str, action: str, **kwargs: Any) -> AuditEntry:
    """One audit row, written in the caller's transaction (it commits or rolls back with the change).
    Keywords as `_entry`: obj, object_label, scope_path, fields, reason, detail, ip."""
    entry = _entry(actor=actor, kind=kind, action=action, **kwargs)
    entry.save(force_insert=True)
    return entry


def current_ip() -> str | None:
    """The client address of the request being served, if any (for rows written deep in a call)."""
    request = _request.get()
    return client_ip(request) if request is not None else None


def record_refusal(
    *, actor: Actor | None, action: str, obj: models.Model | None = None, ip: str | None = None, **kwargs: Any
) -> AuditEntry:
    """A refusal that must outlive the exception about to be raised (which may roll back the
    surrounding transaction). Inside an atomic block with an outbox open, the row waits in the outbox;
    otherwise it is written now."""
    entry = _entry(
        actor=actor, kind=AuditEntry.Kind.REFUSAL, action=action, obj=obj, ip=ip or current_ip(), **kwargs
    )
    outbox = _outbox.get()
    if outbox is not None and transaction.get_connection().in_atomic_block:
        outbox.append(entry)
    else:
        entry.save(force_insert=True)
    return entry


@contextlib.contextmanager
def refusal_outbox(request: HttpRequest | None = None) -> Iterator[list[AuditEntry]]:
    """Collect the refusals recorded inside and write them on the way out. Nested uses share the
    outermost outbox; the outbox is dropped at the end whatever happens, so nothing carries over
    into the next request served by the same thread."""
    if _outbox.get() is not None:
        yield _outbox.get()  # type: ignore[misc]
        return
    pending: list[AuditEntry] = []
    outbox_token = _outbox.set(pending)
    request_token = _request.set(request)
    try:
        yield pending
    finally:
        _outbox.reset(outbox_token)
        _request.reset(request_token)
        _flush(pending)


def _flush(pending: list[AuditEntry]) -> None:
    if not pending:
        return
    try:
        # Outside the view's transactions by now; atomic() keeps the rows all-or-nothing.
        with transaction.atomic():
            AuditEntry.objects.bulk_create(pending)
    except Exception:  # the response is already decided: log, never turn it into a 500
        log.exception("could not write %d refusal audit rows", len(pending))
    finally:
        pending.clear()


class RefusalAuditMiddleware:
    """Writes the refusal rows a request left in its outbox after the view returned."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with refusal_outbox(request):
            return self.get_response(request)
