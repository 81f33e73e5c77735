"""The raw SQL of appeals, in one place (issue 14 step 5). Everything else goes through the ORM or
core.rowsql. Table and column names come from the models and are quoted; every value is a
parameter. Each statement names the decision record that explains why it is not an ORM query.

Nothing here returns a fragment for another module to glue into its own SQL: each function runs
(or returns) a whole statement."""

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection, models
from django.utils import timezone

from gongzhi.appeals import notify
from gongzhi.appeals.hotline_rows import BATCH
from gongzhi.appeals.models import Appeal, CalendarDay, DailyStat, DeadlinePolicy, RoutingRuleSet
from gongzhi.core.cache import pure
from gongzhi.core.rowsql import Statement

if TYPE_CHECKING:
    from gongzhi.appeals.lifecycle import StatDelta

STAT_COUNTERS = ("dispatched", "signed_on_time", "rated", "solved", "satisfied")


@pure(maxsize=None)
def _q(name: str) -> str:
    """A quoted table or column name, once per process (the connection proxy is not free)."""
    return connection.ops.quote_name(name)


# --- the intake's one round trip of reads (decisions 0028, 0031) ---------------------------------


@pure(maxsize=None)
def _deadline_version() -> str:
    """Six select-list items whose values are the deadline policies' and holiday calendar's version
    (a row added, deleted or edited changes it): decision 0028, the per-process deadline cache."""
    policy, day = _q(DeadlinePolicy._meta.db_table), _q(CalendarDay._meta.db_table)
    q = _q
    return (
        f"(SELECT COUNT(*) FROM {policy}), (SELECT MAX({q('updated_at')}) FROM {policy}), "  # noqa: S608
        f"(SELECT SUM({q('id')} * ({q('sign_hours')} + 7 * {q('contact_hours')} + 31 * {q('resolve_workdays')}))"
        f" FROM {policy}), (SELECT COUNT(*) FROM {day}), (SELECT MAX({q('id')}) FROM {day}), "
        f"(SELECT SUM(CASE WHEN {q('is_workday')} THEN {q('id')} ELSE 0 END) FROM {day})"
    )


DEADLINE_VERSION_COLUMNS = 6


def deadline_version() -> tuple[Any, ...]:
    """The deadline cache's version on its own (decision 0028)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_deadline_version()}")
        return tuple(cursor.fetchone())


@pure(maxsize=None)
def _routing_version() -> str:
    """The active routing ruleset's version as a scalar subquery (decision 0028)."""
    table = _q(RoutingRuleSet._meta.db_table)
    return f"(SELECT {_q('version')} FROM {table} WHERE {_q('is_active')} ORDER BY 1 DESC LIMIT 1)"  # noqa: S608


