"""Rules, caps, district defaults and review flags."""

import datetime

import pytest
import time_machine

from gongzhi.points.actions import PointsRefused, award_points
from gongzhi.points.actions_review import FlagDecided, flag_clear, flag_reverse
from gongzhi.points.models import EarningRule, Flag, FlagKind, FlagStatus, PointsPolicy, Transaction
from gongzhi.points.queries import balance, ledger_sum
from gongzhi.points.tests.helpers import award_volunteer

pytestmark = pytest.mark.django_db


def test_a_district_rule_is_the_default_and_a_community_rule_overrides_it(bank):
    net = bank.actors.net
    EarningRule.objects.create(territory=net.district, code="order_rated", points_per_unit=8)
    EarningRule.objects.create(territory=net.b.community, code="order_rated", points_per_unit=3)
    assert (
        award_points(
            rule="order_rated", recipient=bank.volunteer, source="o:1", community=net.a.community
        ).points
        == 8
    )
    assert (
        award_points(
            rule="order_rated", recipient=bank.volunteer, source="o:2", community=net.b.community
        ).points
        == 3
    )


def test_an_inactive_rule_refuses(bank):
    c = bank.actors.net.a.community
    EarningRule.objects.create(territory=c, code="pairing_visit", points_per_unit=5, active=False)
    with pytest.raises(PointsRefused, match="未启用"):
        award_volunteer(bank, "p:1", rule="pairing_visit")


def test_monthly_cap_counts_the_whole_month(bank):
    c = bank.actors.net.a.community
    EarningRule.objects.create(
        territory=c, code="wish_fulfilled", points_per_unit=20, daily_cap=None, monthly_cap=50
    )
    for day, expected in ((1, 20), (2, 20), (3, 10)):
        with time_machine.travel(datetime.datetime(2026, 11, day, 4, tzinfo=datetime.UTC), tick=False):
            assert award_volunteer(bank, f"w:{day}", rule="wish_fulfilled").points == expected
    with (
        time_machine.travel(datetime.datetime(2026, 11, 20, 4, tzinfo=datetime.UTC), tick=False),
        pytest.raises(PointsRefused, match="本月"),
    ):
        award_volunteer(bank, "w:20", rule="wish_fulfilled")
    with time_machine.travel(datetime.datetime(2026, 12, 1, 4, tzinfo=datetime.UTC), tick=False):
        assert award_volunteer(bank, "w:dec", rule="wish_fulfilled").points == 20
    assert balance(bank.volunteer) == 70


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rule": "bogus"}, "未知"),
        ({"source": ""}, "来源"),
        ({"quantity": 0}, "数量"),
        ({"points": -5}, "正整数"),
        ({"recipient": None}, "账户"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_writes_nothing(bank, kwargs, message):
    args = {
        "rule": "service_hour",
        "recipient": bank.volunteer,
        "source": "s:1",
        "community": bank.actors.net.a.community,
    }
    args.update(kwargs)
    with pytest.raises(PointsRefused, match=message):
        award_points(**args)
    assert Transaction.objects.count() == 0


def test_points_are_issued_by_communities_only(bank):
    with pytest.raises(PointsRefused, match="社区"):
        award_points(
            rule="service_hour", recipient=bank.volunteer, source="s:1", community=bank.actors.net.street
        )


def test_many_awards_between_the_same_two_people_are_flagged_then_reversed(bank):
    c = bank.actors.net.a.community
    PointsPolicy.objects.create(territory=c, pair_threshold=2, burst_count=50)
    staff = bank.actors.staff_a
    for i in range(4):
        award_volunteer(bank, f"m:{i}", rule="manual", points=10, awarded_by=staff)
    flag = Flag.objects.get(kind=FlagKind.PAIR)
    assert flag.awarded_by_person_id == staff.person_id
    assert flag.recipient_id == bank.volunteer.pk
    assert flag.award_count == 4
    assert flag.transactions.count() == 4
    flag_reverse(flag=flag, actor=bank.actors.secretary_a, note="虚报")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.REVERSED
    assert balance(bank.volunteer) == 0
    assert ledger_sum() == 0
    with pytest.raises(FlagDecided):
        flag_clear(flag=flag, actor=bank.actors.secretary_a)


def test_a_burst_of_awards_is_flagged_and_can_be_cleared(bank):
    c = bank.actors.net.a.community
    PointsPolicy.objects.create(territory=c, pair_threshold=99, burst_count=3, burst_minutes=60)
    for i in range(4):
        award_volunteer(bank, f"a:{i}", rule="activity_checkin")
    flag = Flag.objects.get(kind=FlagKind.BURST)
    assert flag.award_count == 4
    flag_clear(flag=flag, actor=bank.actors.staff_a, note="大型活动")
    assert Flag.objects.get(pk=flag.pk).status == FlagStatus.CLEARED
    assert balance(bank.volunteer) == 8  # clearing keeps the awards
