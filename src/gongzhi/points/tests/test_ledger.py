"""The ledger's guarantees: append-only, balanced, running balance = recount = rollups."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gongzhi.points import posting
from gongzhi.points.actions import PointsRefused, reverse_transaction, transfer_points
from gongzhi.points.actions_accounts import account_for
from gongzhi.points.models import Account, AppendOnlyError, Entry, Transaction, TxnKind
from gongzhi.points.queries import balance, ledger_sum, recount, statement
from gongzhi.points.tests.helpers import assert_sound, award_volunteer

pytestmark = pytest.mark.django_db


def test_entries_and_transactions_refuse_update_and_delete_in_the_model(bank):
    award = award_volunteer(bank, "x:1", rule="activity_checkin")
    txn = Transaction.objects.get(pk=award.transaction_id)
    entry = txn.entries.first()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        Entry.objects.filter(pk=entry.pk).update(amount=999)
    txn.points = 99
    with pytest.raises(AppendOnlyError):
        txn.save()
    with pytest.raises(AppendOnlyError):
        Transaction.objects.all().delete()
    assert Entry.objects.filter(pk=entry.pk, amount=entry.amount).exists()


def test_the_database_refuses_rewriting_an_entry_even_with_raw_sql(bank):
    award_volunteer(bank, "x:1", rule="activity_checkin")
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE points_entry SET amount = amount + 100")
    assert ledger_sum() == 0
    if connection.vendor == "postgresql":
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM points_entry")
    assert Entry.objects.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="deferred constraint triggers are PostgreSQL's")
def test_postgres_refuses_to_commit_an_unbalanced_transaction(bank):
    c = bank.actors.net.a.community
    account = account_for(bank.volunteer, community=c)

    def post_one_leg() -> None:
        with transaction.atomic():
            txn = Transaction.objects.create(kind=TxnKind.AWARD, community=c, points=5)
            Entry.objects.create(transaction=txn, account=account, amount=5, created_at=txn.created_at)
            with connection.cursor() as cursor:  # check now instead of at the test's never-coming COMMIT
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    with pytest.raises(Exception, match="unbalanced"):
        post_one_leg()
    assert Entry.objects.count() == 0


def test_post_refuses_legs_that_do_not_sum_to_zero(bank):
    c = bank.actors.net.a.community
    a, b = account_for(bank.volunteer, community=c), account_for(c)
    with pytest.raises(posting.UnbalancedTransaction):
        posting.post(kind=TxnKind.AWARD, community_id=c.pk, legs=[(b, -5), (a, 4)], points=5)
    with pytest.raises(posting.UnbalancedTransaction):
        posting.post(kind=TxnKind.AWARD, community_id=c.pk, legs=[(a, 0), (b, 0)], points=1)
    assert Transaction.objects.count() == 0


def test_a_person_balance_cannot_go_negative_even_bypassing_actions(bank):
    account = account_for(bank.volunteer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(balance=-1)


def test_reversal_is_a_mirror_transaction_and_only_once(bank):
    award = award_volunteer(bank, "s:1", rule="service_hour", quantity=2)
    txn = Transaction.objects.get(pk=award.transaction_id)
    reversal = reverse_transaction(txn=txn, actor=bank.actors.staff_a, reason="重复登记")
    assert reversal.reverses_id == txn.pk
    assert sorted(reversal.entries.values_list("amount", flat=True)) == [-20, 20]
    assert balance(bank.volunteer) == 0
    with pytest.raises(PointsRefused, match="已冲正"):
        reverse_transaction(txn=txn, actor=bank.actors.staff_a, reason="再来一次")
    with pytest.raises(PointsRefused, match="原因"):
        reverse_transaction(txn=txn, actor=bank.actors.staff_a, reason=" ")
    assert_sound()  # the sum, the balance of each transaction, and every account's recount


def test_reversal_is_refused_when_the_points_were_spent(bank):
    c = bank.actors.net.a.community
    award = award_volunteer(bank, "m:1", rule="manual", points=100, awarded_by=bank.actors.staff_a)
    transfer_points(
        source_account=account_for(bank.volunteer),
        target_account=account_for(("team", "7"), community=c),
        points=60,
        community=c,
        actor=bank.actors.staff_a,
    )
    with pytest.raises(PointsRefused, match="余额不足"):
        reverse_transaction(
            txn=Transaction.objects.get(pk=award.transaction_id), actor=bank.actors.staff_a, reason="x"
        )
    assert balance(bank.volunteer) == 40
    assert balance(("team", "7")) == 60


def test_account_for_accepts_person_organisation_community_and_generic_owners(bank):
    c = bank.actors.net.a.community
    team = account_for(("team", "42"), community=c, label="红小二服务队")
    assert team.kind == "team"
    assert team.path == c.path
    assert team.label == "红小二服务队"
    assert account_for(("team", "42")).pk == team.pk
    assert account_for(bank.merchant).kind == "organisation"
    assert account_for(c).kind == "issuing"
    assert account_for(bank.volunteer).person_id == bank.volunteer.pk
    for bad in (("person", "1"), ("issuing", "3"), ("Team!", "1"), "team:1", bank.actors.net.a.grid):
        with pytest.raises(ValueError, match="owner|communities"):
            account_for(bad)
    assert balance(("team", "nobody")) == 0


def test_statement_opening_plus_lines_is_closing_and_equals_a_recount(bank):
    import datetime

    import time_machine

    with time_machine.travel(datetime.datetime(2026, 9, 10, 10, tzinfo=datetime.UTC), tick=False):
        award_volunteer(bank, "s:sep", rule="service_hour", quantity=3)
    with time_machine.travel(datetime.datetime(2026, 10, 3, 10, tzinfo=datetime.UTC), tick=False):
        award_volunteer(bank, "s:oct1", rule="service_hour", quantity=2)
        award_volunteer(bank, "a:oct", rule="activity_checkin")
    account = account_for(bank.volunteer)
    s = statement(account, datetime.date(2026, 10, 1))
    assert (s.opening, s.credits, s.debits, s.closing) == (30, 22, 0, 52)
    assert [line.balance for line in s.lines] == [50, 52]
    assert s.closing == balance(bank.volunteer) == recount(account).entries_sum
    assert statement(account, datetime.date(2026, 9, 1)).closing == 30


def test_a_statement_page_continues_the_running_balance_of_the_earlier_pages(bank):

    for i in range(7):
        award_volunteer(bank, f"m:{i}", rule="manual", points=i + 1, awarded_by=bank.actors.staff_a)
    account = account_for(bank.volunteer)
    month = timezone.localdate().replace(day=1)
    whole = statement(account, month)
    pages = [statement(account, month, page=n, per_page=3) for n in (1, 2, 3)]
    assert [p.pages for p in pages] == [3, 3, 3]
    assert [line.balance for p in pages for line in p.lines] == [line.balance for line in whole.lines]
    assert pages[2].closing == whole.closing == 28
    assert statement(account, month, page=99, per_page=3).page == 3
