"""Matching suggestions for a need, with a score a person can check by hand (docs/needs.md):

    category equal          40
    tag overlap (Jaccard)   30 × |A∩B| / |A∪B|
    same community          20
    quantity fit            10 × min(offered / needed, 1)   (same measure only; 0 otherwise)

Total 0–100, rounded to an integer. Resources that are not available or already paired live to the
need are left out."""

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from gongzhi.needs.models import Need, PairingStatus, Resource

_SPLIT = re.compile(r"[\s,，、;；]+")


def tag_set(text: str) -> frozenset[str]:
    return frozenset(t.lower() for t in _SPLIT.split(text or "") if t)


@dataclass(frozen=True)
class Suggestion:
    resource: Resource
    score: int
    parts: dict[str, float]  # for display; the score itself is summed exactly


def score(need: Need, resource: Resource) -> tuple[int, dict[str, Fraction]]:
    a, b = tag_set(need.tags), tag_set(resource.tags)
    parts = {
        "category": Fraction(40) if need.category == resource.category else Fraction(0),
        "tags": Fraction(30 * len(a & b), len(a | b)) if a | b else Fraction(0),
        "community": Fraction(20) if need.community_id == resource.community_id else Fraction(0),
        "quantity": Fraction(0),
    }
    if need.quantity and resource.quantity and need.measure and need.measure == resource.measure:
        parts["quantity"] = 10 * min(Fraction(resource.quantity, need.quantity), Fraction(1))
    return round(sum(parts.values())), parts


def suggest(need: Need, candidates: Any, limit: int = 10) -> list[Suggestion]:
    """Best resources for a need among `candidates` (already scoped by the caller)."""
    taken = set(need.pairings.exclude(status=PairingStatus.CANCELLED).values_list("resource_id", flat=True))
    out = []
    for r in candidates.filter(available=True).select_related("organisation", "community"):
        if r.pk in taken:
            continue
        total, parts = score(need, r)
        if total > 0:
            out.append(Suggestion(r, total, {k: float(v) for k, v in parts.items()}))
    out.sort(key=lambda s: (-s.score, s.resource.pk))
    return out[:limit]
