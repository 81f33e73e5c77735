"""The appeal lifecycle (接诉即办): states, actions and the transition table.

submitted → accepted (受理) | rejected
accepted → dispatched (派单)
dispatched → signed (签收) | accepted (退单, with reason, back to the dispatcher)
signed → in_progress → replied (答复)
replied → closed (rated, or not reopened) | dispatched (reopened after an unsatisfied rating)
any open state → merged (into a parent duplicate)
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.lifecycle import InvalidTransition, StatusTable


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("不予受理")
    DISPATCHED = "dispatched", _("已派单")
    SIGNED = "signed", _("已签收")
    IN_PROGRESS = "in_progress", _("办理中")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已合并")


class Action(models.TextChoices):
    SUBMIT = "submit", _("提交")
    ACCEPT = "accept", _("受理")
    REJECT = "reject", _("不予受理")
    DISPATCH = "dispatch", _("派单")
    SIGN = "sign", _("签收")
    RETURN = "return", _("退单")
    START = "start", _("开始办理")
    CONTACT = "contact", _("联系诉求人")
    REPLY = "reply", _("答复")
    RATE = "rate", _("评价")
    REOPEN = "reopen", _("重新办理")
    CLOSE = "close", _("办结")
    MERGE = "merge", _("合并")
    EXTEND_REQUEST = "extend_request", _("申请延期")
    EXTEND_DECIDE = "extend_decide", _("审批延期")
    WHISTLE = "whistle", _("吹哨")
    NOTE = "note", _("备注")


OPEN_STATES = frozenset(
    {Status.SUBMITTED, Status.ACCEPTED, Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS, Status.REPLIED}
)

# action -> (states it may start from, state it leads to; None = stays where it is)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    Action.ACCEPT: (frozenset({Status.SUBMITTED}), Status.ACCEPTED),
    Action.REJECT: (frozenset({Status.SUBMITTED, Status.ACCEPTED}), Status.REJECTED),
    Action.DISPATCH: (frozenset({Status.ACCEPTED}), Status.DISPATCHED),
    Action.SIGN: (frozenset({Status.DISPATCHED}), Status.SIGNED),
    Action.RETURN: (frozenset({Status.DISPATCHED}), Status.ACCEPTED),
    Action.START: (frozenset({Status.SIGNED}), Status.IN_PROGRESS),
    Action.CONTACT: (frozenset({Status.SIGNED, Status.IN_PROGRESS}), None),
    Action.REPLY: (frozenset({Status.SIGNED, Status.IN_PROGRESS}), Status.REPLIED),
    Action.RATE: (frozenset({Status.REPLIED}), None),  # the rating decides: close or reopen
    Action.REOPEN: (frozenset({Status.REPLIED}), Status.DISPATCHED),
    Action.CLOSE: (frozenset({Status.REPLIED}), Status.CLOSED),
    Action.MERGE: (OPEN_STATES - {Status.REPLIED}, Status.MERGED),
    Action.EXTEND_REQUEST: (frozenset({Status.SIGNED, Status.IN_PROGRESS}), None),
    Action.EXTEND_DECIDE: (frozenset({Status.SIGNED, Status.IN_PROGRESS}), None),
    Action.WHISTLE: (OPEN_STATES - {Status.REPLIED}, None),
    Action.NOTE: (frozenset(Status.values), None),
}


# action -> (states it may start from, state it leads to); InvalidTransition (core.lifecycle, 409)
# names both with their labels: 当前状态“已派单”不能执行“受理”
APPEAL_TABLE = StatusTable(TRANSITIONS, labels=(Status, Action))
next_status = APPEAL_TABLE.next

__all__ = [
    "APPEAL_TABLE",
    "OPEN_STATES",
    "TRANSITIONS",
    "Action",
    "InvalidTransition",
    "Status",
    "next_status",
]
