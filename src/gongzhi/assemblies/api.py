"""/api/v1/assemblies/: results of an assembly by both measures, for its staff."""

from fractions import Fraction
from typing import Any

from django.http import HttpRequest
from ninja import Router

from gongzhi.assemblies import queries
from gongzhi.assemblies.access import access_assembly

router = Router(tags=["业主大会 assemblies"])


def _f(x: Fraction) -> str:
    return f"{x.numerator}/{x.denominator}"


@router.get("/{assembly_id}/results", url_name="assemblies_results")
def results(request: HttpRequest, assembly_id: int) -> dict[str, Any]:
    """Exact fractions as "p/q" strings, areas as decimal strings, and the rule that applied."""
    assembly = access_assembly(request.user, assembly_id)
    matters = []
    for r in queries.matter_results(assembly) if assembly.status != "draft" else []:
        t, o = r.tally, r.outcome
        matters.append(
            {
                "id": r.matter.pk,
                "title": r.matter.title,
                "category": r.matter.category,
                "special": r.matter.is_special,
                "participating_area": str(t.part_area),
                "participating_owners": t.part_owners,
                "yes_area": str(t.yes_area),
                "yes_owners": t.yes_owners,
                "quorum_area": _f(o.quorum_area),
                "quorum_owners": _f(o.quorum_owners),
                "quorum_met": o.quorum_met,
                "yes_area_share": _f(o.yes_area),
                "yes_owners_share": _f(o.yes_owners),
                "passed": o.passed,
                "rule": o.rule,
            }
        )
    elections = []
    for e in assembly.elections.all():
        _part, rows = queries.election_results(e)
        elections.append(
            {
                "id": e.pk,
                "seats": e.seats,
                "candidates": [
                    {
                        "name": c.candidate.name,
                        "yes_area": str(c.tally.yes_area),
                        "yes_owners": c.tally.yes_owners,
                        "elected": c.elected,
                    }
                    for c in rows
                ],
            }
        )
    return {
        "id": assembly.pk,
        "status": assembly.status,
        "snapshot_version": assembly.snapshot_version,
        "total_area": str(assembly.total_area),
        "total_owners": assembly.total_owners,
        "matters": matters,
        "elections": elections,
    }
