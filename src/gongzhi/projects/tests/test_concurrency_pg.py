"""Real concurrency on PostgreSQL: one person casting twice at the same instant leaves one roll row
and one ballot (unique keys + INSERT … ON CONFLICT); many residents at once all get counted."""

import pytest
from django.db import connection
from django.test import Client

from gongzhi.accounts.actions import token_create
from gongzhi.core.testing import run_together
from gongzhi.people.tests.factories import make_person
from gongzhi.projects import actions_vote
from gongzhi.projects.models import Ballot, VoterRoll

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL concurrency"),
]


def test_the_same_resident_voting_twice_at_once_leaves_one_ballot(actors, open_vote) -> None:
    vote, (a, b, _c) = open_vote
    _row, raw = token_create(actor=actors.resident_a, name="phone")
    picks = [[a.pk], [b.pk], [a.pk, b.pk], [b.pk]]

    def cast(i: int) -> int:
        r = Client().post(
            f"/api/v1/projects/votes/{vote.pk}/ballot",
            data={"choices": picks[i]},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        return r.status_code

    assert run_together(4, cast) == [200, 200, 200, 200]
    assert VoterRoll.objects.filter(vote=vote).count() == 1
    ballots = list(Ballot.objects.filter(vote=vote).values_list("choices", flat=True))
    assert len(ballots) == 1
    assert ballots[0] in [sorted(p) for p in picks]


def test_many_residents_at_once_are_all_counted_once(actors, open_vote) -> None:
    vote, (a, _b, _c) = open_vote
    people = [make_person(name=f"并发{i}", household=actors.net.a.household) for i in range(8)]

    def cast(i: int) -> None:
        actions_vote.ballot_cast(actor=actors.resident_a, vote=vote, choices=[a.pk], person=people[i])

    assert run_together(8, cast) == [None] * 8
    assert VoterRoll.objects.filter(vote=vote).count() == 8
    assert Ballot.objects.filter(vote=vote).count() == 8
