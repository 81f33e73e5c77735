"""Party organisations aligned to the territory (street committee → community committee → grid
branch → building group → member household), party members of the four kinds, and posts."""

import datetime
import random

from gongzhi.demo import facts
from gongzhi.demo.people import add_years, age_of, community_of
from gongzhi.demo.specs import MemberSpec, NodeSpec, OrgSpec, PartyOrgSpec, PersonSpec, PostSpec
from gongzhi.orgs.models import OrgKind, PartyLevel, PostTitle
from gongzhi.people.models import MemberKind, ResidenceType

REF = facts.REFERENCE_DATE
MEMBER_SHARE = 0.075  # party members among residents
KIND_SHARES = {
    MemberKind.IN_SERVICE: 0.48,
    MemberKind.RETIRED: 0.25,
    MemberKind.MOBILE: 0.15,
    MemberKind.UNEMPLOYED: 0.12,
}
ELECTED_ON = datetime.date(2021, 4, 15)  # community committees were re-elected in spring 2021


def _day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def branch_grid_indices(n_grids: int, n_branches: int) -> list[int]:
    """1-based grid numbers where each branch sits; a branch covers the grids up to the next one."""
    return [i * n_grids // n_branches + 1 for i in range(n_branches)]


class PartyPlanner:
    def __init__(self, nodes: list[NodeSpec], rng: random.Random) -> None:
        self.rng = rng
        self.nodes = nodes
        self.orgs: list[PartyOrgSpec] = []
        self.branch_of_grid: dict[str, str] = {}  # grid code -> branch key
        self.branches_of_community: dict[str, list[str]] = {}
        self.groups_of_branch: dict[str, list[str]] = {}
        self.members: list[MemberSpec] = []
        self.posts: list[PostSpec] = []

    # structure ----------------------------------------------------------------------------
    def structure(self) -> None:
        rng = self.rng
        by_level: dict[str, list[NodeSpec]] = {}
        for node in self.nodes:
            by_level.setdefault(node.level, []).append(node)
        grids_of: dict[str, list[NodeSpec]] = {}
        for grid in by_level["grid"]:
            grids_of.setdefault(grid.parent_code or "", []).append(grid)
        buildings_under: dict[str, list[NodeSpec]] = {}
        for building in by_level.get("building", []):
            buildings_under.setdefault(building.code[:15], []).append(building)
        compound_name = {c.code: c.name for c in by_level.get("compound", [])}
        founded = facts.GUANGMING_FOUNDED
        for street in by_level["street"]:
            self.orgs.append(
                PartyOrgSpec(
                    f"sc:{street.code}",
                    f"{street.name}党工委",
                    PartyLevel.STREET_COMMITTEE,
                    None,
                    street.code,
                    founded,
                )
            )
        branches, groups = [], []
        for community in by_level["community"]:
            key = f"cc:{community.code}"
            self.orgs.append(
                PartyOrgSpec(
                    key,
                    f"{community.name}党委",
                    PartyLevel.COMMUNITY_COMMITTEE,
                    f"sc:{community.parent_code}",
                    community.code,
                    _day(rng, founded, datetime.date(2019, 6, 30)),
                )
            )
            grids = grids_of[community.code]
            if community.parent_code == facts.GUANGMING_STREET:
                n_branches = facts.GUANGMING_BRANCHES_PER_COMMUNITY
            else:
                n_branches = min(len(grids), rng.randint(*facts.OTHER_BRANCHES_PER_COMMUNITY))
            starts = branch_grid_indices(len(grids), n_branches)
            for index, start in enumerate(starts):
                grid = grids[start - 1]
                b_key = f"br:{grid.code}"
                branches.append(
                    PartyOrgSpec(
                        b_key,
                        f"{community.name}{grid.name}党支部",
                        PartyLevel.BRANCH,
                        key,
                        grid.code,
                        _day(rng, datetime.date(2019, 1, 1), datetime.date(2021, 12, 31)),
                    )
                )
                self.branches_of_community.setdefault(community.code, []).append(b_key)
                end = starts[index + 1] if index + 1 < len(starts) else len(grids) + 1
                covered = grids[start - 1 : end - 1]
                for g in covered:
                    self.branch_of_grid[g.code] = b_key
                candidates = [b for g in covered for b in buildings_under.get(g.code, [])]
                for building in rng.sample(candidates, min(len(candidates), rng.randint(1, 2))):
                    g_key = f"gr:{building.code}"
                    groups.append(
                        PartyOrgSpec(
                            g_key,
                            f"{compound_name[building.parent_code or '']}{building.name}党小组",
                            PartyLevel.GROUP,
                            b_key,
                            building.code,
                            _day(rng, datetime.date(2021, 1, 1), REF),
                        )
                    )
                    self.groups_of_branch.setdefault(b_key, []).append(g_key)
        self.orgs.extend(branches)
        self.orgs.extend(groups)

    def branch_for(self, person: PersonSpec) -> str:
        return self.branch_of_grid[person.household_code[:15]]

    # members ------------------------------------------------------------------------------
    def add_member(self, person: PersonSpec, kind: str, workplace: str = "") -> MemberSpec:
        age = age_of(person)
        joined = min(REF, add_years(person.birth_date, self.rng.randint(18, max(18, min(age, 40)))))
        spec = MemberSpec(
            person_key=person.key,
            kind=kind,
            branch_key=self.branch_for(person),
            home_community_code=community_of(person.household_code),
            joined_on=joined,
            workplace=workplace,
        )
        self.members.append(spec)
        return spec

    def choose_members(self, persons: list[PersonSpec], workplaces: list[str], *, exclude: set[int]) -> None:
        """About 7.5% of residents, split over the four kinds from the people who fit each kind."""
        rng = self.rng
        target = round(len(persons) * MEMBER_SHARE)
        adults = [p for p in persons if p.key not in exclude and age_of(p) >= 18]
        pools = {
            MemberKind.RETIRED: [p for p in adults if age_of(p) >= 60],
            MemberKind.MOBILE: [
                p for p in adults if p.residence_type == ResidenceType.FLOATING and age_of(p) < 60
            ],
            MemberKind.IN_SERVICE: [
                p for p in adults if p.residence_type != ResidenceType.FLOATING and 22 <= age_of(p) < 60
            ],
        }
        taken: set[int] = set()
        for kind, share in KIND_SHARES.items():
            pool = pools.get(kind) or [
                p for p in adults if p.residence_type != ResidenceType.FLOATING and age_of(p) < 60
            ]
            pool = [p for p in pool if p.key not in taken]
            for person in rng.sample(pool, min(len(pool), round(target * share))):
                taken.add(person.key)
                self.add_member(person, kind, rng.choice(workplaces) if kind == MemberKind.IN_SERVICE else "")
        self.members.sort(key=lambda m: m.person_key)

    def member_households(self, persons_by_key: dict[int, PersonSpec]) -> None:
        """党员中心户: about one in 25 members, mostly retired and unemployed ones who are at home."""
        rng = self.rng
        homes: set[str] = set()
        for member in self.members:
            person = persons_by_key[member.person_key]
            at_home = member.kind in {MemberKind.RETIRED, MemberKind.UNEMPLOYED}
            if person.household_code in homes or rng.random() >= (0.1 if at_home else 0.01):
                continue
            homes.add(person.household_code)
            groups = self.groups_of_branch.get(member.branch_key)
            parent = rng.choice(groups) if groups else member.branch_key
            self.orgs.append(
                PartyOrgSpec(
                    f"mh:{person.household_code}",
                    f"{person.name}党员中心户",
                    PartyLevel.MEMBER_HOUSEHOLD,
                    parent,
                    person.household_code,
                    _day(rng, datetime.date(2021, 1, 1), REF),
                )
            )

    # posts --------------------------------------------------------------------------------
    def posts_for(
        self, persons_by_key: dict[int, PersonSpec], orgs: list[OrgSpec], fixed: dict[str, int]
    ) -> None:
        """Secretaries and committee members from the members living there; `fixed` pins a
        party org key to a person (the demo secretary's own committee)."""
        rng = self.rng
        by_branch: dict[str, list[int]] = {}
        by_community: dict[str, list[int]] = {}
        by_street: dict[str, list[int]] = {}
        for m in self.members:
            by_branch.setdefault(m.branch_key, []).append(m.person_key)
            community = m.home_community_code or ""
            by_community.setdefault(community, []).append(m.person_key)
            by_street.setdefault(community[:9], []).append(m.person_key)
        everyone = [m.person_key for m in self.members]

        def holders(pools: list[list[int]], n: int, first: int | None) -> list[int]:
            chosen = [first] if first is not None else []
            for pool in pools:
                free = [k for k in pool if k not in chosen]
                chosen += rng.sample(free, min(len(free), n - len(chosen)))
                if len(chosen) >= n:
                    break
            return chosen

        titles = [PostTitle.SECRETARY, PostTitle.DEPUTY_SECRETARY] + [PostTitle.COMMITTEE_MEMBER] * 3
        secretary_of: dict[str, int] = {}
        for org in self.orgs:
            if org.level == PartyLevel.STREET_COMMITTEE:
                people = holders([by_street.get(org.territory_code, []), everyone], 5, fixed.get(org.key))
                start = ELECTED_ON
            elif org.level == PartyLevel.COMMUNITY_COMMITTEE:
                code = org.territory_code
                people = holders(
                    [by_community.get(code, []), by_street.get(code[:9], []), everyone], 5, fixed.get(org.key)
                )
                start = ELECTED_ON
            elif org.level == PartyLevel.BRANCH:
                pools = [by_branch.get(org.key, []), by_community.get(org.territory_code[:12], [])]
                people = holders(pools, 3, fixed.get(org.key))
                start = max(org.founded_on, ELECTED_ON)
            elif org.level == PartyLevel.GROUP:
                people = holders([by_branch.get(org.parent_key or "", [])], 1, None)
                self.posts.extend(
                    PostSpec(k, PostTitle.GROUP_LEADER, org.founded_on, party_org_key=org.key) for k in people
                )
                continue
            else:
                continue
            if people:
                secretary_of[org.key] = people[0]
            for person_key, title in zip(
                people, titles if org.level != PartyLevel.BRANCH else titles[:1] + titles[2:], strict=False
            ):
                self.posts.append(PostSpec(person_key, title, start, party_org_key=org.key))
        # The community secretary also chairs the residents' committee (一肩挑).
        for organisation in orgs:
            if (
                organisation.kind == OrgKind.RESIDENTS_COMMITTEE
                and (k := secretary_of.get(f"cc:{organisation.territory_code}")) is not None
            ):
                self.posts.append(PostSpec(k, PostTitle.DIRECTOR, ELECTED_ON, org_key=organisation.key))
