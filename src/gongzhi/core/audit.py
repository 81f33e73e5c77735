"""Writing the audit log. Every action calls one of these inside its own transaction, so the audit
row and the change commit (or roll back) together."""

from typing import Any

from django.db import models

from gongzhi.core.models import AuditEntry


def actor_label(actor: Any) -> str:
    if actor is None:
        return "系统"
    # Token callers arrive with their person's name already read (accounts.api_auth), sparing a query.
    name = actor.__dict__.get("audit_person_name") if hasattr(actor, "__dict__") else None
    if name is None:
        person = getattr(actor, "person", None)
        name = getattr(person, "name", "") if person is not None else ""
    username = getattr(actor, "username", "") or ""
    return f"{name}({username})" if name and username else (name or username or str(actor.pk))


def record(
    *,
    actor: Any,
    kind: str,
    action: str,
    obj: models.Model | None = None,
    object_label: str = "",
    scope_path: str = "",
    fields: list[str] | None = None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label(actor),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=(object_label or (str(obj) if obj is not None else ""))[:200],
        scope_path=scope_path,
        fields=fields or [],
        reason=reason[:300],
        detail=detail or {},
        ip=ip,
    )


def record_write(*, actor: Any, action: str, obj: models.Model | None = None, **kwargs: Any) -> AuditEntry:
    return record(actor=actor, kind=AuditEntry.Kind.WRITE, action=action, obj=obj, **kwargs)
