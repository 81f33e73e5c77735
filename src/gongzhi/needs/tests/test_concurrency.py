"""Real concurrency on PostgreSQL: two staff pairing the same need with the same resource at once
store one pairing (the need row lock; the partial unique constraint backs it)."""

import pytest
from django.db import connection

from gongzhi.core.testing import run_together
from gongzhi.needs import actions
from gongzhi.needs.actions import LibraryError
from gongzhi.needs.models import Need, Pairing, Resource

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_simultaneous_pairings_of_one_need_and_resource_store_one(actors, units):
    need = actions.need_create(actor=None, community=actors.net.a.community, title="x", category="elderly")
    resource = actions.resource_add(
        actor=None, organisation=units.firm, title="y", kind="volunteers", category="elderly"
    )

    def pair(_i: int):
        return actions.pairing_create(
            actor=None, need=Need.objects.get(pk=need.pk), resource=Resource.objects.get(pk=resource.pk)
        )

    results = run_together(3, pair)
    assert sum(isinstance(r, Pairing) for r in results) == 1, results
    assert sum(isinstance(r, LibraryError) for r in results) == 2
    assert Pairing.objects.filter(need_id=need.pk).count() == 1
