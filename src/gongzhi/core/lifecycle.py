"""One status-table type, one `transition()`, one `InvalidTransition` and one history-row helper for
every workflow (appeals, service orders and wishes, bookings and sign-ups, proposals, decisions,
import batches …; issue 14 step 4, decision 0045).

A table maps each action to the states it may start from and the state it leads to (None: it stays
where it is). Workflows whose steps are simply "go to state X" (a wish, a booking) are built with
`StatusTable.from_moves`, where the action is the target state.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.actors import Actor
from gongzhi.core.errors import Conflict


class InvalidTransition(Conflict):
    """The action is not allowed from the current state (409)."""

    def __init__(
        self,
        status: str,
        action: str,
        *,
        status_label: object = None,
        action_label: object = None,
        to_state: bool = False,
    ):
        self.status, self.action = status, action
        # A table built from moves names its actions by the state they lead to: "cannot become X".
        text = (
            _("当前状态“%(status)s”不能变为“%(action)s”")
            if to_state
            else _("当前状态“%(status)s”不能执行“%(action)s”")
        )
        super().__init__(text % {"status": status_label or status, "action": action_label or action})


def _label(choices: Iterable[type[models.TextChoices]], value: str) -> str:
    for kind in choices:
        if value in kind.values:
            return str(kind(value).label)
    return value


@dataclass(frozen=True)
class StatusTable:
    """action → (states it may start from, state it leads to; None = stays)."""

    transitions: Mapping[str, tuple[frozenset[str], str | None]]
    labels: tuple[type[models.TextChoices], ...] = field(default=())
    by_target: bool = False  # built by from_moves: each action is the state it leads to

    @classmethod
    def from_moves(
        cls, moves: Mapping[str, Iterable[str]], labels: tuple[type[models.TextChoices], ...] = ()
    ) -> "StatusTable":
        """From "state → states it may go to": the action is named by the state it leads to."""
        sources: dict[str, set[str]] = {}
        for source, targets in moves.items():
            for target in targets:
                sources.setdefault(target, set()).add(source)
        return cls({t: (frozenset(s), t) for t, s in sources.items()}, labels, by_target=True)

    def label(self, value: str) -> str:
        return _label(self.labels, value)

    def refuse(self, status: str, action: str) -> InvalidTransition:
        return InvalidTransition(
            status,
            action,
            status_label=self.label(status),
            action_label=self.label(action),
            to_state=self.by_target,
        )

    def allows(self, status: str, action: str) -> bool:
        entry = self.transitions.get(action)
        return entry is not None and status in entry[0]

    def allowed(self, status: str) -> list[str]:
        """The actions that may start from `status`, in the table's order."""
        return [action for action, (sources, _target) in self.transitions.items() if status in sources]

    def next(self, status: str, action: str) -> str:
        """The state `action` leads to from `status`; InvalidTransition if it may not start there."""
        if not self.allows(status, action):
            raise self.refuse(status, action)
        target = self.transitions[action][1]
        return target or status


def transition(table: StatusTable, obj: Any, action: str, *, field_name: str = "status") -> tuple[str, str]:
    """Move `obj` (unsaved) by `action`; returns (from, to). The caller saves with its own lock."""
    current = getattr(obj, field_name)
    target = table.next(current, action)
    setattr(obj, field_name, target)
    return current, target


def actor_label(actor: Actor | str | None) -> str:
    """How a history row names who acted: the account's display name, else its username."""
    if actor is None:
        return ""
    if isinstance(actor, str):
        return actor
    name = getattr(actor, "display_name", "") or getattr(actor, "get_full_name", lambda: "")()
    return str(name or getattr(actor, "username", "") or actor)[:120]


def history_row(
    model: type[models.Model], *, actor: Actor | str | None = None, save: bool = True, **fields: Any
) -> Any:
    """One append-only history row of `model`: `actor` fills whichever of `actor` (when it is an
    instance of the related model) and `actor_label` the model has; the rest are the model's fields.
    `save=False` returns the unsaved row for a bulk_create."""
    names = {f.name: f for f in model._meta.concrete_fields}
    if actor is not None:
        actor_field = names.get("actor")
        if actor_field is not None and isinstance(actor, actor_field.related_model):  # type: ignore[arg-type]
            fields.setdefault("actor", actor)
        if "actor_label" in names:
            fields.setdefault("actor_label", actor_label(actor))
    row = model(**fields)
    if save:
        row.save(force_insert=True)
    return row
