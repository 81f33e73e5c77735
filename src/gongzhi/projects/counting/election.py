"""An election (projects, budget, ballots) and its satisfaction table.

Satisfaction follows pabutools exactly, because outcomes must equal it (decision 0021):
- approval and cumulative ballots: cost satisfaction, sat(v, p) = cost(p) if p is on v's ballot
  (for cumulative ballots "on the ballot" means listed, whatever the points);
- ordinal ballots: additive Borda, sat(v, p) = len(ballot) - position(p) - 1, so the last-ranked
  project gives 0 and its voter is not one of its supporters.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

VOTE_TYPES = ("approval", "cumulative", "ordinal")


@dataclass(frozen=True)
class Project:
    id: str
    cost: Fraction
    name: str = ""


@dataclass
class Election:
    budget: Fraction
    vote_type: str
    projects: list[Project]
    # approval and ordinal: a tuple of project ids (ordinal: best first); cumulative: {id: points}
    ballots: Sequence[tuple[str, ...] | dict[str, Fraction]]
    meta: dict[str, str] = field(default_factory=dict)
    project_extra: dict[str, dict[str, str]] = field(default_factory=dict)
    voter_ids: list[str] = field(default_factory=list)

    def project(self, project_id: str) -> Project:
        for p in self.projects:
            if p.id == project_id:
                return p
        raise KeyError(project_id)


@dataclass
class SatisfactionTable:
    """Per project: supporter indices and their satisfaction (floats for MES), plus exact totals."""

    projects: list[Project]
    supporters: list[np.ndarray]
    sats: list[np.ndarray]
    total_sat: list[Fraction]
    num_voters: int

    @classmethod
    def build(cls, election: Election) -> "SatisfactionTable":
        index = {p.id: i for i, p in enumerate(election.projects)}
        rows: list[list[int]] = [[] for _ in election.projects]
        vals: list[list[int]] = [[] for _ in election.projects]
        ordinal = election.vote_type == "ordinal"
        for v, ballot in enumerate(election.ballots):
            if ordinal:
                length = len(ballot)
                for pos, pid in enumerate(ballot):
                    score = length - pos - 1
                    if score > 0:
                        rows[index[pid]].append(v)
                        vals[index[pid]].append(score)
            else:
                for pid in ballot:
                    rows[index[pid]].append(v)
        supporters, sats, totals = [], [], []
        for j, p in enumerate(election.projects):
            found = rows[j]
            if not ordinal and len(set(found)) != len(found):
                found = sorted(set(found))
            if p.cost == 0 and not ordinal:
                found = []
            idx = np.asarray(found, dtype=np.int64)
            supporters.append(idx)
            # float(Fraction) per supporter was most of the build: one conversion per project
            # (Borda scores are small integers, exact as floats)
            if ordinal:
                sats.append(np.asarray(vals[j], dtype=np.float64))
                totals.append(Fraction(sum(vals[j])))
            else:
                sats.append(np.full(len(idx), float(p.cost)))
                totals.append(p.cost * len(idx))
        return cls(election.projects, supporters, sats, totals, len(election.ballots))
