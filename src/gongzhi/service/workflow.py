"""Lifecycles of service orders and wishes: states, actions and explicit transition tables.

Order (点单 → 派单 → 接单 → 办单 → 评单):
submitted → assigned (staff assign a helper)
assigned → accepted (the helper accepts) | submitted (the helper declines, with a reason)
accepted → fulfilled (the helper fulfils with a photo and a note)
fulfilled → rated (the resident rates) | closed (staff verify when the resident does not rate)
submitted | assigned → cancelled | converted (a government matter: becomes an appeal)

Wish (微心愿): open → claimed → fulfilled; open → cancelled | expired.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.lifecycle import InvalidTransition, StatusTable


class OrderStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待派单")
    ASSIGNED = "assigned", _("待接单")
    ACCEPTED = "accepted", _("服务中")
    FULFILLED = "fulfilled", _("待评价")
    RATED = "rated", _("已评价")
    CLOSED = "closed", _("已办结")
    CANCELLED = "cancelled", _("已取消")
    CONVERTED = "converted", _("已转诉求")


class OrderAction(models.TextChoices):
    ORDER = "order", _("点单")
    ASSIGN = "assign", _("派单")
    ACCEPT = "accept", _("接单")
    DECLINE = "decline", _("拒单")
    FULFIL = "fulfil", _("办单")
    RATE = "rate", _("评单")
    CLOSE = "close", _("核实办结")
    CANCEL = "cancel", _("取消")
    CONVERT = "convert", _("转为诉求")
    OVERDUE = "overdue", _("超期提醒")


OPEN_ORDER_STATES = frozenset({OrderStatus.SUBMITTED, OrderStatus.ASSIGNED, OrderStatus.ACCEPTED})


class WishStatus(models.TextChoices):
    OPEN = "open", _("待认领")
    CLAIMED = "claimed", _("已认领")
    FULFILLED = "fulfilled", _("已实现")
    CANCELLED = "cancelled", _("已撤销")
    EXPIRED = "expired", _("已过期")


LABELS = (OrderStatus, OrderAction, WishStatus)

# action -> (states it may start from, state it leads to; None = stays)
ORDER_TABLE = StatusTable(
    {
        OrderAction.ASSIGN: (frozenset({OrderStatus.SUBMITTED}), OrderStatus.ASSIGNED),
        OrderAction.ACCEPT: (frozenset({OrderStatus.ASSIGNED}), OrderStatus.ACCEPTED),
        OrderAction.DECLINE: (frozenset({OrderStatus.ASSIGNED}), OrderStatus.SUBMITTED),
        OrderAction.FULFIL: (frozenset({OrderStatus.ACCEPTED}), OrderStatus.FULFILLED),
        OrderAction.RATE: (frozenset({OrderStatus.FULFILLED}), OrderStatus.RATED),
        OrderAction.CLOSE: (frozenset({OrderStatus.FULFILLED}), OrderStatus.CLOSED),
        OrderAction.CANCEL: (frozenset({OrderStatus.SUBMITTED, OrderStatus.ASSIGNED}), OrderStatus.CANCELLED),
        OrderAction.CONVERT: (
            frozenset({OrderStatus.SUBMITTED, OrderStatus.ASSIGNED}),
            OrderStatus.CONVERTED,
        ),
        OrderAction.OVERDUE: (OPEN_ORDER_STATES, None),
    },
    LABELS,
)
ORDER_TRANSITIONS = ORDER_TABLE.transitions

# state -> states it may go to; the action is named by its target state
WISH_TABLE = StatusTable.from_moves(
    {
        WishStatus.OPEN: {WishStatus.CLAIMED, WishStatus.CANCELLED, WishStatus.EXPIRED},
        WishStatus.CLAIMED: {WishStatus.FULFILLED, WishStatus.OPEN},  # a claimant may give it back
    },
    LABELS,
)

next_order_status = ORDER_TABLE.next


def refuse(status: str, action: str) -> InvalidTransition:
    """The 409 for an order or wish action its current state does not allow (labels in the message)."""
    return ORDER_TABLE.refuse(status, action)


__all__ = [
    "ORDER_TABLE",
    "ORDER_TRANSITIONS",
    "OPEN_ORDER_STATES",
    "WISH_TABLE",
    "InvalidTransition",
    "OrderAction",
    "OrderStatus",
    "WishStatus",
    "next_order_status",
    "refuse",
]
