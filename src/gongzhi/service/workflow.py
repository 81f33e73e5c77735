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

# action -> (states it may start from, state it leads to; None = stays)
ORDER_TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    OrderAction.ASSIGN: (frozenset({OrderStatus.SUBMITTED}), OrderStatus.ASSIGNED),
    OrderAction.ACCEPT: (frozenset({OrderStatus.ASSIGNED}), OrderStatus.ACCEPTED),
    OrderAction.DECLINE: (frozenset({OrderStatus.ASSIGNED}), OrderStatus.SUBMITTED),
    OrderAction.FULFIL: (frozenset({OrderStatus.ACCEPTED}), OrderStatus.FULFILLED),
    OrderAction.RATE: (frozenset({OrderStatus.FULFILLED}), OrderStatus.RATED),
    OrderAction.CLOSE: (frozenset({OrderStatus.FULFILLED}), OrderStatus.CLOSED),
    OrderAction.CANCEL: (frozenset({OrderStatus.SUBMITTED, OrderStatus.ASSIGNED}), OrderStatus.CANCELLED),
    OrderAction.CONVERT: (frozenset({OrderStatus.SUBMITTED, OrderStatus.ASSIGNED}), OrderStatus.CONVERTED),
    OrderAction.OVERDUE: (OPEN_ORDER_STATES, None),
}


class WishStatus(models.TextChoices):
    OPEN = "open", _("待认领")
    CLAIMED = "claimed", _("已认领")
    FULFILLED = "fulfilled", _("已实现")
    CANCELLED = "cancelled", _("已撤销")
    EXPIRED = "expired", _("已过期")


WISH_TRANSITIONS: dict[str, frozenset[str]] = {
    WishStatus.OPEN: frozenset({WishStatus.CLAIMED, WishStatus.CANCELLED, WishStatus.EXPIRED}),
    WishStatus.CLAIMED: frozenset({WishStatus.FULFILLED, WishStatus.OPEN}),  # a claimant may give it back
    WishStatus.FULFILLED: frozenset(),
    WishStatus.CANCELLED: frozenset(),
    WishStatus.EXPIRED: frozenset(),
}


class InvalidTransition(Exception):
    """The action is not allowed from the current state (HTTP 409)."""

    def __init__(self, status: str, action: str) -> None:
        self.status = status
        self.action = action
        super().__init__(
            _("当前状态“%(status)s”不能执行“%(action)s”")
            % {"status": _label(status), "action": _label(action)}
        )


def _label(value: str) -> str:
    for choices in (OrderStatus, OrderAction, WishStatus):
        if value in choices.values:
            return str(choices(value).label)
    return value


def next_order_status(status: str, action: str) -> str:
    sources, target = ORDER_TRANSITIONS[action]
    if status not in sources:
        raise InvalidTransition(status, action)
    return target or status
