"""Redeem, verify exactly once at the right counter, cancel/expire with refund and restock, expiry of points."""

import datetime

import pytest
import time_machine
from django.http import Http404

from gongzhi.points import actions_redemption
from gongzhi.points.actions import PointsRefused
from gongzhi.points.actions_accounts import account_for
from gongzhi.points.expiry import expire_points
from gongzhi.points.models import CatalogueItem, PointsPolicy, Redemption, RedemptionStatus
from gongzhi.points.queries import balance, ledger_sum, recount
from gongzhi.points.tests.helpers import assert_sound, award_volunteer, fund

pytestmark = pytest.mark.django_db


def test_redeem_debits_pays_the_merchant_takes_stock_and_issues_a_code(bank):
    fund(bank.volunteer, bank.actors.net.a.community, 400)
    result = actions_redemption.redeem(person=bank.volunteer, item=bank.rice)
    r = result.redemption
    assert result.created
    assert r.status == RedemptionStatus.ISSUED
    assert r.code.isdigit()
    assert len(r.code) == 10
    assert balance(bank.volunteer) == 100
    assert balance(bank.merchant) == 300
    assert CatalogueItem.objects.get(pk=bank.rice.pk).stock == 4
    assert_sound()  # the sum and the balance of each transaction, and more


def test_redeeming_more_than_the_balance_is_refused_and_nothing_changes(bank):
    fund(bank.volunteer, bank.actors.net.a.community, 299)
    with pytest.raises(PointsRefused, match="积分不足"):
        actions_redemption.redeem(person=bank.volunteer, item=bank.rice)
    assert balance(bank.volunteer) == 299
    assert CatalogueItem.objects.get(pk=bank.rice.pk).stock == 5
    assert Redemption.objects.count() == 0


def test_redeeming_more_than_the_stock_is_refused_and_nothing_changes(bank):
    fund(bank.volunteer, bank.actors.net.a.community, 500)
    with pytest.raises(PointsRefused, match="库存不足"):
        actions_redemption.redeem(person=bank.volunteer, item=bank.haircut, quantity=2)
    assert balance(bank.volunteer) == 500
    assert CatalogueItem.objects.get(pk=bank.haircut.pk).stock == 1
    actions_redemption.redeem(person=bank.volunteer, item=bank.haircut)
    with pytest.raises(PointsRefused, match="库存不足"):
        actions_redemption.redeem(person=bank.volunteer, item=bank.haircut)
    assert balance(bank.volunteer) == 400
    assert ledger_sum() == 0


def test_a_double_submitted_redemption_is_one_redemption(bank):
    fund(bank.volunteer, bank.actors.net.a.community, 500)
    first = actions_redemption.redeem(person=bank.volunteer, item=bank.rice, idempotency_key="k1")
    again = actions_redemption.redeem(person=bank.volunteer, item=bank.rice, idempotency_key="k1")
    assert again.redemption.pk == first.redemption.pk
    assert not again.created
    assert Redemption.objects.count() == 1
    assert balance(bank.volunteer) == 200


def test_verify_once_then_409_and_another_merchant_gets_404(bank):
    fund(bank.volunteer, bank.actors.net.a.community, 400)
    r = actions_redemption.redeem(person=bank.volunteer, item=bank.rice).redemption
    with pytest.raises(Http404):
        actions_redemption.verify(code=r.code, actor=bank.merchant_staff_b)
    with pytest.raises(Http404):
        actions_redemption.verify(code=r.code, actor=bank.actors.resident_a)
    assert Redemption.objects.get(pk=r.pk).status == RedemptionStatus.ISSUED
    done = actions_redemption.verify(code=f" {r.code[:5]} {r.code[5:]} ", actor=bank.merchant_staff)
    assert done.status == RedemptionStatus.VERIFIED
    assert done.verified_by == bank.merchant_staff
    with pytest.raises(actions_redemption.AlreadyDecided) as exc:
        actions_redemption.verify(code=r.code, actor=bank.merchant_staff)
    assert "已于" in actions_redemption.already_message(exc.value.redemption)
    with pytest.raises(actions_redemption.AlreadyDecided):
        actions_redemption.cancel(redemption=r, actor=None)


