"""The batched writer of hotline imports: place, route and insert thousands of rows a second with the
same outcome as row-by-row intake (see hotline_import's docstring for where and why it differs)."""

import datetime
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils import timezone

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.appeals import actions_stats, address, lifecycle, sql
from gongzhi.appeals.calendar import WorkCalendar
from gongzhi.appeals.deadlines import Clocks, DueTimes, clocks_for, due_times
from gongzhi.appeals.hotline_rows import CHANNEL, BadFile, HotlineRow, ImportReport
from gongzhi.appeals.models import Appeal, AppealEvent, Category, Notification
from gongzhi.appeals.routing import active_rules
from gongzhi.appeals.workflow import Status
from gongzhi.core import crypto
from gongzhi.core.actors import Actor
from gongzhi.core.masking import mask_phone
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.territory.geo_index import get_index
from gongzhi.territory.models import Level, TerritoryNode, community_path, street_path

# --- placing and routing, in bulk --------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    id: int
    code: str
    path: str
    level: str
    name: str


class Placer:
    """routing.place for many rows: one geo-index query per level, an in-memory address matcher."""

    def __init__(self) -> None:
        fields = ("id", "code", "path", "level", "name")
        levels = [Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID]
        self.areas = {
            r[0]: Node(*r) for r in TerritoryNode.objects.filter(level__in=levels).values_list(*fields)
        }
        self.by_path = {n.path: n for n in self.areas.values()}
        self.compounds = [
            Node(*r)
            for r in TerritoryNode.objects.filter(level=Level.COMPOUND).order_by("path").values_list(*fields)
        ]
        self._buildings: dict[int, list[Node]] = {}
        self._addresses: dict[str, Node | None] = {}
        district = next(
            (n for n in sorted(self.areas.values(), key=lambda n: n.path) if n.level == Level.DISTRICT), None
        )
        self.district = district

    def community(self, node: Node) -> Node | None:
        """TerritoryNode.community() for a loaded row, from memory."""
        return self.by_path.get(community_path(node.path))

    def street(self, node: Node) -> Node | None:
        return self.by_path.get(street_path(node.path))

    def match_address(self, text: str) -> Node | None:
        if text in self._addresses:
            return self._addresses[text]
        best = address.best_compound(self.compounds, text)  # same rules as routing.match_address
        found = best
        if best is not None:
            if best.id not in self._buildings:
                self._buildings[best.id] = [
                    Node(*r)
                    for r in TerritoryNode.objects.filter(parent_id=best.id, level=Level.BUILDING)
                    .order_by("path")
                    .values_list("id", "code", "path", "level", "name")
                ]
            found = address.best_building(self._buildings[best.id], text) or best
        self._addresses[text] = found
        return found

    def place_points(self, rows: list[HotlineRow]) -> list[Node | None]:
        pinned = [i for i, r in enumerate(rows) if r.lon is not None and r.lat is not None]
        out: list[Node | None] = [None] * len(rows)
        if not pinned:
            return out
        index = get_index()
        lons = np.array([rows[i].lon for i in pinned], dtype=float)
        lats = np.array([rows[i].lat for i in pinned], dtype=float)
        found = np.full(len(pinned), -1, dtype=np.int64)
        for level in (Level.GRID, Level.COMMUNITY, Level.STREET):
            missing = found < 0
            if not missing.any():
                break
            found[missing] = index.lookup_many(lons[missing], lats[missing], level)
        for i, node_id in zip(pinned, found.tolist(), strict=True):
            out[i] = self.areas.get(node_id) if node_id >= 0 else None
        return out


class Router:
    """routing.route_department and deadlines.clocks_for, memoised for one import."""

    def __init__(self, now: datetime.datetime) -> None:

        self.version, self.rules = active_rules()
        self.now = now
        # intake refuses to dispatch to anything else (actions.AppealError); so does the import
        self.handlers = set(
            Organisation.objects.filter(kind__in=[OrgKind.DEPARTMENT, OrgKind.PROPERTY_COMPANY]).values_list(
                "pk", flat=True
            )
        )
        self.calendar = WorkCalendar.load(timezone.localtime(now).date())
        self._routes: dict[tuple[int | None, str], int | None] = {}
        self._clocks: dict[tuple[int | None, str], Clocks] = {}
        self._due: dict[Clocks, DueTimes] = {}

    def department(self, category: Category | None, path: str) -> int | None:
        key = (category.pk if category else None, path)
        if key not in self._routes:
            lineage = set(category.lineage_ids()) if category is not None else set()
            self._routes[key] = next(
                (
                    r.department_id
                    for r in self.rules
                    if (r.category_id is None or r.category_id in lineage)
                    and (r.territory_path is None or path.startswith(r.territory_path))
                ),
                None,
            )
        return self._routes[key]

    def due(self, category: Category | None, urgency: str) -> DueTimes:
        key = (category.pk if category else None, urgency)
        if key not in self._clocks:
            self._clocks[key] = clocks_for(category, urgency)
        clocks = self._clocks[key]
        if clocks not in self._due:
            self._due[clocks] = due_times(self.now, clocks, self.calendar)
        return self._due[clocks]


# --- writing -------------------------------------------------------------------------------------


def _handlers_by_department() -> dict[int, list[int]]:

    people: dict[int, set[int]] = {}
    for org_id, person_id in (
        RoleAssignment.objects.active()
        .filter(organisation__isnull=False)
        .values_list("organisation_id", "person_id")
    ):
        people.setdefault(org_id, set()).add(person_id)
    users = dict(User.objects.filter(is_active=True, person__isnull=False).values_list("person_id", "pk"))
    return {org: sorted(users[p] for p in persons if p in users) for org, persons in people.items()}


