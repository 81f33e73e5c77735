"""One demo sign-in per role, all living in or serving 碧眼社区 of 光明街道 (plus one staff member
of another community, to try the 404 case). Persons are generated like everyone else; only their
phones and usernames are fixed so the README can name them."""

from dataclasses import dataclass

from gongzhi.accounts.roles import Role
from gongzhi.demo import facts
from gongzhi.demo.people import Member, PeopleBuilder
from gongzhi.demo.specs import LoginSpec, NodeSpec, OrgSpec, PersonSpec
from gongzhi.people.models import ResidenceType

DEMO_PASSWORD = "gongzhi-demo-2026"  # noqa: S105 - published on purpose: demo data only
HOME_COMMUNITY = "碧眼社区"
OTHER_COMMUNITY = "公明社区"
DEPARTMENT = "城市管理和综合执法局"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    label_en: str
    phone: str
    age: int
    male: bool
    household: str  # alone / couple / family
    community: str = HOME_COMMUNITY
    registered: bool = False


LOGINS: list[DemoLogin] = [
    DemoLogin("demo_resident", Role.RESIDENT, "Resident", "13800000001", 36, True, "family"),
    DemoLogin("demo_member", Role.PARTY_MEMBER, "Party member", "13800000002", 45, True, "couple"),
    DemoLogin("demo_volunteer", Role.VOLUNTEER, "Volunteer", "13800000003", 58, False, "couple"),
    DemoLogin("demo_gridworker", Role.GRID_WORKER, "Grid worker", "13800000004", 31, False, "alone"),
    DemoLogin(
        "demo_building_head",
        Role.BUILDING_HEAD,
        "Building head",
        "13800000005",
        63,
        True,
        "couple",
        registered=True,
    ),
    DemoLogin(
        "demo_staff",
        Role.COMMUNITY_STAFF,
        "Community staff",
        "13800000006",
        29,
        False,
        "alone",
        registered=True,
    ),
    DemoLogin(
        "demo_secretary",
        Role.COMMUNITY_SECRETARY,
        "Community party secretary",
        "13800000007",
        47,
        False,
        "family",
        registered=True,
    ),
    DemoLogin(
        "demo_street",
        Role.STREET_OFFICER,
        "Street officer",
        "13800000008",
        41,
        True,
        "family",
        "光明社区",
        True,
    ),
    DemoLogin(
        "demo_district",
        Role.DISTRICT_ADMIN,
        "District administrator",
        "13800000009",
        50,
        True,
        "couple",
        "东周社区",
        True,
    ),
    DemoLogin(
        "demo_department",
        Role.DEPARTMENT_HANDLER,
        "Department case handler",
        "13800000010",
        38,
        True,
        "alone",
        "白花社区",
    ),
    DemoLogin(
        "demo_property", Role.PROPERTY_STAFF, "Property company staff", "13800000011", 44, True, "couple"
    ),
    DemoLogin(
        "demo_admin",
        Role.PLATFORM_ADMIN,
        "Platform administrator",
        "13800000012",
        35,
        False,
        "alone",
        "光明社区",
    ),
    DemoLogin(
        "demo_staff_other",
        Role.COMMUNITY_STAFF,
        "Community staff (another community)",
        "13800000013",
        33,
        True,
        "alone",
        OTHER_COMMUNITY,
        True,
    ),
    DemoLogin(
        "demo_merchant", Role.MERCHANT_STAFF, "Merchant counter staff", "13800000014", 39, False, "couple"
    ),
    DemoLogin(
        "demo_owners", Role.OWNERS_COMMITTEE, "Owners' committee member", "13800000015", 55, True, "couple"
    ),
]


def household_members(login: DemoLogin) -> list[Member]:
    head = Member(login.age, login.male, True)
    if login.household == "alone":
        return [head]
    spouse = Member(login.age + (-2 if login.male else 2), not login.male, False)
    if login.household == "couple":
        return [head, spouse]
    return [head, spouse, Member(max(3, login.age - 29), login.age % 2 == 0, True)]


def plan_login_people(builder: PeopleBuilder, nodes: list[NodeSpec]) -> dict[str, PersonSpec]:
    """The login persons and their households; the resident lives in an estate (not an urban
    village) so the property company and building head logins have something to serve."""
    rng = builder.rng
    community_code = {n.name: n.code for n in nodes if n.level == "community"}
    compound_name = {n.code: n.name for n in nodes if n.level == "compound"}
    home = community_code[HOME_COMMUNITY]
    estate_units = [u for u in builder.units_by_community[home] if "村" not in compound_name[u.code[:17]]]
    resident_unit = rng.choice(estate_units or builder.units_by_community[home])
    people: dict[str, PersonSpec] = {}
    for login in LOGINS:
        if login.username == "demo_resident":
            unit = resident_unit
        else:
            unit = rng.choice(builder.units_by_community[community_code[login.community]])
        residence = ResidenceType.REGISTERED if login.registered else ResidenceType.NON_REGISTERED
        household = builder.add_household(
            household_members(login), unit, kind="login", phones=[login.phone], residence=residence.value
        )
        people[login.username] = household[0]
    return people


def plan_logins(people: dict[str, PersonSpec], nodes: list[NodeSpec], orgs: list[OrgSpec]) -> list[LoginSpec]:
    community_code = {n.name: n.code for n in nodes if n.level == "community"}
    resident_home = people["demo_resident"].household_code
    grid, building = resident_home[:15], resident_home[:20]
    compound = resident_home[:17]
    property_company = next(
        (o.key for o in orgs if o.kind == "property_company" and compound in o.serves),
        next(
            o.key for o in orgs if o.kind == "property_company" and o.territory_code == facts.GUANGMING_STREET
        ),
    )
    home_code = community_code[HOME_COMMUNITY]
    merchant = next(o.key for o in orgs if o.kind == "merchant" and o.territory_code == home_code)
    # the resident's own compound when it has an owners' committee, else the nearest one by code
    owners = sorted(
        (o for o in orgs if o.kind == "owners_committee"),
        key=lambda o: (o.territory_code != compound, o.territory_code[:12] != home_code, o.territory_code),
    )[0].key
    where: dict[str, tuple[str | None, str | None]] = {
        "demo_resident": (resident_home, None),
        "demo_member": (people["demo_member"].household_code, None),
        "demo_volunteer": (community_code[HOME_COMMUNITY], None),
        "demo_gridworker": (grid, None),
        "demo_building_head": (building, None),
        "demo_staff": (community_code[HOME_COMMUNITY], None),
        "demo_secretary": (community_code[HOME_COMMUNITY], None),
        "demo_street": (facts.GUANGMING_STREET, None),
        "demo_district": (facts.DISTRICT_CODE, None),
        "demo_department": (None, f"dept:{DEPARTMENT}"),
        "demo_property": (None, property_company),
        "demo_admin": (None, None),
        "demo_staff_other": (community_code[OTHER_COMMUNITY], None),
        "demo_merchant": (None, merchant),
        "demo_owners": (None, owners),
    }
    return [
        LoginSpec(
            username=login.username,
            role=str(login.role),
            person_key=people[login.username].key,
            territory_code=where[login.username][0],
            org_key=where[login.username][1],
            is_superuser=login.role == Role.PLATFORM_ADMIN,
            phone_only=login.role == Role.RESIDENT,
        )
        for login in LOGINS
    ]
