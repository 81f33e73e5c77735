"""The draw, as a pure function anyone can re-run (decision 0019).

Each entry is (application number, tier). Entries are ordered by tier (0 = household needing care,
1 = no own space, 2 = others) and, within a tier, by SHA-256 of "<seed>|<number>" in hex. The first
`free_spaces` entries get a permit. Only the published seed and the published list are needed:

    sorted(entries, key=lambda e: (e[1], hashlib.sha256(f"{seed}|{e[0]}".encode()).hexdigest()))
"""

import hashlib


def lottery_key(seed: str, number: str) -> str:
    return hashlib.sha256(f"{seed}|{number}".encode()).hexdigest()


def draw_order(seed: str, entries: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Entries in the order they receive spaces."""
    return sorted(entries, key=lambda e: (e[1], lottery_key(seed, e[0])))


def winners(seed: str, entries: list[tuple[str, int]], free_spaces: int) -> list[str]:
    return [number for number, _tier in draw_order(seed, entries)[: max(free_spaces, 0)]]
