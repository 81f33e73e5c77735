"""Library fixtures: two offering units in community A, one in B."""

from dataclasses import dataclass

import pytest

from gongzhi.orgs.models import Organisation, OrgKind


@dataclass
class Units:
    school: Organisation
    firm: Organisation
    other: Organisation


@pytest.fixture
def units(actors) -> Units:
    net = actors.net
    return Units(
        school=Organisation.objects.create(
            name="甲小学", kind=OrgKind.RESIDENT_UNIT, territory=net.a.community
        ),
        firm=Organisation.objects.create(name="甲科技公司", kind=OrgKind.PARTNER_UNIT, territory=net.a.grid),
        other=Organisation.objects.create(
            name="乙社工站", kind=OrgKind.SOCIAL_ORG, territory=net.b.community
        ),
    )


from gongzhi.appeals.tests.conftest import world  # noqa: E402, F401  (appeals to promote)
