"""Counting participatory-budget elections: pure Python + numpy, no Django.

Rules and their pabutools equivalents (decision 0021): greedy = `greedy_utilitarian_welfare`,
MES = `method_of_equal_shares(..., voter_budget_increment=1)`; cost satisfaction for approval and
cumulative ballots, additive Borda for ordinal ballots; ties broken by project id as text.
"""

from gongzhi.projects.counting.election import Election, Project, SatisfactionTable
from gongzhi.projects.counting.greedy import greedy
from gongzhi.projects.counting.mes import mes

__all__ = ["Election", "Project", "SatisfactionTable", "greedy", "mes"]
