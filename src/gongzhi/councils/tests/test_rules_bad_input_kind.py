"""An unknown council kind or quorum rule is refused with a message, nothing stored."""

import pytest

from gongzhi.councils import actions
from gongzhi.councils.models import Council
from gongzhi.councils.workflow import CouncilError


@pytest.mark.parametrize(("kind", "quorum"), [("residents_council", "majority"), ("residents", "most")])
def test_unknown_kind_or_quorum_is_refused(actors, kind, quorum):
    with pytest.raises(CouncilError):
        actions.council_create(
            actor=actors.staff_a, name="议事会", kind=kind, territory=actors.net.a.community, quorum=quorum
        )
    assert not Council.objects.exists()
