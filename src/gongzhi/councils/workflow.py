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
    """422 bad input unless `status=` says otherwise (409 a wrong state, 403, 429); `.status` is its
    HTTP status as the council callers and tests read it."""

    status = property(lambda self: self.status_code)
