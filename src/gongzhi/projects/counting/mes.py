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

import math
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


SMALL = 200  # supporters up to which ρ is found in plain Python (numpy's per-call cost dominates)


def _rho(cost: float, bb: np.ndarray, ss: np.ndarray, total: float) -> float:
    """Smallest ρ with Σ min(bb, ρ·ss) = cost (the supporters are known to afford it).

    Supporters in order of bb/ss; the first whose ρ·ss they can pay fixes ρ. Array methods and
    preallocated running sums for many supporters; for a few dozen (a completion runs this
    thousands of times) a Python loop that stops at that first supporter, doing the same float
    operations in the same order, so both give the same ρ. No division by zero: supporters have
    positive satisfaction, so the satisfaction left is at least the last one's."""
    if len(bb) <= SMALL:
        ratio = (bb / ss).tolist()
        b, s = bb.tolist(), ss.tolist()
        paid, sat = 0.0, 0.0
        rho = 0.0
        for i in sorted(range(len(b)), key=ratio.__getitem__):
            rho = (cost - paid) / (total - sat)
            if rho * s[i] <= b[i] * (1 + TOL):
                return rho
            paid += b[i]
            sat += s[i]
        return rho
    order = (bb / ss).argsort(kind="stable")
    bbs, sss = bb[order], ss[order]
    paid_before = np.zeros(len(bbs))
    bbs[:-1].cumsum(out=paid_before[1:])
    sat_left = np.zeros(len(sss))
    sss[:-1].cumsum(out=sat_left[1:])
    rho_all = (cost - paid_before) / (total - sat_left)
    ok = (rho_all * sss <= bbs * (1 + TOL)).nonzero()[0]
    return float(rho_all[ok[0]] if len(ok) else rho_all[-1])


@dataclass(frozen=True)
class _Floats:
    """What every run reads, converted once per count instead of once per completion step."""

    costs: list[float]
    totals: list[float]
    names: list[str]


def _floats(table: SatisfactionTable) -> _Floats:
    return _Floats(
        [float(p.cost) for p in table.projects],
        [float(t) for t in table.total_sat],
        [p.id for p in table.projects],
    )


def mes_run(
    table: SatisfactionTable, candidates: list[int], voter_budget: Fraction, floats: _Floats | None = None
) -> MesRun:
    f = floats or _floats(table)
    costs, totals, names = f.costs, f.totals, f.names
    supporters, sats = table.supporters, table.sats
    budgets = np.full(table.num_voters, float(voter_budget))
    afford = {j: costs[j] / totals[j] for j in candidates}  # lower bounds: ρ only grows
    active = set(candidates)
    picks: list[MesPick] = []
    unaffordable: dict[int, float] = {}
    while True:
        best, tied = float("inf"), []
        held: dict[int, np.ndarray] = {}  # supporters' money this round, kept for the one picked
        for j in sorted(active, key=afford.__getitem__):
            bb = budgets[supporters[j]]
            money = float(np.add.reduce(bb))
            if money < costs[j] * (1 - TOL):
                active.discard(j)
                unaffordable[j] = money
                continue
            if afford[j] > best * (1 + TOL):
                break
            rho = _rho(costs[j], bb, sats[j], totals[j])
            afford[j], held[j] = rho, bb
            if rho < best * (1 - TOL):
                best, tied = rho, [j]
            elif rho <= best * (1 + TOL):
                tied.append(j)
        if not tied:
            break
        j = min(tied, key=names.__getitem__)
        pay = np.minimum(held[j], best * sats[j])
        budgets[supporters[j]] = held[j] - pay
        active.discard(j)
        picks.append(MesPick(names[j], len(picks) + 1, best, int(np.count_nonzero(pay))))
    for j in active:  # left over: supporters can no longer pay
        unaffordable[j] = float(budgets[supporters[j]].sum())
    return MesRun(voter_budget, picks, budgets, unaffordable)


def _steps_to_first_affordable(
    table: SatisfactionTable, candidates: list[int], voter_budget: Fraction
) -> int:
    """After a run that bought nothing: how many +1 steps until some project's supporters, all still
    holding the whole share, could afford it. Every share below that buys nothing either, so those
    runs are skipped; the bound is taken TOL low, so the first run not skipped is one the float
    comparison of `mes_run` might already find affordable."""
    slack = 1 - 2 * Fraction(TOL)
    need = min(table.projects[j].cost * slack / len(table.supporters[j]) for j in candidates)
    return max(1, math.ceil(need - voter_budget))


def mes(election: Election, table: SatisfactionTable | None = None, *, completion: bool = True) -> MesOutcome:
    table = table or SatisfactionTable.build(election)
    n = table.num_voters
    projects = table.projects
    candidates = [j for j, p in enumerate(projects) if table.total_sat[j] > 0 and p.cost > 0]
    free = sorted(p.id for j, p in enumerate(projects) if table.total_sat[j] > 0 and p.cost == 0)
    totals = {p.id: table.total_sat[j] for j, p in enumerate(projects)}
    if n == 0:
        return MesOutcome([], [], Fraction(0), Fraction(0), 0, None, {}, totals)
    floats = _floats(table)
    # Exact money in integers: costs and the budget over their common denominator (1 for real files),
    # so the completion's budget and exhaustiveness checks cost no Fraction arithmetic per step.
    scale = math.lcm(election.budget.denominator, *(p.cost.denominator for p in projects))
    cost = {p.id: int(p.cost * scale) for p in projects}
    limit = int(election.budget * scale)
    candidate_ids = [projects[j].id for j in candidates]
    start = election.budget / n
    voter_budget, steps = start, 0
    previous: tuple[list[str], MesRun | None] = (free, None)
    while True:
        run = mes_run(table, candidates, voter_budget, floats)
        chosen = free + [pk.project_id for pk in run.picks]
        spent = sum(cost[c] for c in chosen)
        if not completion:
            previous = (chosen, run)
            break
        if spent > limit:
            voter_budget -= 1
            last = previous[1]
            if last is not None and last.voter_budget != voter_budget:
                # the last run computed came before skipped steps that bought nothing, like it:
                # rerun the share kept so that the money left is reported for that share
                previous = (previous[0], mes_run(table, candidates, voter_budget, floats))
            break
        previous = (chosen, run)
        taken = set(chosen)
        if all(c in taken or spent + cost[c] > limit for c in candidate_ids):
            break
        skip = _steps_to_first_affordable(table, candidates, voter_budget) if not run.picks else 1
        voter_budget += skip
        steps += skip
    chosen, final = previous
    left = {projects[j].id: m for j, m in (final.unaffordable_at.items() if final else [])}
    return MesOutcome(sorted(chosen), free, start, voter_budget, steps, final, left, totals)
