"""Micro-project phases and the transition table (issue 7, item 1).

Needs collection → feasibility review → deliberation → vote → selection → approval (立项) →
implementation → acceptance → resident evaluation → closed; rejected and withdrawn end a proposal
early, a failed acceptance sends the work back to implementation. `selected`/`not_selected` are set
only by publishing a counted vote (actions.vote_publish), never by hand.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.lifecycle import InvalidTransition, StatusTable


class Phase(models.TextChoices):
    COLLECTING = "collecting", _("需求征集")
    REVIEW = "review", _("可行性审核")
    DELIBERATION = "deliberation", _("协商议事")
    VOTING = "voting", _("居民投票")
    SELECTED = "selected", _("票决入选")
    NOT_SELECTED = "not_selected", _("未入选")
    APPROVED = "approved", _("已立项")
    IMPLEMENTATION = "implementation", _("实施中")
    ACCEPTANCE = "acceptance", _("验收")
    EVALUATION = "evaluation", _("居民评价")
    CLOSED = "closed", _("已结项")
    REJECTED = "rejected", _("未通过审核")
    WITHDRAWN = "withdrawn", _("已撤回")


TRANSITIONS: dict[str, frozenset[str]] = {
    Phase.COLLECTING: frozenset({Phase.REVIEW, Phase.WITHDRAWN}),
    Phase.REVIEW: frozenset({Phase.DELIBERATION, Phase.REJECTED}),
    Phase.DELIBERATION: frozenset({Phase.VOTING, Phase.REJECTED}),
    Phase.VOTING: frozenset({Phase.SELECTED, Phase.NOT_SELECTED}),
    Phase.SELECTED: frozenset({Phase.APPROVED}),
    Phase.APPROVED: frozenset({Phase.IMPLEMENTATION}),
    Phase.IMPLEMENTATION: frozenset({Phase.ACCEPTANCE}),
    Phase.ACCEPTANCE: frozenset({Phase.EVALUATION, Phase.IMPLEMENTATION}),
    Phase.EVALUATION: frozenset({Phase.CLOSED}),
    Phase.CLOSED: frozenset(),
    Phase.NOT_SELECTED: frozenset(),
    Phase.REJECTED: frozenset(),
    Phase.WITHDRAWN: frozenset(),
}

# The action of a phase change is named by the phase it leads to; a refusal is core's
# InvalidTransition (409) naming both phases by their labels.
PHASE_TABLE = StatusTable.from_moves(TRANSITIONS, labels=(Phase,))
next_phase = PHASE_TABLE.next

# Moved only by the vote actions, so that "selected" always means "a published count selected it".
BY_VOTE_ONLY = frozenset({Phase.VOTING, Phase.SELECTED, Phase.NOT_SELECTED})

# The order phases appear in on the public page.
ORDER = [
    Phase.COLLECTING,
    Phase.REVIEW,
    Phase.DELIBERATION,
    Phase.VOTING,
    Phase.SELECTED,
    Phase.APPROVED,
    Phase.IMPLEMENTATION,
    Phase.ACCEPTANCE,
    Phase.EVALUATION,
    Phase.CLOSED,
]


class BallotType(models.TextChoices):
    APPROVAL = "approval", _("赞成票（多选）")
    CUMULATIVE = "cumulative", _("累积票（分配票数）")
    ORDINAL = "ordinal", _("排序票")


class Rule(models.TextChoices):
    GREEDY = "greedy", _("按票数排序，预算内依次入选")
    MES = "mes", _("平等份额法（MES）")


class VoteStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    OPEN = "open", _("投票中")
    COUNTED = "counted", _("已计票")
    PUBLISHED = "published", _("已公示")


__all__ = [
    "BY_VOTE_ONLY",
    "ORDER",
    "PHASE_TABLE",
    "TRANSITIONS",
    "BallotType",
    "InvalidTransition",
    "Phase",
    "Rule",
    "VoteStatus",
    "next_phase",
]
