"""The ledger's hot statements, written once as SQL (PostgreSQL and SQLite alike).

Why not the ORM here: an award or a redemption is ten short statements, and compiling ten querysets
cost more CPU than the database spent running them (issue #5: 64 clients must reach 500 ledger
operations/s on two cores). Every statement below is a plain single-table INSERT/UPDATE with
parameters; both databases run them unchanged (UPSERT and RETURNING: SQLite ≥ 3.35, PostgreSQL ≥ 9.5).
Reads for pages and reports stay in the ORM (`queries.py`).
"""

from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

from django.db import connection

from gongzhi.points.models import Account, AccountMonth, Entry, Transaction


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
