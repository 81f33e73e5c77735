"""Keeping DailyStat in step with the events that move the three rates.

Increments are F() updates on a row that is created first with get_or_create inside the same
transaction, so concurrent writers add up instead of overwriting each other."""

import datetime

from django.db import IntegrityError, transaction
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
