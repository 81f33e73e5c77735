from gongzhi.councils.models.council import Council, CouncilKind, Seat, SeatKind
from gongzhi.councils.models.meeting import (
    AgendaItem,
    Attendance,
    Decision,
    DecisionEvent,
    DecisionStatus,
    Evidence,
    Meeting,
    MeetingStatus,
    SourceKind,
)

__all__ = [
    "AgendaItem",
    "Attendance",
    "Council",
    "CouncilKind",
    "Decision",
    "DecisionEvent",
    "DecisionStatus",
    "Evidence",
    "Meeting",
    "MeetingStatus",
    "Seat",
    "SeatKind",
    "SourceKind",
]