def test_locker_items_are_verified_by_community_staff_and_pay_back_to_the_issuer(bank):
    c = bank.actors.net.a.community
    fund(bank.volunteer, c, 150)
    r = actions_redemption.redeem(person=bank.volunteer, item=bank.locker_item).redemption
    assert balance(c) == -150 + 150
    with pytest.raises(Http404):
        actions_redemption.verify(code=r.code, actor=bank.merchant_staff)
    with pytest.raises(Http404):
        actions_redemption.verify(code=r.code, actor=bank.actors.staff_b)
    assert (
        actions_redemption.verify(code=r.code, actor=bank.actors.staff_a).status == RedemptionStatus.VERIFIED
    )


def test_cancel_refunds_by_reversing_entries_and_restocks(bank):
    fund(bank.volunteer, bank.actors.net.a.community, 300)
    r = actions_redemption.redeem(person=bank.volunteer, item=bank.rice).redemption
    done = actions_redemption.cancel(redemption=r, actor=bank.actors.resident_a)
    assert done.status == RedemptionStatus.CANCELLED
    assert done.refund.reverses_id == r.transaction_id
    assert balance(bank.volunteer) == 300
    assert balance(bank.merchant) == 0
    assert CatalogueItem.objects.get(pk=bank.rice.pk).stock == 5
    with pytest.raises(actions_redemption.AlreadyDecided):
        actions_redemption.cancel(redemption=r, actor=None)
    with pytest.raises(actions_redemption.AlreadyDecided):
        actions_redemption.verify(code=r.code, actor=bank.merchant_staff)
    assert recount(account_for(bank.volunteer)).consistent
    assert recount(account_for(bank.merchant)).consistent


def test_uncollected_redemptions_expire_with_refund(bank):
    fund(bank.volunteer, bank.actors.net.a.community, 300)
    r = actions_redemption.redeem(person=bank.volunteer, item=bank.rice).redemption
    later = r.expires_at + datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False), pytest.raises(actions_redemption.AlreadyDecided):
        actions_redemption.verify(code=r.code, actor=bank.merchant_staff)
    assert actions_redemption.expire_redemptions(now=later) == 1
    assert Redemption.objects.get(pk=r.pk).status == RedemptionStatus.EXPIRED
    assert balance(bank.volunteer) == 300
    assert CatalogueItem.objects.get(pk=bank.rice.pk).stock == 5
    assert actions_redemption.expire_redemptions(now=later) == 0


def test_points_expire_at_the_end_of_the_nth_year_fifo_and_idempotently(bank):
    c = bank.actors.net.a.community
    PointsPolicy.objects.create(territory=bank.actors.net.district, expiry_years=1)
    with time_machine.travel(datetime.datetime(2024, 6, 1, 4, tzinfo=datetime.UTC), tick=False):
        fund(bank.volunteer, c, 500, source="2024")
    with time_machine.travel(datetime.datetime(2025, 6, 1, 4, tzinfo=datetime.UTC), tick=False):
        fund(bank.volunteer, c, 200, source="2025")
        actions_redemption.redeem(
            person=bank.volunteer, item=bank.rice
        )  # spends 300 of the 2024 points first
    assert expire_points(as_of=datetime.date(2025, 12, 31)) == {"accounts": 0, "points": 0}
    # 2024's points expire at the end of 2025: 500 earned - 300 spent = 200 left to expire
    assert expire_points(as_of=datetime.date(2026, 1, 1)) == {"accounts": 1, "points": 200}
    assert balance(bank.volunteer) == 200
    assert expire_points(as_of=datetime.date(2026, 3, 1)) == {"accounts": 0, "points": 0}
    assert ledger_sum() == 0


def test_award_points_interface_for_other_apps(bank):
    award = award_volunteer(bank, "service.order:5", rule="order_rated", awarded_by=bank.actors.resident_a)
    assert award.created
    assert award.points == 5


def test_the_yearly_command_expires_points_and_sweeps_uncollected_codes(bank):
    from io import StringIO

    from django.core.management import call_command

    c = bank.actors.net.a.community
    PointsPolicy.objects.create(territory=c, expiry_years=1)
    with time_machine.travel(datetime.datetime(2024, 3, 1, 4, tzinfo=datetime.UTC), tick=False):
        fund(bank.volunteer, c, 120, source="old")
    out = StringIO()
    call_command("points_expire", "--as-of", "2026-01-01", stdout=out)
    assert "expired 120 points on 1 accounts" in out.getvalue()
    assert balance(bank.volunteer) == 0
