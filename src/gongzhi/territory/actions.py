"""Writes to the territory tree: create nodes, set boundaries, import GeoJSON/CSV with a report."""

import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.core.errors import BadInput
from gongzhi.core.spreadsheets import Limits, SpreadsheetRefused, read_csv, read_csv_text
from gongzhi.territory.geometry import GEOMETRY_COLUMNS, InvalidGeometry, geometry_columns, parse_geometry
from gongzhi.territory.models import ALLOWED_PARENTS, Level, TerritoryNode, code_error


class TerritoryError(BadInput, ValueError):
    """Message in Chinese, shown to the user as is (400)."""


def check_node(*, level: str, code: str, parent: TerritoryNode | None) -> None:
    if level not in Level.values:
        raise TerritoryError(f"未知层级“{level}”")
    allowed = ALLOWED_PARENTS[Level(level)]
    if parent is None and allowed:
        raise TerritoryError(f"{Level(level).label}必须有上级")
    if parent is not None and parent.level not in allowed:
        raise TerritoryError(f"{Level(level).label}不能挂在{Level(parent.level).label}下")
    problem = code_error(level, code, parent.code if parent else None)
    if problem:
        raise TerritoryError(problem)


def build_node(
    *,
    level: str,
    code: str,
    name: str,
    parent: TerritoryNode | None,
    geometry: dict[str, Any] | None = None,
    **extra: Any,
) -> TerritoryNode:
    """A validated, unsaved node with its path (for bulk creation by imports and the demo)."""
    check_node(level=level, code=code, parent=parent)
    try:
        geom = parse_geometry(geometry, level=level)
    except InvalidGeometry as exc:
        raise TerritoryError(str(exc)) from exc
    return TerritoryNode(
        level=level,
        code=code,
        name=name.strip(),
        parent=parent,
        path=(parent.path if parent else "") + code + "/",
        depth=(parent.depth + 1) if parent else 0,
        **geometry_columns(geom),
        **extra,
    )


@transaction.atomic
def node_set_geometry(
    *, actor: Actor | None, node: TerritoryNode, geometry: dict[str, Any] | None
) -> TerritoryNode:
    locked = TerritoryNode.objects.select_for_update().get(pk=node.pk)
    try:
        geom = parse_geometry(geometry, level=locked.level)
    except InvalidGeometry as exc:
        raise TerritoryError(str(exc)) from exc
    for key, value in geometry_columns(geom).items():
        setattr(locked, key, value)
    locked.save()  # the point index's version moves by signal (geo_index.GEO_INDEX)
    audit.record_write(actor=actor, action="territory.set_geometry", obj=locked, scope_path=locked.path)
    return locked


@dataclass
class ImportReport:
    """What an import did, or would do. Errors are (row or feature number, field, reason)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _upsert_rows(actor: Actor | None, rows: list[dict[str, Any]], *, dry_run: bool) -> ImportReport:
    """rows: level, code, name, parent_code, geometry?, population? — parents before children or
    already in the database. Nothing is written if any row has an error."""
    report = ImportReport()
    pending = _checked_rows(rows, report)
    if report.errors or dry_run:
        for node, existing in pending:
            if existing is None:
                report.created += 1
            elif _differs(existing, node):
                report.updated += 1
            else:
                report.unchanged += 1
        return report
    with transaction.atomic():
        for node, existing in pending:
            if existing is None:
                if node.parent is not None and node.parent.pk is None:
                    node.parent = TerritoryNode.objects.get(code=node.parent.code)
                node.save()  # the point index's version moves by signal (geo_index.GEO_INDEX)
                report.created += 1
            elif _differs(existing, node):
                for key in UPDATED_FIELDS:
                    setattr(existing, key, getattr(node, key))
                existing.save()
                report.updated += 1
            else:
                report.unchanged += 1
        audit.record_write(
            actor=actor,
            action="territory.import",
            detail={"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
        )
    return report


UPDATED_FIELDS = ("name", *GEOMETRY_COLUMNS, "population")


def _checked_rows(
    rows: list[dict[str, Any]], report: ImportReport
) -> list[tuple[TerritoryNode, TerritoryNode | None]]:
    """Each row as an unsaved node beside the stored one with its code (None: new); errors go to
    the report."""
    known = {
        n.code: n
        for n in TerritoryNode.objects.filter(
            code__in=[r.get("parent_code") or "" for r in rows] + [r.get("code") or "" for r in rows]
        )
    }
    pending: list[tuple[TerritoryNode, TerritoryNode | None]] = []
    for number, row in enumerate(rows, start=1):
        code = str(row.get("code") or "").strip()
        parent_code = str(row.get("parent_code") or "").strip()
        level = str(row.get("level") or "").strip()
        name = str(row.get("name") or "").strip()
        if not name:
            report.errors.append((number, "name", "名称不能为空"))
            continue
        parent = known.get(parent_code) if parent_code else None
        if parent_code and parent is None:
            report.errors.append((number, "parent_code", f"上级编码“{parent_code}”不存在"))
            continue
        try:
            node = build_node(level=level, code=code, name=name, parent=parent, geometry=row.get("geometry"))
        except TerritoryError as exc:
            report.errors.append((number, "code" if "编码" in str(exc) else "geometry", str(exc)))
            continue
        if row.get("population") not in (None, ""):
            try:
                node.population = int(row["population"])
            except (TypeError, ValueError):
                report.errors.append((number, "population", "人口必须是整数"))
                continue
        existing = known.get(code)
        pending.append((node, existing))
        known[code] = existing or node
    return pending


def _differs(existing: TerritoryNode, node: TerritoryNode) -> bool:
    return (
        existing.name != node.name
        or (node.geometry is not None and _as_json(existing.geometry) != _as_json(node.geometry))
        or (node.population is not None and existing.population != node.population)
    )


def _as_json(geometry: Any) -> Any:
    """shapely's mapping() gives tuples, a JSON column gives back lists: compare as stored."""
    return json.loads(json.dumps(geometry))


