"""A decision's follow-through: todo → doing → done; done may be reopened ("done but not real").
A meeting is planned, then held (attendance recorded) or cancelled. Both are `core.lifecycle` tables;
a refusal is a `CouncilError`, a `core.errors` refusal (decision 0045)."""

from gongzhi.core.errors import RuleBroken
from gongzhi.core.lifecycle import StatusTable
from gongzhi.councils.models import DecisionStatus, MeetingStatus

DECISIONS = StatusTable.from_moves(
    {
        DecisionStatus.REJECTED: (),
        DecisionStatus.PENDING: (DecisionStatus.DOING, DecisionStatus.DONE),
        DecisionStatus.DOING: (DecisionStatus.DONE,),
        DecisionStatus.DONE: (DecisionStatus.DOING,),
    },
    labels=(DecisionStatus,),
)

MEETINGS = StatusTable.from_moves(
    {MeetingStatus.PLANNED: (MeetingStatus.HELD, MeetingStatus.CANCELLED)}, labels=(MeetingStatus,)
)


class CouncilError(RuleBroken):
    """A refusal with a message for the user: 422 bad input by default, `status=409` for a wrong state."""

    def __init__(self, message: object, status: int = 422) -> None:
        super().__init__(message, status=status)

    @property
    def status(self) -> int:
        return self.status_code
