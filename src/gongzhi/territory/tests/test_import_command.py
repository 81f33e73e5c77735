import json

import pytest
from django.core.management import CommandError, call_command

from gongzhi.territory.models import TerritoryNode
from gongzhi.territory.tests.factories import square


def _collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def _feature(code, name, level, parent_code, geometry):
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "level": level, "parent_code": parent_code},
        "geometry": geometry,
    }


def _district_file(tmp_path, district_parent: str, street_code: str) -> str:
    """A GeoJSON file with 光明区 and one street under it."""
    path = tmp_path / "gm.geojson"
    features = (
        _feature("440311", "光明区", "district", district_parent, square(113.8, 22.7, 0.2)),
        _feature(street_code, "光明街道", "street", "440311", square(113.8, 22.7, 0.1)),
    )
    path.write_text(json.dumps(_collection(*features)), encoding="utf-8")
    return str(path)


@pytest.mark.django_db
def test_import_command_loads_a_district_and_its_streets_and_reports(tmp_path, capsys):
    call_command("import_territory", _district_file(tmp_path, "440300", "440311001"))
    assert "已新增 2" in capsys.readouterr().out
    street = TerritoryNode.objects.get(code="440311001")
    assert street.path == "440311/440311001/"
    assert street.min_lon == pytest.approx(113.8)


@pytest.mark.django_db
def test_import_command_with_a_bad_row_writes_nothing_and_names_the_row(tmp_path, capsys):
    path = _district_file(tmp_path, "", "44031100")
    with pytest.raises(CommandError):
        call_command("import_territory", path)
    assert "第2条 [code] 街道编码必须是9位数字,实际是8位" in capsys.readouterr().err
    assert not TerritoryNode.objects.exists()
