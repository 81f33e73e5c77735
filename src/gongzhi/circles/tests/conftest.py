import pytest

from gongzhi.circles.models import Resource


def make_resource(node, name: str, kind: str, lon: float, lat: float, **more) -> Resource:  # type: ignore[no-untyped-def]
    return Resource.objects.create(name=name, kind=kind, territory=node, lon=lon, lat=lat, **more)


@pytest.fixture
def library(actors):
    return make_resource(
        actors.net.a.community,
        "甲社区图书室",
        "library",
        113.9012,
        22.7012,
        opening_hours="9:00-21:00",
        uses="借书\n自习\n亲子阅读",
    )


@pytest.fixture
def clinic_b(actors):
    return make_resource(
        actors.net.b.community, "乙社康中心", "clinic", 113.921, 22.7012, uses="家庭医生\n疫苗接种"
    )
