from gongzhi.projects.models.proposal import (
    Comment,
    Evaluation,
    Milestone,
    Proposal,
    ProposalDocument,
    ProposalEvent,
    Round,
    SourceKind,
    Spending,
)
from gongzhi.projects.models.vote import Ballot, BallotChannel, PaperEntry, Vote, VoterRoll

__all__ = [
    "Ballot",
    "BallotChannel",
    "Comment",
    "Evaluation",
    "Milestone",
    "PaperEntry",
    "Proposal",
    "ProposalDocument",
    "ProposalEvent",
    "Round",
    "SourceKind",
    "Spending",
    "Vote",
    "VoterRoll",
]
