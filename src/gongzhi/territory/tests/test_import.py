"""import_geojson / import_csv: the happy path, idempotent re-import, precise Chinese errors, and
nothing written when any row is wrong."""

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from gongzhi.core.models import AuditEntry
from gongzhi.territory import geo_index
from gongzhi.territory.actions import ImportReport, import_csv, import_geojson
from gongzhi.territory.models import TerritoryNode
from gongzhi.territory.tests.factories import square

pytestmark = pytest.mark.django_db

DISTRICT = {"code": "440311", "name": "光明区", "level": "district", "parent_code": ""}
STREET = {"code": "440311001", "name": "光明街道", "level": "street", "parent_code": "440311"}
COMMUNITY = {"code": "440311001003", "name": "碧眼社区", "level": "community", "parent_code": "440311001"}
GEOMETRY = {
    "440311": square(113.90, 22.70, 0.1),
    "440311001": square(113.90, 22.70, 0.05),
    "440311001003": square(113.90, 22.70, 0.01),
}


def feature(props: dict[str, Any], geometry: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": geometry or GEOMETRY.get(props["code"])}


def geojson(*features: dict[str, Any]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False)


def csv_text(*rows: dict[str, Any], geometry: bool = True) -> str:
    out = io.StringIO()
    columns = ["code", "name", "level", "parent_code", "population"] + (["geometry"] if geometry else [])
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        line = {"population": "", **row}
        if geometry:
            line["geometry"] = json.dumps(row.get("geometry", GEOMETRY.get(row["code"])))
        writer.writerow({k: line.get(k, "") for k in columns})
    return out.getvalue()


_version_at_start = 0


@pytest.fixture(autouse=True)
def _index_version_at_start() -> None:
    global _version_at_start
    _version_at_start = geo_index.current_version()


def state() -> tuple[int, int, int]:
    """Nodes, audit rows, and how far the point index's version moved in this test."""
    return (
        TerritoryNode.objects.count(),
        AuditEntry.objects.count(),
        geo_index.current_version() - _version_at_start,
    )


def test_geojson_import_creates_the_tree_with_boundaries() -> None:
    report = import_geojson(actor=None, data=geojson(feature(DISTRICT), feature(STREET), feature(COMMUNITY)))
    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    community = TerritoryNode.objects.get(code="440311001003")
    assert community.path == "440311/440311001/440311001003/"
    assert community.parent.code == "440311001"
    assert community.geometry["type"] == "Polygon"
    assert (community.min_lon, community.max_lat) == pytest.approx((113.90, 22.71))
    assert AuditEntry.objects.filter(action="territory.import").count() == 1
    assert state()[2] >= 1  # boundaries changed: the point index is told


def test_reimporting_the_same_geojson_changes_nothing() -> None:
    data = geojson(feature(DISTRICT), feature(STREET), feature(COMMUNITY))
    import_geojson(actor=None, data=data)
    before = TerritoryNode.objects.order_by("code").values_list("code", "updated_at")
    before = list(before)
    version = state()[2]
    report = import_geojson(actor=None, data=data)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert list(TerritoryNode.objects.order_by("code").values_list("code", "updated_at")) == before
    assert state()[2] == version  # nothing moved, so the index is not rebuilt


def test_geojson_import_updates_a_changed_name_and_boundary() -> None:
    import_geojson(actor=None, data=geojson(feature(DISTRICT), feature(STREET)))
    moved = feature({**STREET, "name": "光明街道办"}, square(113.91, 22.71, 0.04))
    report = import_geojson(actor=None, data=geojson(moved))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    street = TerritoryNode.objects.get(code="440311001")
    assert street.name == "光明街道办"
    assert street.min_lon == pytest.approx(113.91)


def test_csv_import_and_reimport() -> None:
    data = csv_text({**DISTRICT, "population": "1095289"}, STREET, COMMUNITY)
    first = import_csv(actor=None, data=data.encode("utf-8-sig"))
    assert first.ok
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    assert TerritoryNode.objects.get(code="440311").population == 1095289
    second = import_csv(actor=None, data=data)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)


def test_csv_without_geometry_column_creates_nodes_without_boundaries() -> None:
    report = import_csv(actor=None, data=csv_text(DISTRICT, STREET, geometry=False))
    assert report.ok
    assert TerritoryNode.objects.get(code="440311001").geometry is None


def test_dry_run_reports_but_writes_nothing() -> None:
    report = import_geojson(actor=None, data=geojson(feature(DISTRICT), feature(STREET)), dry_run=True)
    assert (report.ok, report.created) == (True, 2)
    assert state() == (0, 0, 0)


