"""Households and residents: family shapes, ages, names, ID numbers, phones, special-group tags.

Shares are rough but plausible for an industrial Shenzhen district: many young single migrants,
young families, a registered (户籍) minority, few but real elderly living alone."""

import datetime
import random
from dataclasses import dataclass

from gongzhi.demo import facts, names
from gongzhi.demo.specs import NodeSpec, PersonSpec
from gongzhi.people.idcard import make_id_number
from gongzhi.people.models import ResidenceType, Tag

REF = facts.REFERENCE_DATE

# (kind, weight): mean size about 2.5 persons.
HOUSEHOLD_KINDS: list[tuple[str, int]] = [
    ("single_young", 27),
    ("couple_young", 13),
    ("nuclear_1", 21),
    ("nuclear_2", 13),
    ("three_generations", 10),
    ("middle_aged_family", 7),
    ("middle_aged_couple", 4),
    ("elderly_couple", 5),
    ("elderly_alone", 5),
]
RESIDENCE_WEIGHTS: dict[str, tuple[int, int, int]] = {  # registered, non-registered, floating
    "single_young": (5, 45, 50),
    "couple_young": (15, 60, 25),
    "elderly_couple": (65, 30, 5),
    "elderly_alone": (70, 25, 5),
}
DEFAULT_RESIDENCE = (30, 55, 15)
RESIDENCE_TYPES = (
    ResidenceType.REGISTERED.value,
    ResidenceType.NON_REGISTERED.value,
    ResidenceType.FLOATING.value,
)
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "198",
    "199",
]
RESERVED_PHONE_PREFIX = "138000000"  # 13800000001… belong to the demo logins


@dataclass(frozen=True)
class Member:
    age: int
    male: bool
    in_family: bool  # carries the household's family name (a spouse keeps their own)


def compose(kind: str, rng: random.Random) -> list[Member]:
    """The people of one household, head first."""
    r = rng.randint

    def spouse_of(age: int) -> Member:
        return Member(max(20, age + r(-6, 2)), False, False)

    if kind == "single_young":
        return [Member(r(19, 40), rng.random() < 0.58, True)]
    if kind == "couple_young":
        head = r(24, 40)
        return [Member(head, True, True), spouse_of(head)]
    if kind in {"nuclear_1", "nuclear_2"}:
        head = r(27, 52)
        kids = [
            Member(r(0, min(17, head - 22)), rng.random() < 0.52, True)
            for _ in range(1 if kind == "nuclear_1" else 2)
        ]
        return [Member(head, True, True), spouse_of(head), *kids]
    if kind == "three_generations":
        head = r(28, 45)
        kids = [
            Member(r(0, min(14, head - 22)), rng.random() < 0.52, True) for _ in range(rng.choice((1, 1, 2)))
        ]
        grand = head + r(24, 32)
        elders = [Member(grand, rng.random() < 0.4, True)]
        if len(kids) == 1 and rng.random() < 0.35:
            elders = [Member(grand, True, True), Member(grand + r(-5, 1), False, False)]
        return [Member(head, True, True), spouse_of(head), *kids, *elders]
    if kind == "middle_aged_family":
        head = r(45, 62)
        return [
            Member(head, True, True),
            spouse_of(head),
            Member(r(18, min(30, head - 20)), rng.random() < 0.5, True),
        ]
    if kind == "middle_aged_couple":
        head = r(45, 59)
        return [Member(head, True, True), spouse_of(head)]
    if kind == "elderly_couple":
        head = r(60, 88)
        return [Member(head, True, True), Member(max(58, head + r(-5, 1)), False, False)]
    if kind == "elderly_alone":
        return [Member(r(65, 95), rng.random() < 0.35, True)]
    raise ValueError(kind)


