"""The ballot API with a bearer token: statuses and messages for every kind of bad input."""

import datetime

import pytest
from conftest import make_user
from django.test import Client
from django.utils import timezone

from gongzhi.accounts.actions import token_create
from gongzhi.accounts.roles import Role
from gongzhi.projects.models import Ballot, Vote, VoterRoll

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:  # type: ignore[no-untyped-def]
    _row, raw = token_create(actor=user, name="phone app")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(vote, headers, choices):  # type: ignore[no-untyped-def]
    return Client().post(
        f"/api/v1/projects/votes/{vote.pk}/ballot",
        data={"choices": choices},
        content_type="application/json",
        **headers,
    )


def test_resident_casts_and_changes_a_ballot_with_a_token(actors, open_vote) -> None:
    vote, (a, b, _c) = open_vote
    h = bearer(actors.resident_a)
    assert post(vote, h, [a.pk]).status_code == 200
    assert post(vote, h, [b.pk]).status_code == 200
    mine = Client().get(f"/api/v1/projects/votes/{vote.pk}/ballot", **h).json()
    assert mine == {"choices": [b.pk]}
    assert VoterRoll.objects.count() == 1
    assert Ballot.objects.count() == 1


def test_anonymous_reads_the_vote_but_cannot_cast(actors, open_vote) -> None:
    vote, (a, _b, _c) = open_vote
    detail = Client().get(f"/api/v1/projects/votes/{vote.pk}").json()
    assert [c["id"] for c in detail["candidates"]] == sorted(p.pk for p in open_vote[1])
    assert post(vote, {}, [a.pk]).status_code == 401
    assert not Ballot.objects.exists()


@pytest.mark.parametrize(
    ("choices", "status", "words"),
    [([], 422, "至少"), ([424242], 400, "不是本次候选"), ({"1": 1}, 400, "编号列表")],
)
def test_bad_ballots_get_a_status_and_a_message(actors, open_vote, choices, status, words) -> None:
    vote, _props = open_vote
    r = post(vote, bearer(actors.resident_a), choices)
    assert r.status_code == status
    assert words in r.json()["detail"]
    assert not Ballot.objects.exists()


def test_outsider_gets_403_and_a_closed_vote_409(actors, open_vote) -> None:
    vote, (a, _b, _c) = open_vote
    outsider = make_user(
        "b_res", "乙居民", Role.RESIDENT, actors.net.b.household, household=actors.net.b.household
    )
    r = post(vote, bearer(outsider), [a.pk])
    assert r.status_code == 403
    assert "选民范围" in r.json()["detail"]
    Vote.objects.filter(pk=vote.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1),
        opens_at=timezone.now() - datetime.timedelta(days=1),
    )
    r = post(vote, bearer(actors.resident_a), [a.pk])
    assert r.status_code == 409
    assert not Ballot.objects.exists()


def test_results_are_409_until_published_and_unknown_votes_404(actors, open_vote) -> None:
    vote, _props = open_vote
    assert Client().get(f"/api/v1/projects/votes/{vote.pk}/results").status_code == 409
    assert Client().get("/api/v1/projects/votes/987654").status_code == 404