@pure(maxsize=None)
def _sequence(table: str) -> str | None:
    """The table's id sequence on PostgreSQL, once per process (the name never changes)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        name: str | None = cursor.fetchone()[0]
        return name


@pure(maxsize=512)
def _handlers(department_id: int, today: Any) -> tuple[str, tuple[Any, ...]]:
    """notify.handler_ids as SQL, memoised: building the queryset cost more CPU than running it.
    The SQL is a pure function of the department and the day (active() compares role dates with
    today), both in the key."""
    handler_sql, params = notify.handler_ids(department_id).query.sql_with_params()
    return handler_sql, tuple(params)


def intake_prefetch(
    idempotency_key: str | None, channel: str, external_id: str | None, department_id: int | None
) -> tuple[Any, Any, list[int] | None, Any, tuple[Any, ...]]:
    """(id of an appeal already stored under this key or external id, new appeal id, the handlers of
    the guessed department, active routing version, deadline version) in one round trip instead of
    four (decisions 0028 and 0031): the replay check (idempotency key first, then external id), the
    two cache checks every intake makes, and on PostgreSQL the id the INSERT will take, drawn from
    the table's own sequence so the number goes into the same INSERT (None elsewhere); with it, the
    handler accounts of `department_id` (the one the cached rules name), as notify.handler_ids
    finds them, read as an array (None when not asked or not read)."""
    table = _q(Appeal._meta.db_table)
    with connection.cursor() as cursor:
        next_id, id_params = "NULL", []
        sequence = _sequence(Appeal._meta.db_table) if connection.vendor == "postgresql" else None
        if sequence is not None:
            next_id, id_params = "nextval(%s)", [sequence]
        existing, params = [], []
        if idempotency_key:
            existing.append(f"(SELECT {_q('id')} FROM {table} WHERE {_q('idempotency_key')} = %s)")  # noqa: S608
            params.append(idempotency_key)
        if external_id:
            existing.append(
                f"(SELECT MIN({_q('id')}) FROM {table} WHERE {_q('channel')} = %s AND {_q('external_id')} = %s)"  # noqa: S608
            )
            params += [channel, external_id]
        found = f"COALESCE({', '.join(existing)}, NULL)" if existing else "NULL"
        handler_sql, handler_params = "NULL", ()
        if next_id != "NULL" and department_id is not None:
            handlers = _handlers(department_id, timezone.localdate())
            handler_sql = f"(SELECT array_agg(h.{_q('pk')}) FROM ({handlers[0]}) h)"  # noqa: S608
            handler_params = handlers[1]
        cursor.execute(
            f"SELECT {found}, {next_id}, {handler_sql}, {_routing_version()}, {_deadline_version()}",
            params + id_params + list(handler_params),
        )
        row = cursor.fetchone()
    handler_ids = (row[2] or []) if handler_sql != "NULL" else None
    return row[0], row[1], handler_ids, row[3], tuple(row[4:])


# --- the intake's one statement of writes (decision 0031) ---------------------------------------


@pure(maxsize=64)
def _daily_stat_upsert(counters: tuple[str, ...]) -> str:
    table = _q(DailyStat._meta.db_table)
    columns = ", ".join(_q(c) for c in ["day", "department_id", "community_id", "street_id", *STAT_COUNTERS])
    adds = ", ".join(f"{_q(n)} = {table}.{_q(n)} + EXCLUDED.{_q(n)}" for n in counters)
    return (
        f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * (4 + len(STAT_COUNTERS)))}) "  # noqa: S608
        f"ON CONFLICT ({_q('day')}, {_q('department_id')}, {_q('community_id')}) DO UPDATE SET {adds}"
    )


def daily_stat_upsert(change: "StatDelta") -> Statement:
    """DailyStat's F() addition as one INSERT … ON CONFLICT DO UPDATE, to go out in the intake's one
    statement (decision 0031): the unique (day, department, community) decides."""
    statement = _daily_stat_upsert(tuple(sorted(change.counts)))
    day = DailyStat._meta.get_field("day").get_db_prep_save(change.day, connection)
    counts = [change.counts.get(name, 0) for name in STAT_COUNTERS]
    return statement, [day, change.department_id, change.community_id, change.street_id, *counts]


# --- the hotline import's batches (decision 0008) ------------------------------------------------


def reserve_appeal_ids(count: int) -> list[int]:
    """Ids taken before the INSERT, so the number (GZ + date + id) goes into the same row write
    (decision 0008): nextval on PostgreSQL, max(id) under SQLite's write lock (the import's
    IMMEDIATE transaction holds it, so max(id) is stable)."""
    table = Appeal._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_q(table)}")  # noqa: S608
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


def copy_rows(table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Column-ordered rows into `table` (decision 0008): COPY on PostgreSQL, one stream instead of
    parameterised INSERTs (~10x faster for 100k rows); executemany in batches elsewhere (datetimes
    adapted as the ORM would)."""
    names, quoted = ", ".join(_q(c) for c in columns), _q(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quoted} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        adapt = connection.ops.adapt_datetimefield_value
        adapted = [tuple(adapt(v) if isinstance(v, datetime.datetime) else v for v in r) for r in rows]
        statement = f"INSERT INTO {quoted} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        for start in range(0, len(adapted), BATCH):
            cursor.executemany(statement, adapted[start : start + BATCH])


def analyze(models_: Sequence[type[models.Model]]) -> None:
    """Refresh PostgreSQL's planner statistics after a large import (decision 0008): autovacuum does
    it only later, and until then the appeal lists are planned as if the table were small."""
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f"ANALYZE {_q(model._meta.db_table)}")
