"""Sweeps (run by `gongzhi service_sweep`, e.g. every 15 minutes): overdue orders get an event and
reminders, missed visits raise an alert to the member's branch, wishes past their time limit
leave the wall. Each is compare-and-set or guarded by a unique constraint, so two workers running
at once act once."""

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from gongzhi.service.actions import notice, notice_staff, order_event
from gongzhi.service.actions_wishes import expire_wishes
from gongzhi.service.models import Pairing, PairingAlert, ServiceOrder
from gongzhi.service.workflow import OrderAction


@dataclass
class SweepResult:
    overdue_orders: int = 0
    pairing_alerts: int = 0
    expired_wishes: int = 0


def mark_overdue_orders(now: Any = None) -> int:
    now = now or timezone.now()
    count = 0
    rows = ServiceOrder.objects.overdue(now).filter(overdue_marked_at=None).select_related("helper", "item")
    for order in rows:
        with transaction.atomic():
            if not ServiceOrder.objects.filter(pk=order.pk, overdue_marked_at=None).update(
                overdue_marked_at=now
            ):
                continue  # another sweeper got it
            order_event(order, OrderAction.OVERDUE, None, order.status, "已超过办结时限")
            text = f"服务单{order.number}({order.item.name})已超期,请尽快处理"
            if order.helper_id:
                notice(order.helper.person_id, text, "overdue", order)
            notice_staff(order, text, "overdue")
            count += 1
    return count


def raise_pairing_alerts(today: Any = None) -> int:
    today = today or timezone.localdate()
    count = 0
    due = Pairing.objects.filter(ended_on=None, next_due_on__lt=today).select_related(
        "member__person", "elder"
    )
    for pairing in due:
        try:
            with transaction.atomic():
                PairingAlert.objects.create(
                    pairing=pairing,
                    path=pairing.path,
                    branch_id=pairing.branch_id,
                    due_on=pairing.next_due_on,
                )
        except IntegrityError:
            continue  # already raised for this due date
        notice(
            pairing.member.person_id,
            f"您结对的老人已超过{pairing.interval_days}天未探访,请尽快上门",
            "visit_due",
        )
        count += 1
    return count


def run_all(now: Any = None) -> SweepResult:
    now = now or timezone.now()
    return SweepResult(
        overdue_orders=mark_overdue_orders(now),
        pairing_alerts=raise_pairing_alerts(timezone.localdate(now)),
        expired_wishes=expire_wishes(now),
    )
