import pytest

from gongzhi.circles.models import Resource


@pytest.fixture
def library(actors):
    return Resource.objects.create(
        name="甲社区图书室",
        kind="library",
        territory=actors.net.a.community,
        lon=113.9012,
        lat=22.7012,
        opening_hours="9:00-21:00",
        uses="借书\n自习\n亲子阅读",
    )


@pytest.fixture
def clinic_b(actors):
    return Resource.objects.create(
        name="乙社康中心",
        kind="clinic",
        territory=actors.net.b.community,
        lon=113.921,
        lat=22.7012,
        uses="家庭医生\n疫苗接种",
    )
