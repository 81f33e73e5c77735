"""Posting a balanced transaction: the one place that writes entries and moves balances.

Locking (why there are no deadlocks, negative balances or lost updates):
- Every balance change is one conditional UPDATE: `balance = balance + n`, and for a debit of a
  non-issuing account `... WHERE balance >= n`. The UPDATE takes the row lock and checks in one
  statement, so two debits racing for the last points cannot both pass (the loser's WHERE re-reads
  the committed row under READ COMMITTED and matches nothing -> InsufficientPoints). The CHECK
  constraint on Account.balance is the last line behind it.
- Rows are locked in one global order: ordinary accounts (persons, teams) by pk, then catalogue
  items (stock), then the shared "hot" accounts (organisations, issuing accounts) by pk. Any two
  transactions therefore acquire their common rows in the same order and cannot deadlock; and the
  hot rows, which every award/redemption of a community touches, are locked last, so each holds
  them only for the few statements before COMMIT.
- The monthly rollup row of an account is only written after that account's row is locked; it is
  one UPSERT (unique account+month) all the same.
- A transaction with a source (awards, expiries) is inserted with ON CONFLICT DO NOTHING after the
  ordinary accounts are locked: of two postings of one source, the second waits on the unique index
  for the first to commit, inserts nothing, and rolls back (DuplicateSource) — idempotency without
  a read before every write.
- The statements are SQL written once (`sql.py`): compiling querysets cost more CPU than running them.
- SQLite runs write transactions one at a time (IMMEDIATE), so none of this can race there.
"""

from collections.abc import Sequence
from datetime import date, datetime

from django.db import connection
from django.utils import timezone

from gongzhi.points import sql
from gongzhi.points.models import Account, AccountKind, Transaction

HOT_KINDS = frozenset({AccountKind.ORGANISATION, AccountKind.ISSUING})


class UnbalancedTransaction(ValueError):
    """A programming error: legs that do not sum to zero never reach the database."""


class DuplicateSource(Exception):
    """The (rule, recipient, source) was already posted: nothing was inserted. The caller's atomic
    block rolls back what this transaction moved so far, and the caller returns the first posting."""


class InsufficientPoints(Exception):
    def __init__(self, account: Account, wanted: int) -> None:
        super().__init__(f"account {account.pk} cannot pay {wanted}")
        self.account = account
        self.wanted = wanted


def lock_rank(account: Account) -> tuple[int, int]:
    """Position of an account in the global lock order (see the module docstring)."""
    return (2 if account.kind in HOT_KINDS else 0, account.pk)


def month_of(moment: datetime) -> date:
    return timezone.localdate(moment).replace(day=1)


def post(
    *,
    kind: str,
    community_id: int,
    legs: Sequence[tuple[Account, int]],
    points: int,
    rule: str = "",
    recipient_id: int | None = None,
    awarded_by_id: int | None = None,
    awarded_by_person_id: int | None = None,
    source: str = "",
    quantity: int = 1,
    memo: str = "",
    reverses_id: int | None = None,
    before_hot: "callable | None" = None,  # type: ignore[valid-type]
    at: datetime | None = None,
    then: "callable | None" = None,  # type: ignore[valid-type]
) -> Transaction:
    """Write one transaction with its entries and move the balances. Must run inside
    transaction.atomic (callers' actions do). Order of work: ordinary accounts (conditional
    moves), the transaction and its entries, their rollups, `then(txn)` (the caller's own writes that
    need the transaction: review flags, the redemption row), `before_hot()` (the redemption's stock
    decrement: the item row comes after ordinary accounts in the lock order), and last the hot
    accounts — so the rows everyone contends for stay locked only for the final statements. Raises InsufficientPoints (the caller's atomic block rolls back)."""
    if len(legs) < 2 or any(amount == 0 for _a, amount in legs):
        raise UnbalancedTransaction("a transaction needs two or more non-zero legs")
    if sum(amount for _a, amount in legs) != 0:
        raise UnbalancedTransaction(f"legs sum to {sum(a for _x, a in legs)}, not 0")
    ordinary = sorted(
        (leg for leg in legs if leg[0].kind not in HOT_KINDS), key=lambda leg: lock_rank(leg[0])
    )
    hot = sorted((leg for leg in legs if leg[0].kind in HOT_KINDS), key=lambda leg: lock_rank(leg[0]))
    for account, amount in ordinary:
        _move(account, amount)
    values = {
        "kind": kind,
        "rule": rule,
        "community_id": community_id,
        "recipient_id": recipient_id,
        "awarded_by_id": awarded_by_id,
        "awarded_by_person_id": awarded_by_person_id,
        "source": source,
        "points": points,
        "quantity": quantity,
        "memo": memo[:200],
        "reverses_id": reverses_id,
        "created_at": at or timezone.now(),
    }
    txn_id = sql.insert_transaction(values)
    if txn_id is None:
        raise DuplicateSource(source)
    txn = Transaction(id=txn_id, **values)
    txn._state.adding = False
    txn._state.db = connection.alias
    sql.insert_entries(txn_id, [(account.pk, amount) for account, amount in legs], txn.created_at)
    month = month_of(txn.created_at)
    for account, amount in ordinary:
        sql.roll_up(account.pk, month, amount)
    if then is not None:
        then(txn)
    if before_hot is not None:
        before_hot()
    # the hot rows last: locked only for these few statements and the COMMIT
    for account, amount in hot:
        _move(account, amount)
        sql.roll_up(account.pk, month, amount)
    return txn


def _move(account: Account, amount: int) -> None:
    guard = amount < 0 and account.kind != AccountKind.ISSUING
    if not sql.move(account.pk, amount, guard=guard):
        raise InsufficientPoints(account, -amount)
