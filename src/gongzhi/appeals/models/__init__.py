from gongzhi.appeals.models.appeal import (
    Appeal,
    AppealEvent,
    AppealPhoto,
    Channel,
    ExtensionRequest,
    Rating,
    Satisfaction,
)
from gongzhi.appeals.models.policy import (
    CalendarDay,
    Category,
    DeadlinePolicy,
    RoutingRule,
    RoutingRuleSet,
    Urgency,
)
from gongzhi.appeals.models.whistle import (
    ConsultNote,
    DailyStat,
    Notification,
    RatingExclusion,
    ReportIn,
    Whistle,
)

__all__ = [
    "ConsultNote",
    "DailyStat",
    "Notification",
    "RatingExclusion",
    "ReportIn",
    "Whistle",
    "Appeal",
    "AppealEvent",
    "AppealPhoto",
    "CalendarDay",
    "Category",
    "Channel",
    "DeadlinePolicy",
    "ExtensionRequest",
    "Rating",
    "RoutingRule",
    "RoutingRuleSet",
    "Satisfaction",
    "Urgency",
]
