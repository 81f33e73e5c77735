"""Small builders shared by the deadline, sweep, whistle and rate tests."""

import datetime
from zoneinfo import ZoneInfo

from gongzhi.appeals.intake import appeal_submit
from gongzhi.appeals.models import Appeal

TZ = ZoneInfo("Asia/Shanghai")
IN_A = {"lon": 113.9012, "lat": 22.7012}  # inside community A's first grid
IN_B = {"lon": 113.9212, "lat": 22.7012}  # inside community B's first grid


def at(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> datetime.datetime:
    return datetime.datetime(y, m, d, h, mi, tzinfo=TZ)


def submit(actors, world, *, where=IN_A, category=None, **kw) -> Appeal:  # type: ignore[no-untyped-def]
    fields = {
        "channel": "resident_app",
        "text": "小区门口占道经营,晚上很吵",
        "category": category or world.cat_urban,
        **where,
    }
    fields.update(kw)
    return appeal_submit(actor=actors.resident_a, submitter=actors.resident_a.person, **fields).appeal


def backdate_roles() -> None:
    """Role assignments start today by default; tests that travel back in time need them older."""
    from gongzhi.accounts.models import RoleAssignment

    RoleAssignment.objects.update(starts_on=datetime.date(2024, 1, 1))
