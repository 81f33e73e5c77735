"""The demo at a small scale: official structure, valid identities, determinism, working logins."""

import io

import pytest
import shapely
from django.core.management import call_command
from shapely.geometry import shape

from gongzhi.accounts import actions as account_actions
from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.sms import OutboxSmsBackend
from gongzhi.core.models import AuditEntry
from gongzhi.demo import facts
from gongzhi.demo.logins import DEMO_PASSWORD, LOGINS, household_members
from gongzhi.demo.orgs import is_valid_credit_code
from gongzhi.demo.outline import load_outline
from gongzhi.demo.plan import make_plan
from gongzhi.demo.tests.helpers import loaded_twice
from gongzhi.orgs.models import Organisation, PartyLevel, PartyOrg
from gongzhi.people.idcard import parse_id_number
from gongzhi.people.models import PartyMember, Person
from gongzhi.territory.models import TerritoryNode

SMALL = 300


def load_demo(**options: object) -> str:
    out = io.StringIO()
    call_command("demo", residents=SMALL, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def demo(db) -> str:  # type: ignore[no-untyped-def]
    return load_demo()


def test_demo_has_the_six_official_streets_and_31_communities(demo: str) -> None:
    district = TerritoryNode.objects.get(code="440311")
    assert district.name == "光明区"
    assert district.geometry is not None
    streets = list(TerritoryNode.objects.filter(level="street").values_list("code", "name"))
    assert streets == facts.STREETS
    communities = TerritoryNode.objects.filter(level="community")
    assert communities.count() == 31
    assert all(
        len(c.code) == 12 and c.code.startswith(c.parent.code) for c in communities.select_related("parent")
    )
    per_street = {code: communities.filter(parent__code=code).count() for code, _ in facts.STREETS}
    assert per_street == {
        "440311001": 6,
        "440311002": 6,
        "440311003": 3,
        "440311004": 6,
        "440311005": 4,
        "440311006": 6,
    }


def test_guangming_street_has_150_grids_and_48_grid_branches(demo: str) -> None:
    assert TerritoryNode.objects.filter(level="grid", path__startswith="440311/440311001/").count() == 150
    branches = PartyOrg.objects.filter(
        level=PartyLevel.BRANCH, territory__path__startswith="440311/440311001/"
    )
    assert branches.count() == 48
    assert all(
        b.territory.level == "grid" and b.name.endswith("网格党支部")
        for b in branches.select_related("territory")
    )
    other = TerritoryNode.objects.filter(level="grid").exclude(path__startswith="440311/440311001/").count()
    assert 25 * 4 <= other <= 25 * 6


def test_party_tree_hangs_together(demo: str) -> None:
    assert PartyOrg.objects.filter(level=PartyLevel.STREET_COMMITTEE, parent=None).count() == 6
    assert not PartyOrg.objects.filter(level=PartyLevel.COMMUNITY_COMMITTEE, parent=None).exists()
    for member in PartyMember.objects.select_related("branch", "person__household", "home_community"):
        assert member.branch.level == PartyLevel.BRANCH
        assert member.person.household.path.startswith(member.home_community.path)
        assert member.branch.territory.path.startswith(member.home_community.path)
        assert member.kind != "in_service" or member.workplace


def test_children_tile_their_parent(demo: str) -> None:
    geoms = {
        n.pk: shape(n.geometry)
        for n in TerritoryNode.objects.filter(level__in=["district", "street", "community", "grid"])
    }
    parents = TerritoryNode.objects.filter(level__in=["district", "street", "community"])
    for parent in parents:
        children = [geoms[pk] for pk in parent.children.values_list("pk", flat=True)]
        union = shapely.union_all(children)
        assert geoms[parent.pk].symmetric_difference(union).area < 1e-9 * geoms[parent.pk].area
        assert sum(c.area for c in children) - union.area < 1e-9 * geoms[parent.pk].area


def test_all_id_numbers_are_valid_and_unique(demo: str) -> None:
    numbers = [p.decrypt_id_number() for p in Person.objects.all()]
    assert len(numbers) == SMALL + sum(len(household_members(login)) for login in LOGINS)
    assert len(set(numbers)) == len(numbers)
    for number in numbers:
        parse_id_number(number)
    phones = [p.decrypt_phone() for p in Person.objects.exclude(phone_cipher="")]
    assert len(set(phones)) == len(phones)
    assert all(
        is_valid_credit_code(c)
        for c in Organisation.objects.exclude(credit_code="").values_list("credit_code", flat=True)
    )


def test_every_demo_login_can_sign_in(demo: str, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SMS_BACKEND = "gongzhi.accounts.sms.OutboxSmsBackend"
    # sign-in codes are sent by the task worker: run tasks at once here
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    for login in LOGINS:
        if login.role == "resident":
            OutboxSmsBackend.outbox.clear()
            account_actions.otp_request(phone=login.phone)
            ((phone, text),) = OutboxSmsBackend.outbox
            code = text.split("验证码是")[1][:6]
            user = account_actions.otp_verify(phone=login.phone, code=code)
        else:
            user = account_actions.staff_sign_in(username=login.username, password=DEMO_PASSWORD)
        assert user.username == login.username
        assert RoleAssignment.objects.active().filter(person=user.person, role=login.role).exists()


def test_staff_of_another_community_does_not_see_biyan_residents(demo: str) -> None:
    biyan = TerritoryNode.objects.get(level="community", name="碧眼社区")
    staff = User.objects.get(username="demo_staff")
    other = User.objects.get(username="demo_staff_other")
    assert Person.objects.visible_to(staff).filter(household__path__startswith=biyan.path).exists()
    assert not Person.objects.visible_to(other).filter(household__path__startswith=biyan.path).exists()


def test_if_empty_is_a_no_op_the_second_time(demo: str) -> None:
    before = (TerritoryNode.objects.count(), Person.objects.count(), AuditEntry.objects.count())
    output = load_demo(if_empty=True)
    assert "跳过" in output
    assert (TerritoryNode.objects.count(), Person.objects.count(), AuditEntry.objects.count()) == before
    assert AuditEntry.objects.filter(action="demo.load").count() == 1


def _snapshot() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    nodes = list(TerritoryNode.objects.order_by("code").values_list("code", "name"))
    people = sorted((p.name, p.decrypt_id_number()) for p in Person.objects.all())
    return nodes, people


@pytest.mark.django_db
def test_two_loads_with_the_same_seed_are_identical() -> None:
    snapshots = loaded_twice(lambda: load_demo(seed=7), _snapshot)
    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0][0]) > 4000


def test_same_seed_same_plan_other_seed_other_people() -> None:
    outline = load_outline(use_shared=False)
    first, second = (
        make_plan(seed=1, residents=200, outline=outline),
        make_plan(seed=1, residents=200, outline=outline),
    )
    assert first == second
    other = make_plan(seed=2, residents=200, outline=outline)
    assert [p.id_number for p in other.persons] != [p.id_number for p in first.persons]
    assert [n.code for n in other.nodes if n.level == "community"] == [
        n.code for n in first.nodes if n.level == "community"
    ]


def test_fallback_outline_gives_the_same_structure() -> None:
    plan = make_plan(seed=3, residents=0, outline=load_outline(use_shared=False))
    assert plan.outline_source == "fallback"
    counts = plan.counts()
    assert (counts["street"], counts["community"]) == (6, 31)
    assert sum(1 for n in plan.nodes if n.level == "grid" and n.code.startswith("440311001")) == 150
    assert (
        sum(1 for o in plan.party_orgs if o.level == "branch" and o.territory_code.startswith("440311001"))
        == 48
    )
