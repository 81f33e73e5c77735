"""The Method of Equal Shares with the add-one completion (pabutools `method_of_equal_shares`
with `voter_budget_increment=1`), in floats with numpy, equal to pabutools' exact arithmetic.

One run: every voter starts with the same share b of the budget. Each round, for every project
still affordable (its supporters hold at least its cost), find the smallest ρ such that supporters
paying min(budget_i, ρ·sat_i) cover the cost; select the project with the smallest ρ (ties: project
id as text), charge its supporters, repeat until nothing is affordable.

Completion (decision 0021): start with b = budget / voters; while the outcome is not exhaustive
(some unselected supported project still fits in the budget), raise b by 1 and rerun; stop at the
first exhaustive outcome, or return the previous outcome when the new one costs more than the budget.

Floats instead of fractions: costs, satisfactions and budgets are < 2^53, a run does tens of
subtractions per voter, so relative error stays ~1e-13; comparisons that decide the outcome
(affordability, ties in ρ) use a relative tolerance of 1e-9, far above the error and far below any
real difference between two distinct ρ of the same election. Costs and the budget check stay exact.
"""

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from gongzhi.projects.counting.election import Election, SatisfactionTable

TOL = 1e-9


@dataclass(frozen=True)
class MesPick:
    project_id: str
    round: int
    rho: float
    paid_by: int  # supporters who paid something


@dataclass
class MesRun:
    voter_budget: Fraction
    picks: list[MesPick]
    budgets: np.ndarray
    unaffordable_at: dict[int, float] = field(
        default_factory=dict
    )  # project -> money its supporters had left


@dataclass(frozen=True)
class MesOutcome:
    selected: list[str]
    free: list[str]  # supported projects of cost 0, selected before any money moves
    initial_voter_budget: Fraction
    final_voter_budget: Fraction
    completion_steps: int
    run: MesRun | None
    supporter_money_left: dict[str, float]
    total_sat: dict[str, Fraction]


def _rho(cost: float, bb: np.ndarray, ss: np.ndarray, total: float) -> float:
    """Smallest ρ with Σ min(bb, ρ·ss) = cost (the supporters are known to afford it)."""
    order = np.argsort(bb / ss, kind="stable")
    bbs, sss = bb[order], ss[order]
    paid_before = np.concatenate(([0.0], np.cumsum(bbs)[:-1]))
    sat_left = total - np.concatenate(([0.0], np.cumsum(sss)[:-1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = (cost - paid_before) / sat_left
    ok = np.nonzero(rho * sss <= bbs * (1 + TOL))[0]
    return float(rho[ok[0]] if len(ok) else rho[-1])


def mes_run(table: SatisfactionTable, candidates: list[int], voter_budget: Fraction) -> MesRun:
    costs = [float(p.cost) for p in table.projects]
    names = [p.id for p in table.projects]
    totals = [float(t) for t in table.total_sat]
    budgets = np.full(table.num_voters, float(voter_budget))
    afford = {j: costs[j] / totals[j] for j in candidates}  # lower bounds: ρ only grows
    active = set(candidates)
    picks: list[MesPick] = []
    unaffordable: dict[int, float] = {}
    while True:
        best, tied = float("inf"), []
        for j in sorted(active, key=afford.__getitem__):
            idx = table.supporters[j]
            bb = budgets[idx]
            money = float(bb.sum())
            if money < costs[j] * (1 - TOL):
                active.discard(j)
                unaffordable[j] = money
                continue
            if afford[j] > best * (1 + TOL):
                break
            rho = _rho(costs[j], bb, table.sats[j], totals[j])
            afford[j] = rho
            if rho < best * (1 - TOL):
                best, tied = rho, [j]
            elif rho <= best * (1 + TOL):
                tied.append(j)
        if not tied:
            break
        j = min(tied, key=names.__getitem__)
        idx = table.supporters[j]
        pay = np.minimum(budgets[idx], best * table.sats[j])
        budgets[idx] -= pay
        active.discard(j)
        picks.append(MesPick(names[j], len(picks) + 1, best, int(np.count_nonzero(pay))))
    for j in active:  # left over: supporters can no longer pay
        unaffordable[j] = float(budgets[table.supporters[j]].sum())
    return MesRun(voter_budget, picks, budgets, unaffordable)


def mes(election: Election, table: SatisfactionTable | None = None, *, completion: bool = True) -> MesOutcome:
    table = table or SatisfactionTable.build(election)
    n = table.num_voters
    projects = table.projects
    candidates = [j for j, p in enumerate(projects) if table.total_sat[j] > 0 and p.cost > 0]
    free = sorted(p.id for j, p in enumerate(projects) if table.total_sat[j] > 0 and p.cost == 0)
    totals = {p.id: table.total_sat[j] for j, p in enumerate(projects)}
    if n == 0:
        return MesOutcome([], [], Fraction(0), Fraction(0), 0, None, {}, totals)
    cost_of = {p.id: p.cost for p in projects}
    start = election.budget / n
    voter_budget, steps = start, 0
    previous: tuple[list[str], MesRun | None] = (free, None)
    while True:
        run = mes_run(table, candidates, voter_budget)
        chosen = free + [pk.project_id for pk in run.picks]
        spent = sum((cost_of[c] for c in chosen), Fraction(0))
        if not completion:
            previous = (chosen, run)
            break
        if spent > election.budget:
            voter_budget -= 1
            break
        previous = (chosen, run)
        taken = set(chosen)
        exhaustive = all(
            projects[j].id in taken or spent + projects[j].cost > election.budget for j in candidates
        )
        if exhaustive:
            break
        voter_budget += 1
        steps += 1
    chosen, final = previous
    left = {projects[j].id: m for j, m in (final.unaffordable_at.items() if final else [])}
    return MesOutcome(sorted(chosen), free, start, voter_budget, steps, final, left, totals)
