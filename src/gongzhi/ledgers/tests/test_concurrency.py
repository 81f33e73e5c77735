"""Two staff confirming the same resident file at the same moment (PostgreSQL: real row locks)."""

import threading

import pytest
from conftest import make_user
from django.db import connection

from gongzhi.accounts.roles import Role
from gongzhi.ledgers import residents
from gongzhi.ledgers.actions import batch_confirm, batch_preview
from gongzhi.ledgers.tests.files import RESIDENT_HEADERS, resident_rows, xlsx
from gongzhi.people.models import Person, PersonTag
from gongzhi.territory.models import TerritoryNode

ROWS = 300


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_staff_importing_the_same_file_at_once_create_each_person_once(actors, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to prove")
    building = actors.net.a.building
    content = xlsx(RESIDENT_HEADERS, resident_rows(building.code, ROWS))
    colleague = make_user("staff_a2", "社工丙", Role.COMMUNITY_STAFF, actors.net.a.community)
    batches = [
        (actor, batch_preview(actor=actor, kind="residents", filename="同一文件.xlsx", content=content).pk)
        for actor in (actors.staff_a, colleague)
    ]

    # Both transactions finish validating (and so both plan every row as new) before either writes.
    validated = threading.Barrier(2, timeout=30)
    original = residents.validate

    def validate_then_wait(actor, table):
        plan = original(actor, table)
        validated.wait()
        return plan

    monkeypatch.setattr(residents, "validate", validate_then_wait)
    results, errors = [], []

    def confirm(actor, batch_id):
        try:
            results.append(batch_confirm(actor=actor, batch_id=batch_id))
        except Exception as exc:  # noqa: BLE001 - any escape fails the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=pair) for pair in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert [b.result["created"] for b in results] == [ROWS, ROWS]  # both planned every row as new
    assert Person.objects.filter(name__startswith="住户").count() == ROWS
    homes = {(i % 3 + 1, 100 * (i % 30 + 1) + i % 4 + 1) for i in range(ROWS)}
    households = TerritoryNode.objects.filter(path__startswith=building.path, level="household")
    assert households.count() == len(homes)  # the net's own 1单元 101 is among them, reused
    assert PersonTag.objects.filter(person__name__startswith="住户").count() == 2 * (ROWS // 10)