def import_geojson(*, actor: Actor | None, data: bytes | str, dry_run: bool = False) -> ImportReport:
    """FeatureCollection whose features carry properties code, name, level, parent_code (DataV files
    use adcode and acroutes, which are accepted too)."""
    try:
        doc = json.loads(data)
    except json.JSONDecodeError as exc:
        return ImportReport(errors=[(0, "file", f"不是有效的JSON文件:{exc.msg}(第{exc.lineno}行)")])
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        return ImportReport(errors=[(0, "file", "文件必须是GeoJSON FeatureCollection")])
    rows = []
    for feature in features:
        props = feature.get("properties") or {}
        routes = props.get("acroutes") or []
        rows.append(
            {
                "code": str(props.get("code") or props.get("adcode") or ""),
                "name": props.get("name", ""),
                "level": props.get("level", ""),
                "parent_code": str(props.get("parent_code") or (routes[-1] if routes else "")),
                "geometry": feature.get("geometry"),
                "population": props.get("population"),
            }
        )
    # Parents whose code is outside the file and the database (e.g. city 440300 above a district)
    # are dropped for the top level only: a district is a root in this platform.
    for row in rows:
        if row["level"] == Level.DISTRICT:
            row["parent_code"] = ""
    return _upsert_rows(actor, rows, dry_run=dry_run)


# Boundary files come from the command line; a geometry cell holds a whole polygon as GeoJSON.
CSV_LIMITS = Limits(
    max_bytes=256 * 1024 * 1024, max_rows=500_000, max_columns=32, max_record_chars=8 * 1024 * 1024
)


def import_csv(*, actor: Actor | None, data: bytes | str, dry_run: bool = False) -> ImportReport:
    """Columns: code, name, level, parent_code[, population][, geometry as GeoJSON text]."""
    try:
        if isinstance(data, bytes):
            table = read_csv(data, limits=CSV_LIMITS, encodings=("utf-8-sig",))
        else:
            table = read_csv_text(data, limits=CSV_LIMITS)
    except SpreadsheetRefused as exc:
        return ImportReport(errors=[(0, "file", exc.message)])
    header = [h.strip() for h in table.rows[0][1]] if table.rows else []
    missing = {"code", "name", "level", "parent_code"} - set(header)
    if missing:
        return ImportReport(errors=[(0, "file", f"缺少列:{'、'.join(sorted(missing))}")])
    rows: list[dict[str, Any]] = []
    errors: list[tuple[int, str, str]] = []
    for number, (_line, values) in enumerate(table.rows[1:], start=1):
        row: dict[str, Any] = {h: (values[i] if i < len(values) else None) for i, h in enumerate(header) if h}
        if row.get("level") == Level.DISTRICT:
            row["parent_code"] = ""
        if row.get("geometry"):
            try:
                row["geometry"] = json.loads(row["geometry"])
            except json.JSONDecodeError:
                errors.append((number, "geometry", "geometry列不是有效的GeoJSON"))
        else:
            row["geometry"] = None
        rows.append(row)
    if errors:
        return ImportReport(errors=errors)
    return _upsert_rows(actor, rows, dry_run=dry_run)
