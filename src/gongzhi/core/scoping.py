"""Scope: which territory subtrees an actor may see, by capability.

Every view and API handler reaches scoped rows only through `Model.objects.visible_to(actor)` or an
`access_*` helper built on it (a test enforces this). Outsiders get an empty queryset, and so a 404
that is indistinguishable from "does not exist".
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Self, cast

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.http import Http404

from gongzhi.core.actors import Actor


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    person_id: int | None
    roles: frozenset[str] = frozenset()
    is_global: bool = False
    # capability -> territory paths where the actor holds a role granting it
    paths: dict[str, tuple[str, ...]] = field(default_factory=dict)
    org_ids: frozenset[int] = frozenset()

    def can(self, capability: str, path: str | None = None) -> bool:
        if self.is_global:
            return True
        granted = self.paths.get(capability, ())
        if path is None:
            return bool(granted)
        return any(path.startswith(p) for p in granted)

    def paths_for(self, capability: str) -> tuple[str, ...]:
        return self.paths.get(capability, ())


ANONYMOUS = Scope(user_id=None, person_id=None)

# Who holds which role where is the accounts app's business (its capability table), and accounts sits
# above core: it registers the function here in its AppConfig.ready() (docs/architecture.md).
_resolver: Callable[[Any], Scope] | None = None


def set_scope_resolver(resolver: Callable[[Any], Scope]) -> None:
    """Name the function that computes a signed-in actor's scope (accounts.roles.compute_scope)."""
    global _resolver
    _resolver = resolver


def _unresolved(actor: Actor | None) -> Scope:
    # Fail loudly: answering "sees nothing" would look like a permissions bug, "sees all" would be one.
    raise ImproperlyConfigured(
        "No scope resolver: gongzhi.accounts must be in INSTALLED_APPS (decision 0043)"
    )


def get_scope(actor: Actor | None) -> Scope:
    """The actor's scope, computed once per request object and cached on it."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ANONYMOUS
    cached: Scope | None = getattr(actor, "_gongzhi_scope", None)
    if cached is not None:
        return cached
    scope = (_resolver or _unresolved)(actor)
    cast(Any, actor)._gongzhi_scope = scope  # the request's user object carries it
    store = getattr(actor, "_gongzhi_scope_store", None)  # token callers keep it a few seconds
    if store is not None:
        store(actor, scope)
    return scope


def ancestor_paths(path: str) -> list[str]:
    """'a/b/c/' -> ['a/', 'a/b/']."""
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[:i]) + "/" for i in range(1, len(parts))]


class ScopedQuerySet(models.QuerySet):  # type: ignore[type-arg]  # each model's manager names its model
    """Subclasses name the path that places a row in the territory tree and the capability needed."""

    scope_path_field: str = "path"
    scope_capability: str = "view_territory"
    include_ancestors: bool = False  # territory and organisations above you are visible for navigation
    own_row_field: str | None = None  # e.g. "pk" on Person: everyone sees their own record

    def visible_to(self, actor: Actor | None, capability: str | None = None) -> Self:
        scope = get_scope(actor)
        if scope.is_global:
            return self.all()
        paths = scope.paths_for(capability or self.scope_capability)
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(**{f"{self.scope_path_field}__startswith": path})
        if self.include_ancestors and paths:
            above = {a for p in paths for a in ancestor_paths(p)}
            if above:
                condition |= Q(**{f"{self.scope_path_field}__in": sorted(above)})
        if self.own_row_field and scope.person_id is not None:
            condition |= Q(**{self.own_row_field: scope.person_id})
        return self.filter(condition)

    def get_visible_or_404(self, actor: Actor | None, capability: str | None = None, **lookup: Any) -> Any:
        """The row, or Http404 alike for 'missing' and 'not yours'. A signed-in actor asking for a
        row that exists but is not theirs is audited (decision 0039): one more query, on this path only."""
        try:
            return self.visible_to(actor, capability).get(**lookup)
        except (ValueError, TypeError) as exc:
            raise Http404 from exc
        except self.model.DoesNotExist as exc:
            self._audit_denial(actor, capability, lookup)
            raise Http404 from exc

    def _audit_denial(self, actor: Actor | None, capability: str | None, lookup: dict[str, Any]) -> None:
        if not getattr(actor, "is_authenticated", False):
            return  # anonymous probes are not attributable; the web server's log has them
        pk = self.filter(**lookup).values_list("pk", flat=True).first()
        if pk is None:
            return  # really missing
        from gongzhi.core import audit  # lazily: every app's models import this module while loading

        audit.record_refusal(
            actor=actor,
            action="scope.denied",
            object_type=self.model._meta.label_lower,
            object_id=str(pk),
            detail={"capability": capability or self.scope_capability},
        )
