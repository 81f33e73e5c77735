"""Every raw SQL statement of the kindness bank, written once (PostgreSQL and SQLite alike); decision
0032 (ledger posting as one batch) justifies each, issue 14 step 5 keeps them in this one module.

Why not the ORM here: an award or a redemption is ten short statements, and compiling ten querysets
cost more CPU than the database spent running them (issue #5: 64 clients must reach 500 ledger
operations/s on two cores). Every statement below is a plain single-table INSERT/UPDATE with
parameters; both databases run them unchanged (UPSERT and RETURNING: SQLite ≥ 3.35, PostgreSQL ≥ 9.5).
Reads for pages and reports stay in the ORM (`queries.py`).

Awards and redemptions are posted as one batch of statements (`award_batch`, `redeem_batch`).

Why: an award or a redemption is nine short writes. Sent one by one, each costs a round trip and
its share of driver and server overhead; on two cores that capped the ledger at ~150 operations/s
(issue #5 asks 500 with 64 clients). Here the statements are built once and sent together:
- PostgreSQL: one simple-protocol message. Outside a transaction the server runs it as one implicit
  transaction (all or nothing, deferred triggers at its end), so an award is one round trip.
- SQLite: the same statements one after another inside `transaction.atomic` (IMMEDIATE).

No statement reads and branches: every refusal is a constraint the database enforces, and the
caller turns the IntegrityError into the user's message (`violated`):
- a repeated award source: unique (rule, recipient, source) -> the first award stands;
- a debit beyond the balance: CHECK balance >= 0 -> 积分不足;
- the last unit, an item taken off offer or repriced meanwhile: CHECK stock >= 0 (the stock UPDATE
  writes -1 when the item is no longer offered at the price the resident saw);
- a double-submitted redemption: unique (person, idempotency_key) -> the first redemption.
Locks are taken in posting's global order (ordinary accounts, then the item, then the hot
organisation/issuing account), so batches cannot deadlock with each other or with posting.post.
The id of the transaction just inserted is referred to in SQL (`Refs`): PostgreSQL's currval is
per session; SQLite's sqlite_sequence row is ours while our write transaction holds the lock.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from django.db import IntegrityError, connection, transaction

from gongzhi.points.models import Account, AccountMonth, CatalogueItem, Entry, Flag, Redemption, Transaction


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table_name(model: Any) -> str:
    return quote(model._meta.db_table)


def at(moment: datetime) -> Any:
    """A datetime parameter as the ORM would store it (SQLite: naive UTC text)."""
    return connection.ops.adapt_datetimefield_value(moment)


def day(value: date) -> Any:
    return connection.ops.adapt_datefield_value(value)


# --- accounts -------------------------------------------------------------------------------------


@cache
def move_sql(conditional: bool) -> str:
    table, balance = table_name(Account), quote("balance")
    guard = f" AND {balance} >= %s" if conditional else ""
    return f"UPDATE {table} SET {balance} = {balance} + %s WHERE {quote('id')} = %s{guard}"  # noqa: S608


def move(account_id: int, amount: int, *, guard: bool) -> bool:
    """balance += amount in one statement (the row lock and, with guard, the check that the balance
    covers a debit). False when no row matched: the guard failed (or the account is gone)."""
    with connection.cursor() as cursor:
        if guard:
            cursor.execute(move_sql(True), [amount, account_id, -amount])
        else:
            cursor.execute(move_sql(False), [amount, account_id])
        return cursor.rowcount == 1


@cache
def _lock_sql() -> str:
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return f"SELECT {quote('id')} FROM {table_name(Account)} WHERE {quote('id')} = %s{lock}"  # noqa: S608


def lock_account(account_id: int) -> None:
    """Row lock on PostgreSQL; SQLite's IMMEDIATE transaction already serialises writers."""
    with connection.cursor() as cursor:
        cursor.execute(_lock_sql(), [account_id])


@cache
def rollup_sql() -> str:
    table = table_name(AccountMonth)
    cols = ", ".join(quote(c) for c in ("account_id", "month", "credits", "debits", "entry_count"))
    credits, debits, count = quote("credits"), quote("debits"), quote("entry_count")
    return (
        f"INSERT INTO {table} ({cols}) VALUES (%s, %s, %s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({quote('account_id')}, {quote('month')}) DO UPDATE SET "
        f"{credits} = {table}.{credits} + excluded.{credits}, "
        f"{debits} = {table}.{debits} + excluded.{debits}, "
        f"{count} = {table}.{count} + 1"
    )