def _random_date(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    if end <= start:
        return start
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class PeopleBuilder:
    """Keeps what must stay unique across the whole demo: ID numbers, phones, rooms."""

    def __init__(self, rng: random.Random, units: list[NodeSpec]) -> None:
        self.rng = rng
        self.units = units
        self.units_by_community: dict[str, list[NodeSpec]] = {}
        for unit in units:
            self.units_by_community.setdefault(unit.code[:12], []).append(unit)
        self.id_numbers: set[str] = set()
        self.phones: set[str] = set()
        self.rooms: dict[str, set[str]] = {}
        self.households: list[NodeSpec] = []
        self.persons: list[PersonSpec] = []

    # identity -----------------------------------------------------------------------------
    def id_number(self, region: str, birth: datetime.date, male: bool) -> str:
        for _ in range(2000):
            value = make_id_number(region, birth, self.rng.randrange(500) * 2 + (1 if male else 0))
            if value not in self.id_numbers:
                self.id_numbers.add(value)
                return value
        raise RuntimeError(f"no free ID sequence for {region} {birth}")

    def phone(self) -> str:
        while True:
            value = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if value not in self.phones and not value.startswith(RESERVED_PHONE_PREFIX):
                self.phones.add(value)
                return value

    def reserve_phone(self, value: str) -> str:
        self.phones.add(value)
        return value

    def region(self, residence: str, birth: datetime.date, home_region: str) -> str:
        if residence != ResidenceType.REGISTERED:
            return home_region
        if birth >= facts.GUANGMING_FOUNDED:
            return facts.DISTRICT_CODE
        # Born before the district existed: Bao'an's code, or a hukou moved in from elsewhere.
        return "440306" if self.rng.random() < 0.7 else home_region

    def birth_date(self, age: int) -> datetime.date:
        days = int(age * 365.25) + self.rng.randint(1, 364)
        return REF - datetime.timedelta(days=days)

    # households ---------------------------------------------------------------------------
    def household(self, unit: NodeSpec) -> NodeSpec:
        used = self.rooms.setdefault(unit.code, set())
        while True:
            floor, room = self.rng.randint(1, 18), self.rng.randint(1, 4)
            suffix = f"{floor:02d}{room:02d}"
            if suffix not in used:
                used.add(suffix)
                break
        node = NodeSpec("household", f"{unit.code}{suffix}", f"{floor}{room:02d}", unit.code)
        self.households.append(node)
        return node

    def add_household(
        self,
        members: list[Member],
        unit: NodeSpec,
        *,
        kind: str,
        phones: list[str] | None = None,
        residence: str | None = None,
    ) -> list[PersonSpec]:
        rng = self.rng
        home = self.household(unit)
        residence = (
            residence
            or rng.choices(RESIDENCE_TYPES, weights=RESIDENCE_WEIGHTS.get(kind, DEFAULT_RESIDENCE))[0]
        )
        home_region = rng.choices(
            [c for c, _ in facts.BIRTH_REGIONS], weights=[w for _, w in facts.BIRTH_REGIONS]
        )[0]
        family = names.surname(rng)
        head_birth = self.birth_date(members[0].age)
        earliest = max(datetime.date(1995, 1, 1), add_years(head_birth, 18))
        moved_in = _random_date(rng, earliest, REF - datetime.timedelta(days=30))
        out = []
        for index, member in enumerate(members):
            birth = head_birth if index == 0 else self.birth_date(member.age)
            name = names.person_name(
                rng, male=member.male, birth_year=birth.year, family=family if member.in_family else None
            )
            id_number = self.id_number(self.region(residence, birth, home_region), birth, member.male)
            if phones and index < len(phones):
                phone = self.reserve_phone(phones[index])
            elif member.age >= 15 and not (member.age >= 80 and rng.random() < 0.4):
                phone = self.phone()
            else:
                phone = ""
            person = PersonSpec(
                key=len(self.persons),
                name=name,
                id_number=id_number,
                phone=phone,
                household_code=home.code,
                residence_type=residence,
                moved_in_on=max(moved_in, birth),
                tags=self.tags(kind, member, birth, residence, len(members)),
            )
            self.persons.append(person)
            out.append(person)
        return out

    def tags(
        self, kind: str, member: Member, birth: datetime.date, residence: str, size: int
    ) -> tuple[tuple[str, datetime.date], ...]:
        rng = self.rng
        found: list[str] = []
        if kind == "elderly_alone" and member.age >= 70 and rng.random() < 0.85:
            found.append(Tag.ELDERLY_ALONE)
        if kind == "elderly_couple" and member.age >= 60 and rng.random() < 0.5:
            found.append(Tag.EMPTY_NEST)
        if rng.random() < (0.035 if member.age >= 65 else 0.01):
            found.append(Tag.DISABILITY)
        if residence == ResidenceType.REGISTERED and rng.random() < 0.015:
            found.append(Tag.LOW_INCOME)
        if kind == "elderly_alone" and residence == ResidenceType.REGISTERED and rng.random() < 0.05:
            found.append(Tag.EXTREME_POVERTY)
        if member.male and 28 <= member.age <= 75 and rng.random() < 0.015:
            found.append(Tag.VETERAN)
        if member.age >= 40 and rng.random() < 0.006:
            found.append(Tag.SERIOUS_ILLNESS)
        start = add_years(birth, 18) if member.age >= 18 else birth
        return tuple((str(tag), _random_date(rng, start, REF)) for tag in found)

    def residents(self, count: int) -> None:
        """Households in random units until `count` people live in them (the last may be cut short)."""
        kinds = [k for k, _ in HOUSEHOLD_KINDS]
        weights = [w for _, w in HOUSEHOLD_KINDS]
        placed = 0
        while placed < count:
            kind = self.rng.choices(kinds, weights=weights)[0]
            members = compose(kind, self.rng)[: count - placed]
            self.add_household(members, self.rng.choice(self.units), kind=kind)
            placed += len(members)


def community_of(household_code: str) -> str:
    """Demo households all sit under compound → building → unit, so the first 12 digits name the community."""
    return household_code[:12]


def age_of(person: PersonSpec) -> int:
    b = person.birth_date
    return REF.year - b.year - ((REF.month, REF.day) < (b.month, b.day))
