"""Real concurrency on PostgreSQL (SQLite serialises write transactions, so it cannot race): many
threads, each with its own connection, redeem and award against shared accounts and one scarce item.
No balance or stock goes negative, the ledger sums to zero, retries of one source or one
Idempotency-Key are no-ops, and a pickup code is handed over once."""

import pytest
from django.db import connection

from gongzhi.core.testing import run_together
from gongzhi.people.tests.factories import make_person
from gongzhi.points import actions_redemption
from gongzhi.points.actions import PointsRefused, award_points
from gongzhi.points.actions_accounts import account_for
from gongzhi.points.models import CatalogueItem, EarningRule, Redemption, Transaction
from gongzhi.points.queries import balance
from gongzhi.points.tests.helpers import assert_sound, award_volunteer, fund

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_64_clients_on_one_scarce_item_and_shared_accounts(bank):
    c = bank.actors.net.a.community
    people = [make_person(name=f"居民{i}", household=bank.actors.net.a.household) for i in range(16)]
    for p in people:
        fund(p, c, 250, source=f"fund:{p.pk}")
    CatalogueItem.objects.filter(pk=bank.haircut.pk).update(stock=5)
    EarningRule.objects.create(territory=c, code="activity_checkin", points_per_unit=2, daily_cap=6)

    def work(i: int):  # type: ignore[no-untyped-def]
        person = people[i % 16]
        outcomes = []
        for round_ in range(3):
            if (i + round_) % 2:
                try:
                    outcomes.append(actions_redemption.redeem(person=person, item=bank.haircut).created)
                except PointsRefused as exc:
                    outcomes.append(str(exc))
            else:  # awards to shared recipients, each source posted by up to four clients
                try:
                    outcomes.append(
                        award_points(
                            rule="activity_checkin",
                            recipient=people[i // 4],
                            source=f"checkin:{i // 4}:{round_}",
                            community=c,
                        )
                    )
                except PointsRefused as exc:  # the daily cap, reached concurrently
                    outcomes.append(str(exc))
        return outcomes

    results = run_together(64, work, wait_s=20, join_s=120)
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert Redemption.objects.filter(item=bank.haircut).count() == 5
    assert CatalogueItem.objects.get(pk=bank.haircut.pk).stock == 0
    refused = [o for r in results for o in r if isinstance(o, str)]
    assert refused
    assert all(("库存不足" in o) or ("积分不足" in o) or ("上限" in o) for o in refused)
    # every (recipient, source) pair was awarded exactly once however many clients posted it
    awards = Transaction.objects.filter(rule="activity_checkin")
    assert awards.count() == awards.values("recipient", "source").distinct().count()
    # and the daily cap held under the race
    for p in people:
        assert sum(awards.filter(recipient=p).values_list("points", flat=True)) <= 6
    assert_sound()


def test_racing_debits_of_one_account_cannot_overdraw_it(bank):
    c = bank.actors.net.a.community
    fund(bank.volunteer, c, 300)
    CatalogueItem.objects.filter(pk=bank.rice.pk).update(stock=100)
    results = run_together(
        12, lambda i: actions_redemption.redeem(person=bank.volunteer, item=bank.rice), wait_s=20, join_s=120
    )
    assert sum(1 for r in results if isinstance(r, actions_redemption.RedeemResult)) == 1
    assert all(isinstance(r, (actions_redemption.RedeemResult, PointsRefused)) for r in results)
    assert balance(bank.volunteer) == 0
    assert CatalogueItem.objects.get(pk=bank.rice.pk).stock == 99
    assert_sound()


def test_one_source_posted_by_many_clients_is_awarded_once(bank):
    results = run_together(
        16,
        lambda i: award_volunteer(bank, "service.order:77", rule="service_hour", quantity=2),
        wait_s=20,
        join_s=120,
    )
    assert all(not isinstance(r, Exception) for r in results), results
    assert len({r.transaction_id for r in results}) == 1
    assert sum(1 for r in results if r.created) == 1
    assert balance(bank.volunteer) == 20
    assert_sound()


def test_a_double_submitted_redemption_under_race_is_one_redemption(bank):
    c = bank.actors.net.a.community
    fund(bank.volunteer, c, 500)
    results = run_together(
        8,
        lambda i: actions_redemption.redeem(
            person=bank.volunteer, item=bank.rice, idempotency_key="tap-twice"
        ),
        wait_s=20,
        join_s=120,
    )
    assert all(isinstance(r, actions_redemption.RedeemResult) for r in results), (
        results,
        balance(bank.volunteer),
        list(Redemption.objects.values("idempotency_key", "person_id")),
        bank.volunteer.pk,
    )
    assert len({r.redemption.pk for r in results}) == 1
    assert Redemption.objects.count() == 1
    assert balance(bank.volunteer) == 200
    assert_sound()


def test_a_code_scanned_at_two_counters_at_once_is_handed_over_once(bank):
    c = bank.actors.net.a.community
    fund(bank.volunteer, c, 300)
    r = actions_redemption.redeem(person=bank.volunteer, item=bank.rice).redemption
    results = run_together(
        8, lambda i: actions_redemption.verify(code=r.code, actor=bank.merchant_staff), wait_s=20, join_s=120
    )
    assert sum(1 for x in results if isinstance(x, Redemption)) == 1
    assert sum(1 for x in results if isinstance(x, actions_redemption.AlreadyDecided)) == 7
    assert account_for(bank.merchant).balance == 300
