"""Shared actors: "someone who may" and "someone who may not", on a small real net."""

import importlib
from dataclasses import dataclass

import pytest

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.roles import Role
from gongzhi.people.models import Person
from gongzhi.people.tests.factories import make_person
from gongzhi.territory.tests.factories import Net, make_net

PASSWORD = "correct-horse-battery-9"


@dataclass
class Actors:
    net: Net
    resident_a: User
    staff_a: User
    secretary_a: User
    staff_b: User
    street_officer: User
    department_handler: User
    platform_admin: User
    person_a: Person  # a resident of community A with ID number and phone
    person_b: Person  # a resident of community B


def make_user(username: str, name: str, role: str | None, territory=None, household=None) -> User:  # type: ignore[no-untyped-def]
    person = make_person(name=name, household=household)
    user = User.objects.create_user(username=username, password=PASSWORD, person=person)
    if role:
        RoleAssignment.objects.create(person=person, role=role, territory=territory)
    return user


@pytest.fixture
def net(db) -> Net:  # type: ignore[no-untyped-def]
    return make_net()


@pytest.fixture
def actors(net: Net) -> Actors:
    resident_a = make_user("resident_a", "居民甲", Role.RESIDENT, net.a.household, household=net.a.household)
    return Actors(
        net=net,
        resident_a=resident_a,
        staff_a=make_user("staff_a", "社工甲", Role.COMMUNITY_STAFF, net.a.community),
        secretary_a=make_user("secretary_a", "书记甲", Role.COMMUNITY_SECRETARY, net.a.community),
        staff_b=make_user("staff_b", "社工乙", Role.COMMUNITY_STAFF, net.b.community),
        street_officer=make_user("street_officer", "街道干部", Role.STREET_OFFICER, net.street),
        department_handler=make_user("dept_handler", "城管办理人", Role.DEPARTMENT_HANDLER, net.district),
        platform_admin=make_user("platform_admin", "平台管理员", Role.PLATFORM_ADMIN, None),
        person_a=make_person(name="王秀英", household=net.a.household, id_number="440306195003070020"),
        person_b=make_person(name="李建国", household=net.b.household),
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 costs ~0.1 s per account and the actors fixture makes seven; tests that assert the
    production hasher set PASSWORD_HASHERS back themselves."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_AUDIT_MIGRATION = importlib.import_module("gongzhi.core.migrations.0002_audit_append_only")
_audit_triggers_off = False


def _set_audit_triggers(*, enabled: bool) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE core_auditentry {'ENABLE' if enabled else 'DISABLE'} TRIGGER USER")
        elif enabled:
            for sql in _AUDIT_MIGRATION.SQLITE:
                cursor.execute(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"))
        else:
            for sql in _AUDIT_MIGRATION.SQLITE_REVERSE:
                cursor.execute(sql)


@pytest.fixture(autouse=True)
def _audit_log_append_only(request, django_db_blocker):
    """The audit log refuses UPDATE/DELETE/TRUNCATE (core migration 0002), and so would the flush
    that ends a transactional test (live server, concurrency). Switch the triggers off for that
    flush only and back on before the next test, so every test runs with them in force."""
    global _audit_triggers_off
    if _audit_triggers_off:
        with django_db_blocker.unblock():
            _set_audit_triggers(enabled=True)
        _audit_triggers_off = False
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional:
        request.getfixturevalue("transactional_db")  # set up first, so our teardown runs before its flush
    yield
    if transactional:
        with django_db_blocker.unblock():
            _set_audit_triggers(enabled=False)
        _audit_triggers_off = True
