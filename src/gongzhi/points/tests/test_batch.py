"""Awards and redemptions outside any caller's transaction: the one-batch path (sql.award_batch and
sql.redeem_batch), which on PostgreSQL commits on its own. Every refusal is a constraint of the
database; these tests prove that each one leaves nothing written, on both databases, with committed
data (transaction=True)."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import transaction

from gongzhi.points import actions_redemption
from gongzhi.points.actions import PointsRefused
from gongzhi.points.models import (
    AccountMonth,
    CatalogueItem,
    Entry,
    Flag,
    PointsPolicy,
    Redemption,
    Transaction,
)
from gongzhi.points.queries import balance
from gongzhi.points.tests.helpers import assert_sound, award_volunteer

pytestmark = pytest.mark.django_db(transaction=True)


def checkin(bank, source: str):  # type: ignore[no-untyped-def]
    return award_volunteer(bank, source, rule="activity_checkin")


def give(bank, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        checkin(bank, f"give:{i}")


def snapshot() -> tuple:
    return (
        Transaction.objects.count(),
        Entry.objects.count(),
        Redemption.objects.count(),
        list(AccountMonth.objects.order_by("pk").values_list("credits", "debits", "entry_count")),
        list(CatalogueItem.objects.order_by("pk").values_list("stock", flat=True)),
    )


@contextmanager
def refused_writing_nothing(match: str) -> Iterator[None]:
    """The block is refused with `match`, and nothing it tried is left in the ledger."""
    before = snapshot()
    with pytest.raises(PointsRefused, match=match):
        yield
    assert snapshot() == before
    assert_sound()


def test_an_award_commits_on_its_own_and_its_retry_is_a_no_op(bank):
    assert not transaction.get_connection().in_atomic_block
    first = checkin(bank, "places.checkin:1")
    again = checkin(bank, "places.checkin:1")
    assert first.created
    assert not again.created
    assert again.transaction_id == first.transaction_id
    assert Transaction.objects.filter(source="places.checkin:1").count() == 1
    assert balance(bank.volunteer) == first.points > 0
    assert_sound()


def test_redeeming_beyond_the_balance_writes_nothing(bank):
    give(bank, 2)  # 2 × the default check-in points, far below the rice
    with refused_writing_nothing("积分不足"):
        actions_redemption.redeem(person=bank.volunteer, item=bank.rice)


def test_the_last_unit_then_out_of_stock_writes_nothing(bank):
    bank.haircut.points = 1
    bank.haircut.save()
    give(bank, 2)
    done = actions_redemption.redeem(person=bank.volunteer, item=bank.haircut)
    assert done.created
    assert len(done.redemption.code) == 10
    assert Redemption.objects.get(pk=done.redemption.pk).transaction_id == done.redemption.transaction_id
    with refused_writing_nothing("库存不足"):
        actions_redemption.redeem(person=bank.volunteer, item=bank.haircut)
    assert CatalogueItem.objects.get(pk=bank.haircut.pk).stock == 0


def test_an_item_taken_off_offer_or_repriced_after_the_page_loaded_is_refused(bank):
    bank.rice.points = 1
    bank.rice.save()
    give(bank, 2)
    shown = CatalogueItem.objects.get(pk=bank.rice.pk)  # what the resident's page showed
    CatalogueItem.objects.filter(pk=bank.rice.pk).update(points=2)
    with refused_writing_nothing("兑换所需积分已调整"):
        actions_redemption.redeem(person=bank.volunteer, item=shown)
    CatalogueItem.objects.filter(pk=bank.rice.pk).update(points=1, active=False)
    with refused_writing_nothing("下架"):
        actions_redemption.redeem(person=bank.volunteer, item=shown)


def test_a_double_submitted_redemption_finds_the_first(bank):
    bank.rice.points = 1
    bank.rice.save()
    give(bank, 3)
    first = actions_redemption.redeem(person=bank.volunteer, item=bank.rice, idempotency_key="tap-1")
    again = actions_redemption.redeem(person=bank.volunteer, item=bank.rice, idempotency_key="tap-1")
    assert first.created
    assert not again.created
    assert again.redemption.pk == first.redemption.pk
    assert Redemption.objects.count() == 1
    assert_sound()


def test_a_burst_is_flagged_once_and_later_awards_join_the_flag(bank):
    PointsPolicy.objects.create(territory=bank.actors.net.a.community, burst_count=2, burst_minutes=60)
    for i in range(5):
        checkin(bank, f"burst:{i}")
    flag = Flag.objects.get()
    assert flag.kind == "burst"
    assert flag.award_count == 5  # 3 when the burst was seen, then +1 for each award joining it
    assert flag.transactions.count() == 5
    assert_sound()


def test_an_award_in_a_callers_transaction_that_rolls_back_leaves_nothing_behind(bank):
    def callers_work() -> None:
        with transaction.atomic():
            checkin(bank, "rolled-back")  # opens the volunteer's and the issuing account, then...
            raise RuntimeError("the caller's own work failed")

    with pytest.raises(RuntimeError):
        callers_work()
    assert Transaction.objects.count() == 0
    # the account ids seen in the rolled-back transaction were not remembered: this award works
    assert checkin(bank, "after").created
    assert balance(bank.volunteer) > 0
    assert_sound()
