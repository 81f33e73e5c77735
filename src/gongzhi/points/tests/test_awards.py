"""award_points: the interface the service and places apps call."""

import pytest

from gongzhi.points.actions import Award, PointsRefused, award_points
from gongzhi.points.models import EarningRule, Entry, Transaction
from gongzhi.points.queries import balance
from gongzhi.points.tests.helpers import assert_sound, award_volunteer

pytestmark = pytest.mark.django_db


def test_award_moves_points_from_the_community_issuing_account_to_the_recipient(bank):
    net = bank.actors.net
    award = award_points(
        rule="service_hour",
        recipient=bank.volunteer,
        source="service.order:1",
        community=net.a.community,
        quantity=3,
    )
    assert award == Award(award.transaction_id, 30, True)
    assert balance(bank.volunteer) == 30
    assert balance(net.a.community) == -30
    assert_sound()  # the sum, the balance of each transaction, and every account's recount


def test_a_repeated_source_is_a_no_op_returning_the_first_award(bank):
    first = award_volunteer(bank, "places.checkin:9", rule="activity_checkin")
    again = award_volunteer(bank, "places.checkin:9", rule="activity_checkin", points=7)
    assert again == Award(first.transaction_id, first.points, created=False)
    assert Transaction.objects.count() == 1
    assert Entry.objects.count() == 2
    assert balance(bank.volunteer) == 2


def test_nobody_awards_points_to_themselves(bank):
    staff = bank.actors.staff_a
    with pytest.raises(PointsRefused, match="不能给自己"):
        award_points(
            rule="manual",
            recipient=staff.person,
            source="manual:1",
            community=bank.actors.net.a.community,
            points=50,
            awarded_by=staff,
        )
    assert Transaction.objects.count() == 0


def test_daily_cap_clips_then_refuses(bank):
    c = bank.actors.net.a.community
    EarningRule.objects.create(
        territory=c, code="service_hour", points_per_unit=10, daily_cap=25, monthly_cap=None
    )
    assert award_volunteer(bank, "s:1", rule="service_hour", quantity=2).points == 20
    assert award_volunteer(bank, "s:2", rule="service_hour", quantity=2).points == 5
    with pytest.raises(PointsRefused, match="本日"):
        award_volunteer(bank, "s:3", rule="service_hour")
    assert balance(bank.volunteer) == 25
