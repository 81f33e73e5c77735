from gongzhi.assemblies.models.assembly import (
    Assembly,
    AssemblyStatus,
    Ballot,
    Candidate,
    Choice,
    Election,
    ElectionBallot,
    Matter,
    MatterCategory,
    Proxy,
    SnapshotMember,
    SnapshotVoter,
)
from gongzhi.assemblies.models.rating import PropertyRating, RaterKind
from gongzhi.assemblies.models.registry import ExclusivePart, Ownership

__all__ = [
    "Assembly",
    "AssemblyStatus",
    "Ballot",
    "Candidate",
    "Choice",
    "Election",
    "ElectionBallot",
    "ExclusivePart",
    "Matter",
    "MatterCategory",
    "Ownership",
    "PropertyRating",
    "Proxy",
    "RaterKind",
    "SnapshotMember",
    "SnapshotVoter",
]