def roll_up(account_id: int, month: date, amount: int) -> None:
    """The account's monthly rollup row, created or added to in one statement (unique account+month)."""
    credit, debit = (amount, 0) if amount > 0 else (0, -amount)
    with connection.cursor() as cursor:
        cursor.execute(rollup_sql(), [account_id, day(month), credit, debit])


# --- transactions and entries ---------------------------------------------------------------------

TXN_COLUMNS = (
    "kind",
    "rule",
    "community_id",
    "recipient_id",
    "awarded_by_id",
    "awarded_by_person_id",
    "source",
    "points",
    "quantity",
    "memo",
    "reverses_id",
    "created_at",
)


@cache
def _txn_sql(idempotent: bool) -> str:
    cols = ", ".join(quote(c) for c in TXN_COLUMNS)
    marks = ", ".join(["%s"] * len(TXN_COLUMNS))
    # a repeated source (rule, recipient, source unique) inserts nothing and returns no row
    conflict = " ON CONFLICT DO NOTHING" if idempotent else ""
    return (
        f"INSERT INTO {table_name(Transaction)} ({cols}) VALUES ({marks}){conflict} RETURNING {quote('id')}"  # noqa: S608
    )


def insert_transaction(values: dict[str, Any]) -> int | None:
    """The new transaction's id; None when it carries a source already posted (nothing written)."""
    params = [values[c] if c != "created_at" else at(values[c]) for c in TXN_COLUMNS]
    with connection.cursor() as cursor:
        cursor.execute(_txn_sql(bool(values["source"])), params)
        row = cursor.fetchone()
    return row[0] if row else None


@cache
def _entries_sql(legs: int) -> str:
    cols = ", ".join(quote(c) for c in ("transaction_id", "account_id", "amount", "created_at"))
    rows = ", ".join(["(%s, %s, %s, %s)"] * legs)
    return f"INSERT INTO {table_name(Entry)} ({cols}) VALUES {rows}"  # noqa: S608


def insert_entries(txn_id: int, legs: Sequence[tuple[int, int]], created_at: datetime) -> None:
    stamp = at(created_at)
    params: list[Any] = []
    for account_id, amount in legs:
        params += [txn_id, account_id, amount, stamp]
    with connection.cursor() as cursor:
        cursor.execute(_entries_sql(len(legs)), params)


# --- redemptions ----------------------------------------------------------------------------------

REDEMPTION_COLUMNS = (
    "item_id",
    "person_id",
    "quantity",
    "points",
    "status",
    "code",
    "idempotency_key",
    "transaction_id",
    "created_at",
    "expires_at",
)


# --- batches: an award and a redemption as one message ------------------------------------------


@dataclass(frozen=True)
class Refs:
    txn: str  # SQL expression: id of the transaction this batch inserted
    redemption: str


@cache
def refs() -> Refs:
    def last_id(model: Any) -> str:
        table = model._meta.db_table
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                sequence = cursor.fetchone()[0]
            return f"currval('{sequence}')"
        # AUTOINCREMENT tables keep their last id here (Django's SQLite AutoField)
        return f"(SELECT seq FROM sqlite_sequence WHERE name = '{table}')"  # noqa: S608

    return Refs(txn=last_id(Transaction), redemption=last_id(Redemption))


@dataclass
class Batch:
    steps: list[tuple[str, list[Any]]] = field(default_factory=list)

    def add(self, statement: str, params: list[Any]) -> None:
        self.steps.append((statement, params))

    def run(self) -> tuple[Any, ...]:
        """Execute every step; the last must be a SELECT, whose row is returned. IntegrityError
        (nothing written) when a constraint refuses a step."""
        if connection.vendor == "postgresql":
            text = ";\n".join(s for s, _p in self.steps)
            params = [p for _s, ps in self.steps for p in ps]
            with connection.cursor() as cursor:
                cursor.execute(text, params)
                while cursor.nextset():  # the last statement's result
                    pass
                return tuple(cursor.fetchone())
        with transaction.atomic(), connection.cursor() as cursor:
            for statement, params in self.steps:
                cursor.execute(statement, params)
            return tuple(cursor.fetchone())


def violated(exc: IntegrityError, name: str, *columns: str) -> bool:
    """Whether the constraint `name` (on SQLite: or the unique `columns`, "table.column") refused."""
    diag = getattr(exc.__cause__, "diag", None)
    if diag is not None and getattr(diag, "constraint_name", None):
        return diag.constraint_name == name
    text = str(exc)
    return name in text or bool(columns) and all(c in text for c in columns)


# --- the statements of a batch ---------------------------------------------------------------------


@cache
def _batch_txn_sql() -> str:
    cols = ", ".join(quote(c) for c in TXN_COLUMNS)
    return f"INSERT INTO {table_name(Transaction)} ({cols}) VALUES ({', '.join(['%s'] * len(TXN_COLUMNS))})"  # noqa: S608


