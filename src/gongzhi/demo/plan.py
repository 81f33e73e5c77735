"""The whole demo as plain records, from a seed: no database, no clock, no global random state.
Each stage draws from its own random.Random, so e.g. the number of residents does not move the
boundaries."""

import datetime
import random

from gongzhi.demo import facts
from gongzhi.demo.geography import plan_territory
from gongzhi.demo.logins import plan_login_people, plan_logins
from gongzhi.demo.orgs import plan_organisations
from gongzhi.demo.outline import Outline, load_outline
from gongzhi.demo.party import PartyPlanner
from gongzhi.demo.people import PeopleBuilder
from gongzhi.demo.specs import LoginSpec, NodeSpec, OrgSpec, Plan, PostSpec
from gongzhi.orgs.models import OrgKind, PostTitle
from gongzhi.people.models import MemberKind, ResidenceType

DEFAULT_SEED = 20180919  # the day Guangming became a district
DEFAULT_RESIDENTS = 20_000


def make_plan(
    *, seed: int = DEFAULT_SEED, residents: int = DEFAULT_RESIDENTS, outline: Outline | None = None
) -> Plan:
    outline = outline or load_outline()

    def stream(name: str) -> random.Random:
        return random.Random(f"{seed}:{name}")  # str seeds hash with SHA-512: stable across runs

    nodes, units = plan_territory(outline.geometry, stream("territory"))
    orgs = plan_organisations(nodes, stream("organisations"))
    party = PartyPlanner(nodes, stream("party"))
    party.structure()

    builder = PeopleBuilder(stream("people"), units)
    login_people = plan_login_people(builder, nodes)
    builder.residents(residents)

    login_keys = {p.key for p in login_people.values()}
    party.add_member(
        login_people["demo_member"],
        MemberKind.IN_SERVICE,
        _org_name(orgs, f"partner:{login_people['demo_member'].household_code[:12]}"),
    )
    party.add_member(login_people["demo_secretary"], MemberKind.IN_SERVICE, "碧眼社区党群服务中心")
    workplaces = [
        o.name
        for o in orgs
        if o.kind
        in {OrgKind.DEPARTMENT, OrgKind.PARTNER_UNIT, OrgKind.RESIDENT_UNIT, OrgKind.PROPERTY_COMPANY}
    ]
    party.choose_members(
        [p for p in builder.persons if p.key not in login_keys], workplaces, exclude=login_keys
    )
    persons_by_key = {p.key: p for p in builder.persons}
    party.member_households(persons_by_key)
    secretary = login_people["demo_secretary"]
    party.posts_for(persons_by_key, orgs, fixed={f"cc:{secretary.household_code[:12]}": secretary.key})

    all_nodes = nodes + builder.households
    set_populations(all_nodes, builder)
    logins = plan_logins(login_people, nodes, orgs)
    return Plan(
        seed=seed,
        outline_source=outline.source,
        nodes=all_nodes,
        persons=builder.persons,
        party_orgs=party.orgs,
        orgs=orgs,
        members=party.members,
        posts=party.posts + staff_posts(logins),
        logins=logins,
    )


def _org_name(orgs: list[OrgSpec], key: str) -> str:
    return next(o.name for o in orgs if o.key == key)


def staff_posts(logins: list[LoginSpec]) -> list[PostSpec]:
    """The department handler and the property clerk hold a post in their organisation."""
    starts = datetime.date(facts.REFERENCE_DATE.year, 1, 6)
    return [
        PostSpec(login.person_key, PostTitle.MEMBER, starts, org_key=login.org_key)
        for login in logins
        if login.org_key
    ]


def set_populations(nodes: list[NodeSpec], builder: PeopleBuilder) -> None:
    """Residents, registered residents and households counted up the tree; streets and the
    district carry the (much larger) resident figures of the real district instead."""
    parent = {n.code: n.parent_code for n in nodes}
    residents: dict[str, int] = {}
    registered: dict[str, int] = {}
    households: dict[str, int] = {}
    for household in builder.households:
        code: str | None = household.code
        while code is not None:
            households[code] = households.get(code, 0) + 1
            code = parent[code]
    for person in builder.persons:
        code = person.household_code
        while code is not None:
            residents[code] = residents.get(code, 0) + 1
            if person.residence_type == ResidenceType.REGISTERED:
                registered[code] = registered.get(code, 0) + 1
            code = parent[code]
    for node in nodes:
        if node.level in {"district", "street", "community", "grid", "compound"}:
            node.population = facts.RESIDENT_POPULATION.get(node.code, residents.get(node.code, 0))
            node.registered_population = registered.get(node.code, 0)
            node.household_count = households.get(node.code, 0)
