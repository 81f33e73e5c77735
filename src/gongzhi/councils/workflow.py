"""A decision's follow-through: todo → doing → done; done may be reopened ("done but not real")."""

from gongzhi.councils.models import DecisionStatus, MeetingStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    DecisionStatus.REJECTED: frozenset(),
    DecisionStatus.PENDING: frozenset({DecisionStatus.DOING, DecisionStatus.DONE}),
    DecisionStatus.DOING: frozenset({DecisionStatus.DONE}),
    DecisionStatus.DONE: frozenset({DecisionStatus.DOING}),
}

MEETING_TRANSITIONS: dict[str, frozenset[str]] = {
    MeetingStatus.PLANNED: frozenset({MeetingStatus.HELD, MeetingStatus.CANCELLED}),
    MeetingStatus.HELD: frozenset(),
    MeetingStatus.CANCELLED: frozenset(),
}


class CouncilError(Exception):
    """A refusal with a message for the user and an HTTP status (422 bad input, 409 wrong state)."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return self.message