@cache
def _batch_entries_sql() -> str:
    cols = ", ".join(quote(c) for c in ("transaction_id", "account_id", "amount", "created_at"))
    ref = refs().txn
    return f"INSERT INTO {table_name(Entry)} ({cols}) VALUES ({ref}, %s, %s, %s), ({ref}, %s, %s, %s)"  # noqa: S608


@cache
def _flag_sqls() -> tuple[str, str, str]:
    flag, count, key = table_name(Flag), quote("award_count"), quote("key")
    through = table_name(Flag.transactions.through)
    bump = f"UPDATE {flag} SET {count} = {count} + 1 WHERE {key} = %s"  # noqa: S608
    link = (
        f"INSERT INTO {through} ({quote('flag_id')}, {quote('transaction_id')}) "  # noqa: S608
        f"SELECT {quote('id')}, {refs().txn} FROM {flag} WHERE {key} = %s ON CONFLICT DO NOTHING"
    )
    result = f"SELECT {refs().txn}, (SELECT {quote('id')} FROM {flag} WHERE {key} = %s)"  # noqa: S608
    return bump, link, result


@cache
def _redemption_sql() -> str:
    cols = ", ".join(quote(c) for c in REDEMPTION_COLUMNS)
    marks = ", ".join(refs().txn if c == "transaction_id" else "%s" for c in REDEMPTION_COLUMNS)
    return f"INSERT INTO {table_name(Redemption)} ({cols}) VALUES ({marks})"  # noqa: S608


@cache
def _take_stock_sql() -> str:
    stock = quote("stock")
    return (
        f"UPDATE {table_name(CatalogueItem)} SET {stock} = CASE WHEN {quote('active')} AND {quote('points')} = %s "  # noqa: S608
        f"THEN {stock} - %s ELSE -1 END WHERE {quote('id')} = %s"
    )


def _txn_params(values: dict[str, Any]) -> list[Any]:
    return [at(values[c]) if c == "created_at" else values[c] for c in TXN_COLUMNS]


def award_batch(
    *,
    values: dict[str, Any],
    recipient_account: int,
    issuing_account: int,
    month: date,
    flag_key: str,
) -> tuple[int, int | None]:
    """(transaction id, id of the burst flag for flag_key or None). values: the Transaction columns."""
    points = values["points"]
    stamp = at(values["created_at"])
    batch = Batch()
    batch.add(_batch_txn_sql(), _txn_params(values))
    batch.add(move_sql(False), [points, recipient_account])
    batch.add(_batch_entries_sql(), [issuing_account, -points, stamp, recipient_account, points, stamp])
    batch.add(rollup_sql(), [recipient_account, day(month), points, 0])
    bump, link, result = _flag_sqls()
    batch.add(bump, [flag_key])
    batch.add(link, [flag_key])
    batch.add(move_sql(False), [-points, issuing_account])  # hot: last
    batch.add(rollup_sql(), [issuing_account, day(month), 0, points])
    batch.add(result, [flag_key])
    txn_id, flag_id = batch.run()
    return txn_id, flag_id


@dataclass(frozen=True)
class Redeemed:
    transaction_id: int
    redemption_id: int


def redeem_batch(
    *,
    values: dict[str, Any],
    redemption: dict[str, Any],
    person_account: int,
    provider_account: int,
    item_id: int,
    price: int,
    quantity: int,
    month: date,
) -> Redeemed:
    """values: the Transaction columns; redemption: the Redemption columns but transaction_id."""
    cost = values["points"]
    stamp = at(values["created_at"])
    batch = Batch()
    batch.add(_batch_txn_sql(), _txn_params(values))
    batch.add(
        _redemption_sql(),
        [
            at(redemption[c])
            if c in ("created_at", "expires_at") and redemption[c] is not None
            else redemption[c]
            for c in REDEMPTION_COLUMNS
            if c != "transaction_id"
        ],
    )
    batch.add(move_sql(False), [-cost, person_account])  # CHECK balance >= 0 guards it
    batch.add(_batch_entries_sql(), [person_account, -cost, stamp, provider_account, cost, stamp])
    batch.add(rollup_sql(), [person_account, day(month), 0, cost])
    batch.add(_take_stock_sql(), [price, quantity, item_id])
    batch.add(move_sql(False), [cost, provider_account])  # hot: last
    batch.add(rollup_sql(), [provider_account, day(month), cost, 0])
    refs_ = refs()
    batch.add(f"SELECT {refs_.txn}, {refs_.redemption}", [])
    txn_id, redemption_id = batch.run()
    return Redeemed(txn_id, redemption_id)
