"""Reads of the audit log, scoped: global admins see everything; others their subtrees only."""

import datetime

from django.db.models import Q, QuerySet

from gongzhi.core.actors import Actor
from gongzhi.core.models import AuditEntry
from gongzhi.core.scoping import get_scope


def audit_visible_to(actor: Actor) -> QuerySet[AuditEntry]:
    scope = get_scope(actor)
    if scope.is_global:
        return AuditEntry.objects.all()
    paths = scope.paths_for("view_audit")
    condition = Q(pk__in=[])
    for p in paths:
        condition |= Q(scope_path__startswith=p)
    return AuditEntry.objects.filter(condition)


def audit_search(
    actor: Actor,
    *,
    actor_label: str = "",
    object_type: str = "",
    object_id: str = "",
    kind: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    wanted = {
        "actor_label__icontains": actor_label,
        "object_type": object_type,
        "object_id": object_id,
        "kind": kind,
        "at__date__gte": since,
        "at__date__lte": until,
    }
    return audit_visible_to(actor).filter(**{lookup: value for lookup, value in wanted.items() if value})
