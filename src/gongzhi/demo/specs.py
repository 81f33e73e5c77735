"""What the generator produces: plain, comparable records with no database ids. The loader
(load.py) turns them into rows; tests compare two plans to prove determinism without a database."""

import datetime
from dataclasses import dataclass, field
from typing import Any


@dataclass
class NodeSpec:
    level: str
    code: str
    name: str
    parent_code: str | None
    geometry: dict[str, Any] | None = None
    population: int | None = None
    registered_population: int | None = None
    household_count: int | None = None


@dataclass(frozen=True)
class PersonSpec:
    key: int
    name: str
    id_number: str
    phone: str
    household_code: str
    residence_type: str
    moved_in_on: datetime.date
    tags: tuple[tuple[str, datetime.date], ...] = ()

    @property
    def birth_date(self) -> datetime.date:
        return datetime.date(
            int(self.id_number[6:10]), int(self.id_number[10:12]), int(self.id_number[12:14])
        )

    @property
    def is_male(self) -> bool:
        return int(self.id_number[16]) % 2 == 1


@dataclass(frozen=True)
class PartyOrgSpec:
    key: str
    name: str
    level: str
    parent_key: str | None
    territory_code: str
    founded_on: datetime.date


@dataclass(frozen=True)
class OrgSpec:
    key: str
    name: str
    kind: str
    territory_code: str
    credit_code: str = ""
    contact_phone: str = ""
    address: str = ""
    serves: tuple[str, ...] = ()


@dataclass(frozen=True)
class MemberSpec:
    person_key: int
    kind: str
    branch_key: str
    home_community_code: str | None
    joined_on: datetime.date
    workplace: str = ""


@dataclass(frozen=True)
class PostSpec:
    person_key: int
    title: str
    starts_on: datetime.date
    party_org_key: str | None = None
    org_key: str | None = None


@dataclass(frozen=True)
class LoginSpec:
    username: str
    role: str
    person_key: int
    territory_code: str | None = None
    org_key: str | None = None
    is_superuser: bool = False
    phone_only: bool = False  # residents sign in by phone + one-time code


@dataclass
class Plan:
    seed: int
    outline_source: str
    nodes: list[NodeSpec] = field(default_factory=list)  # parents before children
    persons: list[PersonSpec] = field(default_factory=list)
    party_orgs: list[PartyOrgSpec] = field(default_factory=list)  # parents before children
    orgs: list[OrgSpec] = field(default_factory=list)
    members: list[MemberSpec] = field(default_factory=list)
    posts: list[PostSpec] = field(default_factory=list)
    logins: list[LoginSpec] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        by_level: dict[str, int] = {}
        for node in self.nodes:
            by_level[node.level] = by_level.get(node.level, 0) + 1
        return {
            **by_level,
            "persons": len(self.persons),
            "person_tags": sum(len(p.tags) for p in self.persons),
            "party_orgs": len(self.party_orgs),
            "organisations": len(self.orgs),
            "party_members": len(self.members),
            "posts": len(self.posts),
            "logins": len(self.logins),
        }
