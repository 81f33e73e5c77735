"""What every ledger's validation shares: row errors in the user's own column names, the plan
(valid rows with what will happen to each), duplicate detection, and scoped look-ups of codes."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from gongzhi.core import crypto
from gongzhi.core.actors import Actor
from gongzhi.core.scoping import Scope, get_scope
from gongzhi.ledgers import cells
from gongzhi.ledgers.parsing import Table
from gongzhi.people.idcard import parse_id_number
from gongzhi.territory.models import TerritoryNode

CAPABILITY = "import_ledgers"
CHUNK = 900  # keeps `IN (...)` well under SQLite's variable limit and PostgreSQL's plan sweet spot
CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # the header as written in the file ("" for the file as a whole)
    reason: str


@dataclass
class Item:
    """One valid row and what importing it does. Kind modules subclass with their fields."""

    row: int
    action: str = CREATE


@dataclass
class Plan:
    kind: str
    total: int = 0
    items: list[Any] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Rows naming a person registered outside the actor's area: counted for the preview's audit row,
    # never told apart from other refusals on the page (decision 0039).
    held_elsewhere: int = 0

    @property
    def error_rows(self) -> set[int]:
        return {e.row for e in self.errors}

    def counts(self) -> dict[str, int]:
        by_action: dict[str, int] = defaultdict(int)
        for item in self.items:
            by_action[item.action] += 1
        return {
            "total": self.total,
            "new": by_action[CREATE],
            "updated": by_action[UPDATE],
            "unchanged": by_action[UNCHANGED],
            "error_rows": len(self.error_rows),
            "errors": len(self.errors),
        }

    def written(self) -> dict[str, int]:
        """What a write reports: rows created, updated and left as they were."""
        counts = self.counts()
        return {"created": counts["new"], "updated": counts["updated"], "unchanged": counts["unchanged"]}


def chunked[T](values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class Checker:
    """Collects errors for a table; `cell` runs a converter and records its CellError."""

    def __init__(self, actor: Actor, table: Table) -> None:
        self.actor = actor
        self.scope: Scope = get_scope(actor)
        self.table = table
        self.plan = Plan(kind=table.kind, total=len(table.rows))
        self._bad: set[int] = set()

    def header(self, key: str) -> str:
        return self.table.headers.get(key, "")

    def error(self, row: int, key: str, reason: str) -> None:
        self.plan.errors.append(RowError(row, self.header(key), reason))
        self._bad.add(row)

    def failed(self, row: int) -> bool:
        return row in self._bad

    def raw(self, values: dict[str, Any], key: str) -> Any:
        return values.get(key)

    def present(self, values: dict[str, Any], key: str) -> bool:
        return cells.text(values.get(key)) != ""

    def required(self, row: int, values: dict[str, Any], key: str, max_length: int = 200) -> str:
        value = cells.text(values.get(key))
        if not value:
            self.error(row, key, _("必填"))
        elif len(value) > max_length:
            self.error(row, key, _("不能超过%(max)d个字") % {"max": max_length})
            return ""
        return value

    def optional_text(self, row: int, values: dict[str, Any], key: str, max_length: int = 200) -> str:
        value = cells.text(values.get(key))
        if len(value) > max_length:
            self.error(row, key, _("不能超过%(max)d个字") % {"max": max_length})
            return ""
        return value

    def cell[V](
        self, row: int, values: dict[str, Any], key: str, convert: Callable[..., V], *args: Any, **kw: Any
    ) -> V | None:
        """None when the cell is blank or wrong (the error is recorded)."""
        raw = values.get(key)
        if cells.text(raw) == "":
            return None
        try:
            return convert(raw, self.header(key), *args, **kw)
        except ValueError as exc:  # CellError, InvalidIdNumber, InvalidPhone all carry Chinese messages
            self.error(row, key, str(exc))
            return None

    def id_number(
        self, row: int, values: dict[str, Any], rows_by_index: dict[str, list[int]]
    ) -> tuple[str, str] | None:
        """The row's ID number (required and checked) and its blind index, noted in `rows_by_index`
        for the duplicate check; None when it is missing or wrong (the error is recorded)."""
        if not self.present(values, "id_number"):
            self.error(row, "id_number", _("必填"))
            return None
        raw = self.cell(row, values, "id_number", cells.id_number_text)
        if raw is None:
            return None
        try:
            number = parse_id_number(raw).value
        except ValueError as exc:
            self.error(row, "id_number", str(exc))
            return None
        index = crypto.blind_index(number)
        rows_by_index[index].append(row)
        return number, index

    def duplicates(self, key: str, rows_by_value: dict[str, list[int]]) -> None:
        """Every row of a repeated natural key is an error naming the other rows."""
        for rows in rows_by_value.values():
            if len(rows) < 2:
                continue
            for row in rows:
                others = "、".join(_("第%(n)d行") % {"n": r} for r in rows if r != row)
                self.error(row, key, _("与%(rows)s重复") % {"rows": others})

    def in_scope(self, path: str) -> bool:
        return self.scope.can(CAPABILITY, path)

    def scoped_nodes(self, codes: Iterable[str], levels: set[str]) -> dict[str, TerritoryNode]:
        """Nodes by code that the actor may import into. `visible_to` also returns the ancestors of
        one's area (for navigation), so each path is checked again against the import scope."""
        found: dict[str, TerritoryNode] = {}
        for batch in chunked(sorted(set(codes))):
            nodes = TerritoryNode.objects.visible_to(self.actor, CAPABILITY).filter(
                code__in=batch, level__in=levels
            )
            for node in nodes.defer("geometry"):
                if self.in_scope(node.path):
                    found[node.code] = node
        return found

    def not_found(self, row: int, key: str, label: str, code: str) -> None:
        # Same words whether the code is unknown or belongs to someone else's area.
        self.error(
            row, key, _("%(label)s“%(code)s”不存在或不在您的管辖范围内") % {"label": label, "code": code}
        )


def scope_root(scope: Scope) -> str:
    """The narrowest path that holds all of the actor's import paths ("" for global actors)."""
    if scope.is_global:
        return ""
    paths = [p.split("/")[:-1] for p in scope.paths_for(CAPABILITY)]
    if not paths:
        return ""
    common: list[str] = []
    for parts in zip(*paths, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return "/".join(common) + "/" if common else ""
