"""Real concurrency on PostgreSQL: the same owner (or the owner and their proxy) voting at once
stores one ballot; the voter row lock serialises them and the unique constraint backs it up."""

import pytest
from django.db import connection

from gongzhi.assemblies import actions
from gongzhi.assemblies.errors import AssemblyError
from gongzhi.assemblies.models import Assembly, Ballot, SnapshotVoter
from gongzhi.assemblies.tests.conftest import new_assembly
from gongzhi.core.testing import run_together

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_the_same_owner_voting_four_times_at_once_stores_one_ballot(register):
    assembly = actions.assembly_open(actor=None, assembly=new_assembly(register))
    owner = register.owners[0]
    voter = SnapshotVoter.objects.get(assembly=assembly, members__person=owner)
    matter_ids = list(assembly.matters.values_list("pk", flat=True))

    def vote(i: int):
        return actions.ballot_cast(
            actor=None,
            person=owner,
            assembly=Assembly.objects.get(pk=assembly.pk),
            voter_id=voter.pk,
            version=assembly.snapshot_version,
            choices={m: ["yes", "no"][i % 2] for m in matter_ids},
            picks={},
        )

    results = run_together(4, vote)
    won = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, AssemblyError)]
    assert (len(won), len(refused)) == (1, 3), results
    assert all("只能投一次" in str(r) for r in refused)
    assert Ballot.objects.filter(voter=voter).count() == len(matter_ids)
