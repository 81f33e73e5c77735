"""Freezing the register into voters when voting opens.

Headcount and area follow the Supreme People's Court interpretation on building distinct ownership
(法释〔2009〕7号, art. 8–9): each exclusive part's area counts once; one exclusive part counts as one
owner however many co-owners it has; one owner of several parts counts as one. Where the two meet
(A owns 101 alone and co-owns 102 with B), A and B are joined into one voter (connected components
of the owner–part graph), so no person and no part is ever counted twice (decision 0024)."""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from gongzhi.assemblies.models import Ownership


@dataclass
class FrozenVoter:
    person_ids: list[int]
    area: Decimal
    doors: list[str] = field(default_factory=list)


def freeze(compound_id: int) -> tuple[list[FrozenVoter], str]:
    """The compound's voters from the current register, and a version hash of that register."""
    rows = list(
        Ownership.objects.current()
        .filter(part__compound_id=compound_id)
        .order_by("part_id", "person_id")
        .values_list(
            "part_id", "part__area", "person_id", "part__household__name", "part__household__parent__name"
        )
    )
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for part_id, _area, person_id, _door, _up in rows:
        a, b = find(f"part:{part_id}"), find(f"person:{person_id}")
        if a != b:
            parent[a] = b
    groups: dict[str, FrozenVoter] = {}
    seen_parts: set[int] = set()
    for part_id, area, person_id, door, up in rows:
        voter = groups.setdefault(find(f"part:{part_id}"), FrozenVoter([], Decimal(0)))
        if person_id not in voter.person_ids:
            voter.person_ids.append(person_id)
        if part_id not in seen_parts:
            seen_parts.add(part_id)
            voter.area += area
            voter.doors.append(f"{up or ''}{door}")
    voters = sorted(groups.values(), key=lambda v: min(v.person_ids))
    digest = hashlib.sha256("\n".join(f"{p}|{a}|{o}" for p, a, o, _d, _u in rows).encode()).hexdigest()
    return voters, digest
