"""The double majority of Civil Code art. 278, in exact rational arithmetic (never floats).

Denominators: the quorum is measured against ALL owners and ALL exclusive-part area of the frozen
snapshot; the outcome against the owners and area that PARTICIPATED (cast any ballot, abstentions
included — "参与表决"). See docs/assemblies.md and decision 0024."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

QUORUM = Fraction(2, 3)  # ≥ 2/3 of all area and ≥ 2/3 of all owners take part
ORDINARY = Fraction(1, 2)  # > 1/2 of participating area and owners (过半数: strictly more)
SPECIAL = Fraction(3, 4)  # ≥ 3/4 of participating area and owners (四分之三以上: "以上" includes the figure)


@dataclass(frozen=True)
class Tally:
    total_area: Decimal
    total_owners: int
    part_area: Decimal  # participating
    part_owners: int
    yes_area: Decimal
    yes_owners: int


@dataclass(frozen=True)
class Outcome:
    quorum_area: Fraction  # participating / all
    quorum_owners: Fraction
    quorum_met: bool
    yes_area: Fraction  # yes / participating
    yes_owners: Fraction
    passed: bool
    rule: str

    @staticmethod
    def pct(f: Fraction) -> str:
        return f"{float(f) * 100:.2f}%"


def _share(part: Decimal | int, whole: Decimal | int) -> Fraction:
    return Fraction(part) / Fraction(whole) if whole else Fraction(0)


def quorum_met(t: Tally) -> bool:
    return _share(t.part_area, t.total_area) >= QUORUM and _share(t.part_owners, t.total_owners) >= QUORUM


def decide(t: Tally, *, special: bool) -> Outcome:
    qa, qo = _share(t.part_area, t.total_area), _share(t.part_owners, t.total_owners)
    ya, yo = _share(t.yes_area, t.part_area), _share(t.yes_owners, t.part_owners)
    met = qa >= QUORUM and qo >= QUORUM
    if special:
        passed = met and ya >= SPECIAL and yo >= SPECIAL
        rule = str(_("特别事项:同意的面积与人数均≥参与表决的3/4(参与表决的面积与人数均须≥全体的2/3)"))
    else:
        passed = met and ya > ORDINARY and yo > ORDINARY
        rule = str(_("一般事项:同意的面积与人数均>参与表决的1/2(参与表决的面积与人数均须≥全体的2/3)"))
    return Outcome(qa, qo, met, ya, yo, passed, rule)
