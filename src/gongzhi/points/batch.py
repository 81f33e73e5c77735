"""Awards and redemptions posted as one batch of statements (the hot paths of the kindness bank).

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

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from django.db import IntegrityError, connection, transaction

from gongzhi.points import sql
from gongzhi.points.models import CatalogueItem, Entry, Flag, Redemption, Transaction
from gongzhi.points.sql import REDEMPTION_COLUMNS, TXN_COLUMNS, at, quote, table_name


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


# --- statements -----------------------------------------------------------------------------------


@cache
def _insert_txn_sql() -> str:
    cols = ", ".join(quote(c) for c in TXN_COLUMNS)
    return f"INSERT INTO {table_name(Transaction)} ({cols}) VALUES ({', '.join(['%s'] * len(TXN_COLUMNS))})"  # noqa: S608


@cache
def _entries_sql() -> str:
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


def award(
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
    batch.add(_insert_txn_sql(), _txn_params(values))
    batch.add(sql.move_sql(False), [points, recipient_account])
    batch.add(_entries_sql(), [issuing_account, -points, stamp, recipient_account, points, stamp])
    batch.add(sql.rollup_sql(), [recipient_account, sql.day(month), points, 0])
    bump, link, result = _flag_sqls()
    batch.add(bump, [flag_key])
    batch.add(link, [flag_key])
    batch.add(sql.move_sql(False), [-points, issuing_account])  # hot: last
    batch.add(sql.rollup_sql(), [issuing_account, sql.day(month), 0, points])
    batch.add(result, [flag_key])
    txn_id, flag_id = batch.run()
    return txn_id, flag_id


@dataclass(frozen=True)
class Redeemed:
    transaction_id: int
    redemption_id: int


def redeem(
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
    batch.add(_insert_txn_sql(), _txn_params(values))
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
    batch.add(sql.move_sql(False), [-cost, person_account])  # CHECK balance >= 0 guards it
    batch.add(_entries_sql(), [person_account, -cost, stamp, provider_account, cost, stamp])
    batch.add(sql.rollup_sql(), [person_account, sql.day(month), 0, cost])
    batch.add(_take_stock_sql(), [price, quantity, item_id])
    batch.add(sql.move_sql(False), [cost, provider_account])  # hot: last
    batch.add(sql.rollup_sql(), [provider_account, sql.day(month), cost, 0])
    refs_ = refs()
    batch.add(f"SELECT {refs_.txn}, {refs_.redemption}", [])
    txn_id, redemption_id = batch.run()
    return Redeemed(txn_id, redemption_id)
