"""Appeal fixtures on top of the shared actors: two departments with a handler each, a small
taxonomy, and an active routing ruleset (城市管理 → 城管局, anything else → 住建局)."""

from dataclasses import dataclass

import pytest

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.roles import Role
from gongzhi.appeals.models import Category, RoutingRule, RoutingRuleSet
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.people.tests.factories import make_person


@dataclass
class World:
    urban: Organisation
    housing: Organisation
    urban_handler: User
    housing_handler: User
    cat_urban: Category  # level 3 under 城乡建设 › 城市管理
    cat_other: Category


def _category(path: str) -> Category:
    parent = None
    parts = path.split("/")
    for depth in range(1, len(parts) + 1):
        parent, _ = Category.objects.get_or_create(
            path="/".join(parts[:depth]),
            defaults={"name": parts[depth - 1], "parent": parent, "level": depth},
        )
    assert parent is not None
    return parent


def _handler(username: str, org: Organisation) -> User:
    person = make_person(name=f"{org.name[:4]}办理人")
    user = User.objects.create_user(username=username, password="x-long-password-1", person=person)
    RoleAssignment.objects.create(person=person, role=Role.DEPARTMENT_HANDLER, organisation=org)
    return user


@pytest.fixture
def world(actors) -> World:
    district = actors.net.district
    urban = Organisation.objects.create(
        name="光明区城市管理和综合执法局", kind=OrgKind.DEPARTMENT, territory=district
    )
    housing = Organisation.objects.create(
        name="光明区住房和建设局", kind=OrgKind.DEPARTMENT, territory=district
    )
    cat_urban = _category("城乡建设/城市管理/占道经营")
    cat_other = _category("城乡建设/住房保障/物业管理")
    ruleset = RoutingRuleSet.objects.create(version=1, is_active=True)
    RoutingRule.objects.create(ruleset=ruleset, position=1, category=cat_urban.parent, department=urban)
    RoutingRule.objects.create(ruleset=ruleset, position=2, department=housing)
    return World(
        urban, housing, _handler("urban_h", urban), _handler("housing_h", housing), cat_urban, cat_other
    )