BAD_ROWS = [
    pytest.param(
        {**STREET, "code": "44031100"},
        (2, "code", "街道编码必须是9位数字,实际是8位"),
        id="wrong-code-length",
    ),
    pytest.param(
        {**STREET, "code": "440312001"},
        (2, "code", "编码“440312001”必须以上级编码“440311”开头"),
        id="code-not-under-parent",
    ),
    pytest.param(
        {**COMMUNITY, "parent_code": "440311009", "code": "440311009001"},
        (2, "parent_code", "上级编码“440311009”不存在"),
        id="unknown-parent",
    ),
    pytest.param(
        {**STREET, "geometry": {"type": "Point", "coordinates": [113.91, 22.71]}},
        (2, "geometry", "区域边界必须是面(Polygon/MultiPolygon),实际是Point"),
        id="point-for-an-area",
    ),
    pytest.param(
        {**STREET, "name": "  "},
        (2, "name", "名称不能为空"),
        id="empty-name",
    ),
]


@pytest.mark.parametrize(("row", "error"), BAD_ROWS)
def test_bad_geojson_row_is_reported_and_nothing_is_written(
    row: dict[str, Any], error: tuple[int, str, str]
) -> None:
    props = {k: v for k, v in row.items() if k != "geometry"}
    report = import_geojson(actor=None, data=geojson(feature(DISTRICT), feature(props, row.get("geometry"))))
    assert report.errors == [error]
    assert not report.ok
    assert state() == (0, 0, 0)


@pytest.mark.parametrize(("row", "error"), BAD_ROWS)
def test_bad_csv_row_is_reported_and_nothing_is_written(
    row: dict[str, Any], error: tuple[int, str, str]
) -> None:
    report = import_csv(actor=None, data=csv_text(DISTRICT, row))
    assert report.errors == [error]
    assert state() == (0, 0, 0)


def test_point_for_a_community_is_refused() -> None:
    import_geojson(actor=None, data=geojson(feature(DISTRICT), feature(STREET)))
    before = state()
    point = {"type": "Point", "coordinates": [113.905, 22.705]}
    report = import_geojson(actor=None, data=geojson(feature(COMMUNITY, point)))
    assert report.errors == [(1, "geometry", "区域边界必须是面(Polygon/MultiPolygon),实际是Point")]
    assert state() == before


def test_one_bad_row_among_good_ones_writes_nothing() -> None:
    bad = {**COMMUNITY, "code": "4403110010031"}
    report = import_geojson(
        actor=None, data=geojson(feature(DISTRICT), feature(STREET), feature(bad, GEOMETRY["440311001003"]))
    )
    assert report.errors == [(3, "code", "社区编码必须是12位数字,实际是13位")]
    assert (report.created, report.updated) == (2, 0)  # what would have happened, for the report
    assert state() == (0, 0, 0)


def test_invalid_json_is_reported_with_its_line() -> None:
    report = import_geojson(actor=None, data='{"type": "FeatureCollection",\n "features": [}')
    ((row, column, message),) = report.errors
    assert (row, column) == (0, "file")
    assert message.startswith("不是有效的JSON文件:")
    assert message.endswith("(第2行)")
    assert state() == (0, 0, 0)


def test_json_that_is_not_a_feature_collection_is_refused() -> None:
    report = import_geojson(actor=None, data="[1, 2, 3]")
    assert report.errors == [(0, "file", "文件必须是GeoJSON FeatureCollection")]


def test_csv_with_missing_columns_is_refused() -> None:
    report = import_csv(actor=None, data="code,name\n440311,光明区\n")
    assert report.errors == [(0, "file", "缺少列:level、parent_code")]
    assert state() == (0, 0, 0)


def test_csv_with_broken_geometry_text_is_refused() -> None:
    data = "code,name,level,parent_code,geometry\n440311,光明区,district,,{not json\n"
    report = import_csv(actor=None, data=data)
    assert report.errors == [(1, "geometry", "geometry列不是有效的GeoJSON")]
    assert state() == (0, 0, 0)


def shared_outline() -> Path | None:
    from gongzhi.demo.outline import find_outline_file

    return find_outline_file()


def test_published_guangming_outline_imports_as_the_district() -> None:
    path = shared_outline()
    if path is None:
        pytest.skip(
            "shared/data/geo/shenzhen_440311_districts.geojson not found next to the checkout "
            f"({Path(settings.BASE_DIR).parents[1].parent / 'shared'}) or in $GONGZHI_SHARED_DATA"
        )
    report = import_geojson(actor=None, data=path.read_bytes())
    assert report.ok, report.errors
    assert report.created == 1
    district = TerritoryNode.objects.get(code="440311")
    assert district.name == "光明区"
    assert district.parent is None
    assert district.geometry["type"] in {"Polygon", "MultiPolygon"}
    assert 113.8 < district.min_lon < district.max_lon < 114.1
    again: ImportReport = import_geojson(actor=None, data=path.read_bytes())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
