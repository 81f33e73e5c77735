"""Keeping DailyStat in step with the events that move the three rates.

Increments are F() updates on a row that is created first with get_or_create inside the same
transaction, so concurrent writers add up instead of overwriting each other. Intake uses
bump_statement: one INSERT … ON CONFLICT DO UPDATE, the same addition in one statement."""

import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from gongzhi.appeals.models import Appeal, DailyStat


def bump(appeal: Appeal, *, day: datetime.date | None = None, **deltas: int) -> None:
    day = day or timezone.localdate()
    key = {"day": day, "department_id": appeal.department_id, "community_id": appeal.community_id}
    updated = DailyStat.objects.filter(**key).update(**{k: F(k) + v for k, v in deltas.items()})
    if updated:
        return
    try:
        with transaction.atomic():  # savepoint: a concurrent creator may win the insert
            DailyStat.objects.create(street_id=appeal.street_id, **key, **deltas)
    except IntegrityError:
        DailyStat.objects.filter(**key).update(**{k: F(k) + v for k, v in deltas.items()})


def bump_statement(
    appeal: Appeal, *, day: datetime.date | None = None, **deltas: int
) -> tuple[str, list[int]]:
    """bump() as one upsert (PostgreSQL and SQLite ≥ 3.24), to send with the intake's other writes:
    the unique (day, department, community) decides, concurrent writers add up. Only for an appeal
    with a department and a community (the unique constraint's conflict target)."""
    if appeal.department_id is None or appeal.community_id is None:
        raise ValueError("bump_statement needs a department and a community; use bump()")
    counters = ["dispatched", "signed_on_time", "rated", "solved", "satisfied"]
    if not set(deltas) <= set(counters):
        raise ValueError(f"unknown counters: {sorted(set(deltas) - set(counters))}")
    q = connection.ops.quote_name
    table = q(DailyStat._meta.db_table)
    columns = ", ".join(q(c) for c in ["day", "department_id", "community_id", "street_id", *counters])
    adds = ", ".join(f"{q(n)} = {table}.{q(n)} + EXCLUDED.{q(n)}" for n in sorted(deltas))
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * (4 + len(counters)))}) "  # noqa: S608
        f"ON CONFLICT ({q('day')}, {q('department_id')}, {q('community_id')}) DO UPDATE SET {adds}"
    )
    day_value = DailyStat._meta.get_field("day").get_db_prep_save(day or timezone.localdate(), connection)
    counts = [deltas.get(name, 0) for name in counters]
    return sql, [day_value, appeal.department_id, appeal.community_id, appeal.street_id, *counts]