class _Rows:
    """Column-ordered tuples for one table with the model's defaults filled in. No model instances:
    building 400,000 of them costs more than writing them."""

    def __init__(self, model: Any, *, with_pk: bool) -> None:
        fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.table = model._meta.db_table
        self.columns = [f.column for f in fields]
        self.defaults = {f.column: None if f.primary_key else f.get_default() for f in fields}
        self.rows: list[tuple[Any, ...]] = []

    def add(self, **values: Any) -> None:
        row = {**self.defaults, **values}
        self.rows.append(tuple(row[c] for c in self.columns))

    def write(self) -> None:
        if self.rows:
            sql.copy_rows(self.table, self.columns, self.rows)


class _Outcomes:
    """lifecycle's outcomes for the rows of one import, planned once per shape: a routed row's
    accept + dispatch differ only by department, community and clock (the number and title go
    into the inbox text as the row is written)."""

    def __init__(self, router: Router, actor: Actor | None) -> None:
        self.router, self.actor = router, actor
        self.submit = lifecycle.submitted(Appeal(channel=CHANNEL), at=router.now, actor=actor)
        self._routed: dict[tuple[Any, ...], lifecycle.Outcome] = {}

    def routed(
        self, department_id: int, community_id: int, street_id: int | None, due: DueTimes
    ) -> lifecycle.Outcome:
        key = (department_id, community_id, street_id, due)
        if key not in self._routed:
            stand_in = Appeal(community_id=community_id, street_id=street_id)
            self._routed[key] = lifecycle.auto_dispatch(
                stand_in,
                at=self.router.now,
                department_id=department_id,
                version=self.router.version,
                clock=lambda _at: due,
            )
        return self._routed[key]


def _add_events(events: _Rows, pk: int, outcome: lifecycle.Outcome) -> None:
    for e in outcome.events:
        values = {**vars(e), "data": json.dumps(e.data)}  # COPY writes the JSON text
        actor = values.pop("actor")
        events.add(appeal_id=pk, actor_id=actor.pk if actor is not None else None, public=True, **values)


def _values(
    row: HotlineRow, pk: int, number: str, placed: tuple[Any, Any, Any], now: datetime.datetime
) -> dict[str, Any]:
    """The appeal row as intake would store it, still in triage (submitted)."""
    territory, community, street = placed
    return {
        "id": pk,
        "number": number,
        "channel": CHANNEL,
        "status": Status.SUBMITTED.value,
        "title": row.title,
        "text": row.text,
        "category_id": row.category.pk if row.category else None,
        "urgency": row.urgency,
        "lon": row.lon,
        "lat": row.lat,
        "address_text": row.address_text,
        "territory_id": territory.id if territory else None,
        "path": territory.path if territory else "",
        "community_id": community.id if community else None,
        "street_id": street.id if street else None,
        "contact_name": row.contact_name,
        "contact_phone_cipher": crypto.encrypt(row.phone) if row.phone else "",
        "contact_phone_masked": mask_phone(row.phone) if row.phone else "",
        "external_id": row.external_id,
        "created_at": row.created_at or now,
        "updated_at": now,
    }


class _Batch:
    """One batch's rows for the three tables and its DailyStat deltas."""

    def __init__(self, router: Router, actor: Actor | None) -> None:
        self.router, self.outcomes = router, _Outcomes(router, actor)
        self.handlers = _handlers_by_department()
        self.appeals = _Rows(Appeal, with_pk=True)
        self.events = _Rows(AppealEvent, with_pk=False)
        self.notes = _Rows(Notification, with_pk=False)
        self.stats: list[lifecycle.StatDelta] = []

    def add(self, row: HotlineRow, values: dict[str, Any]) -> None:
        pk = values["id"]
        _add_events(self.events, pk, self.outcomes.submit)
        department_id = self.router.department(row.category, values["path"])
        if department_id is not None and values["community_id"] is not None:
            if department_id not in self.router.handlers:
                raise BadFile(
                    f"第{row.row}行:分拨规则v{self.router.version}指向的组织不是承办部门,请先修正分拨规则"
                )
            due = self.router.due(row.category, row.urgency)
            routed = self.outcomes.routed(department_id, values["community_id"], values["street_id"], due)
            values.update(routed.fields, status=routed.status, routed_by_ruleset=self.router.version)
            _add_events(self.events, pk, routed)
            for kind, text in routed.department_texts(values["number"], row.title):
                for user_id in self.handlers.get(department_id, []):
                    self.notes.add(
                        recipient_id=user_id,
                        appeal_id=pk,
                        kind=kind,
                        text=text[:300],
                        created_at=values["updated_at"],
                    )
            self.stats += routed.stats
        self.appeals.add(**values)

    def write(self, report: ImportReport) -> None:
        # created_at is written as given: the source system's call time, not the import time
        self.appeals.write()
        self.events.write()
        self.notes.write()
        totals = lifecycle.total(self.stats)
        actions_stats.add_all(totals)
        report.created += len(self.appeals.rows)
        report.dispatched += sum(d.counts["dispatched"] for d in totals)


def write_rows(
    rows: list[HotlineRow], placer: Placer, router: Router, actor: Actor | None, report: ImportReport
) -> None:
    today = timezone.localdate(router.now)
    batch = _Batch(router, actor)
    points = placer.place_points(rows)
    for row, node, pk in zip(rows, points, sql.reserve_appeal_ids(len(rows)), strict=True):
        if node is None and row.address_text:
            node = placer.match_address(row.address_text)
        placed = (
            node or placer.district,
            placer.community(node) if node else None,
            placer.street(node) if node else None,
        )
        batch.add(row, _values(row, pk, f"GZ{today:%Y%m%d}{pk:07d}", placed, router.now))
    batch.write(report)
