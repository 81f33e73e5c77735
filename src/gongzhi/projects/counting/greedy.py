"""Greedy by satisfaction per yuan, within the budget (pabutools `greedy_utilitarian_welfare`).

Projects are ranked by total satisfaction / cost (cost satisfaction makes that the number of
supporters; Borda makes it points per yuan), ties by project id as text; walking down the
ranking, a project is selected if it fits in what is left, otherwise skipped. Projects nobody
supports rank last but are still selected if they fit — as in pabutools.
"""

from dataclasses import dataclass
from fractions import Fraction

from gongzhi.projects.counting.election import Election, SatisfactionTable


@dataclass(frozen=True)
class GreedyStep:
    project_id: str
    rank: int
    score: Fraction  # total satisfaction (supporters for cost satisfaction, Borda points for ordinal)
    density: Fraction | None  # None: free project with support (ranks first)
    selected: bool
    remaining_before: Fraction


@dataclass(frozen=True)
class GreedyOutcome:
    selected: list[str]
    steps: list[GreedyStep]


def greedy(election: Election, table: SatisfactionTable | None = None) -> GreedyOutcome:
    table = table or SatisfactionTable.build(election)
    # For cost satisfaction total_sat/cost is the supporter count; keep the raw score readable.
    ranked = []
    for j, p in enumerate(election.projects):
        total = table.total_sat[j]
        if total > 0 and p.cost == 0:
            key: tuple = (0, Fraction(0), p.id)
            density = None
        else:
            density = total / p.cost if total > 0 else Fraction(0)
            key = (1, -density, p.id)
        score = Fraction(len(table.supporters[j])) if election.vote_type != "ordinal" else total
        ranked.append((key, p, score, density))
    ranked.sort(key=lambda r: r[0])
    remaining = election.budget
    steps, selected = [], []
    for rank, (_, p, score, density) in enumerate(ranked, start=1):
        fits = p.cost <= remaining
        steps.append(GreedyStep(p.id, rank, score, density, fits, remaining))
        if fits:
            selected.append(p.id)
            remaining -= p.cost
    return GreedyOutcome(selected, steps)
