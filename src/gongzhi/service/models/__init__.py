"""Service (issue 5 items 1–5): helper teams, report-in, service orders, small wishes, pairing."""

from gongzhi.service.models.orders import OrderEvent, OrderEvidence, ServiceItem, ServiceNotice, ServiceOrder
from gongzhi.service.models.pairing import Pairing, PairingAlert, Visit
from gongzhi.service.models.reportin import PostClaim, ReportIn, ServicePost
from gongzhi.service.models.teams import Helper, HelperTeam, MemberKind, Skill
from gongzhi.service.models.wishes import Wish, WishEvent

__all__ = [
    "Helper",
    "HelperTeam",
    "MemberKind",
    "OrderEvent",
    "OrderEvidence",
    "Pairing",
    "PairingAlert",
    "PostClaim",
    "ReportIn",
    "ServiceItem",
    "ServiceNotice",
    "ServiceOrder",
    "ServicePost",
    "Skill",
    "Visit",
    "Wish",
    "WishEvent",
]
