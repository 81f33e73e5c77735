"""Review flags: unusual award patterns are flagged for staff with manage_points, who clear them or
reverse the flagged awards. Flagging never blocks an award (the deed may be genuine); it makes a
person look at it.

- pair: more than `pair_threshold` awards from the same giver to the same recipient in a month;
- burst: more than `burst_count` awards to one recipient within `burst_minutes`.
Both run inside the award's transaction while the recipient's account row is locked, so the counts
and the flag upsert for one recipient are serialised (the flag key is unique as a last line).
"""

from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core.actors import Actor
from gongzhi.core.audit import record_write
from gongzhi.core.errors import Conflict
from gongzhi.points.models import Flag, FlagKind, FlagStatus, Transaction, TxnKind
from gongzhi.points.models.flags import FLAG_TABLE
from gongzhi.points.policy import EffectivePolicy


def burst_key(recipient_id: int, now: datetime, policy: EffectivePolicy) -> str:
    """The burst flag of a recipient's awards in the period (of burst_minutes) that holds `now`."""
    window = timedelta(minutes=policy.burst_minutes)
    bucket = int(now.timestamp() // window.total_seconds())
    return f"burst:{recipient_id}:{policy.burst_minutes}:{bucket}"


def check_patterns(txn: Any, *, now: datetime, policy: EffectivePolicy, burst_flag_id: int | None) -> None:
    """Runs after the award is written. burst_flag_id: the burst flag of this period when one exists
    already — the award's batch joined it (any two moments of one period are less than a window
    apart, so the burst's awards are still in this award's window: counting again would only
    confirm it). `txn`: the award's Transaction, or any object with its pk, community_id,
    recipient_id and awarded_by_person_id."""
    if txn.awarded_by_person_id is None and burst_flag_id is not None:
        return  # the common case, settled by the batch: no queryset built
    awards = Transaction.objects.filter(recipient_id=txn.recipient_id, kind=TxnKind.AWARD)
    if txn.awarded_by_person_id is not None:
        today = timezone.localdate(now)
        month_start = datetime.combine(today.replace(day=1), time.min, tzinfo=timezone.get_current_timezone())
        pair = awards.filter(awarded_by_person_id=txn.awarded_by_person_id, created_at__gte=month_start)
        count = pair.count()
        if count > policy.pair_threshold:
            key = f"pair:{txn.awarded_by_person_id}:{txn.recipient_id}:{today:%Y-%m}"
            _raise(key, FlagKind.PAIR, txn, count, pair)
    if burst_flag_id is not None:
        return
    recent = awards.filter(created_at__gt=now - timedelta(minutes=policy.burst_minutes))
    count = recent.count()
    if count > policy.burst_count:
        _raise(burst_key(txn.recipient_id, now, policy), FlagKind.BURST, txn, count, recent)


@transaction.atomic  # flag and its awards together (after a batch award, outside its transaction)
def _raise(key: str, kind: str, txn: Any, count: int, awards: Any) -> Flag:
    flag, created = Flag.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "community_id": txn.community_id,
            "recipient_id": txn.recipient_id,
            "awarded_by_person_id": txn.awarded_by_person_id if kind == FlagKind.PAIR else None,
            "award_count": count,
        },
    )
    if created:
        flag.transactions.add(*awards.values_list("pk", flat=True))
    else:
        Flag.objects.filter(pk=flag.pk).update(award_count=count)
        flag.transactions.add(txn.pk)
    return flag


class FlagDecided(Conflict):
    """The flag was already cleared or reversed (409); `status_label` says which."""

    default_message = gettext_lazy("该标记已被其他人处理")

    def __init__(self, status_label: object = "") -> None:
        self.status_label = str(status_label)
        super().__init__()


@transaction.atomic
def flag_clear(*, flag: Flag, actor: Actor, note: str = "") -> Flag:
    """Staff looked and found nothing wrong."""
    return _decide(flag, FlagStatus.CLEARED, actor, note)


@transaction.atomic
def flag_reverse(*, flag: Flag, actor: Actor, note: str) -> Flag:
    """Reverse every flagged award that is not reversed yet, then close the flag."""
    from gongzhi.points.actions import (  # points.actions imports this module
        PointsRefused,
        reverse_transaction,
    )

    if not (note or "").strip():
        raise PointsRefused(_("冲正必须填写原因"))
    locked = Flag.objects.select_for_update().get(pk=flag.pk)
    if not FLAG_TABLE.allows(locked.status, FlagStatus.REVERSED):
        raise FlagDecided(locked.get_status_display())
    for txn in locked.transactions.filter(reversed_by__isnull=True, kind=TxnKind.AWARD).select_related(
        "community"
    ):
        reverse_transaction(txn=txn, actor=actor, reason=f"复核冲正:{note}")
    return _decide(locked, FlagStatus.REVERSED, actor, note)


def _decide(flag: Flag, to: str, actor: Actor, note: str) -> Flag:
    updated = Flag.objects.filter(pk=flag.pk, status=FlagStatus.OPEN).update(
        status=to, decided_by=actor, decided_at=timezone.now(), note=(note or "")[:300]
    )
    if not updated:  # compare-and-set: two reviewers at once, the second is told
        raise FlagDecided(Flag.objects.get(pk=flag.pk).get_status_display())
    flag.refresh_from_db()
    record_write(
        actor=actor, action=f"points.flag_{to}", obj=flag, scope_path=flag.community.path, reason=note[:300]
    )
    return flag
