"""The one writer of DailyStat (issue 14 step 1): every change to the rollup of the three rates is a
`StatDelta` (lifecycle.plan computes them; a rating exclusion takes one back) applied here, through
the ORM (`add`) or as one statement to send with other writes (`add_statement`, the intake).

Increments are F() updates on a row that is created first inside the same transaction, so
concurrent writers add up instead of overwriting each other; the statement form is the same
addition as one INSERT … ON CONFLICT DO UPDATE (appeals/sql.py). A decrement only changes an
existing row."""

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gongzhi.appeals import sql
from gongzhi.appeals.lifecycle import StatDelta
from gongzhi.appeals.models import Appeal, DailyStat
from gongzhi.core.rowsql import Statement


def delta(appeal: Appeal, day: datetime.date | None = None, **counts: int) -> StatDelta:
    """A change to the row of the appeal's department and community (today unless `day`)."""
    # Only an appeal with a department is counted: every caller acts on a dispatched one.
    assert appeal.department_id is not None, "the three rates count a department's appeals"
    return StatDelta(
        day or timezone.localdate(), appeal.department_id, appeal.community_id, appeal.street_id, counts
    )


def add(change: StatDelta) -> None:
    key = change.row_key()
    adds = {k: F(k) + v for k, v in change.counts.items()}
    if DailyStat.objects.filter(**key).update(**adds) or any(v < 0 for v in change.counts.values()):
        return
    try:
        with transaction.atomic():  # savepoint: a concurrent creator may win the insert
            DailyStat.objects.create(street_id=change.street_id, **key, **change.counts)
    except IntegrityError:
        DailyStat.objects.filter(**key).update(**adds)


def add_all(changes: Iterable[StatDelta]) -> None:
    for change in changes:
        add(change)


def add_statement(change: StatDelta) -> Statement:
    """add() as one upsert (PostgreSQL and SQLite ≥ 3.24), to send with the intake's other writes:
    the unique (day, department, community) decides, concurrent writers add up. Only for a row
    with a department and a community (the unique constraint's conflict target)."""
    if change.department_id is None or change.community_id is None:
        raise ValueError("the statement needs a department and a community; use add()")
    unknown = set(change.counts) - set(sql.STAT_COUNTERS)
    if unknown:
        raise ValueError(f"unknown counters: {sorted(unknown)}")
    return sql.daily_stat_upsert(change)


def bump(appeal: Appeal, *, day: datetime.date | None = None, **counts: int) -> None:
    add(delta(appeal, day, **counts))


def bump_statement(appeal: Appeal, *, day: datetime.date | None = None, **counts: int) -> Statement:
    return add_statement(delta(appeal, day, **counts))
