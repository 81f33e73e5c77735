"""The reference library, for tests and benchmarks only (never imported by application code).

pabutools 1.2.3 imports `pulp.PULP_CBC_CMD` and `pulp.LpStatusOptimal`, which PuLP 4 removed; the rules we compare with never
call a solver, so the missing name is aliased before pabutools is imported (the integrator may pin
`pulp<4` instead, see the report of issue 7).
"""

from pathlib import Path

import pulp

if not hasattr(pulp, "PULP_CBC_CMD"):
    pulp.PULP_CBC_CMD = pulp.COIN_CMD
if not hasattr(pulp, "LpStatusOptimal"):
    pulp.LpStatusOptimal = 1  # PuLP 3's constant; only the ILP rules (unused here) read it

from pabutools.election import Additive_Borda_Sat, Cost_Sat, parse_pabulib  # noqa: E402
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares  # noqa: E402


def reference_outcome(path: str | Path, rule: str) -> list[str]:
    """Sorted selected project ids as pabutools computes them (issue 7, item 3)."""
    instance, profile = parse_pabulib(str(path))
    sat = Additive_Borda_Sat if instance.meta["vote_type"] == "ordinal" else Cost_Sat
    if rule == "greedy":
        chosen = greedy_utilitarian_welfare(instance, profile, sat_class=sat)
    else:
        chosen = method_of_equal_shares(instance, profile, sat_class=sat, voter_budget_increment=1)
    return sorted(p.name for p in chosen)


def outcome_from_text(text: str, rule: str) -> list[str]:
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".pb", encoding="utf-8", delete=False) as fh:
        fh.write(text)
    try:
        return reference_outcome(fh.name, rule)
    finally:
        Path(fh.name).unlink()
