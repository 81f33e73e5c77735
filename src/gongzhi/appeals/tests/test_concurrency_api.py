"""Real concurrency on PostgreSQL: row locks decide which of two simultaneous actions wins, and the
unique idempotency key decides which of two simultaneous intakes stores the appeal."""

import json

import pytest
from django.db import connection
from django.test import Client

from gongzhi.accounts.actions import token_create
from gongzhi.accounts.models import User
from gongzhi.appeals import actions
from gongzhi.appeals.intake import appeal_submit
from gongzhi.appeals.models import Appeal, AppealEvent
from gongzhi.appeals.workflow import Action, InvalidTransition
from gongzhi.core.testing import run_together

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_two_simultaneous_signs_one_wins_the_other_gets_invalid_transition(actors, world):
    appeal = appeal_submit(
        actor=None, channel="api", text="并发签收", category=world.cat_urban, lon=113.9012, lat=22.7012
    ).appeal

    def sign(_i: int):
        handler = User.objects.get(pk=world.urban_handler.pk)
        return actions.appeal_sign(appeal=Appeal(pk=appeal.pk), actor=handler)

    results = run_together(2, sign)
    winners = [r for r in results if isinstance(r, Appeal)]
    losers = [r for r in results if isinstance(r, InvalidTransition)]
    assert (len(winners), len(losers)) == (1, 1), results
    assert AppealEvent.objects.filter(appeal_id=appeal.pk, action=Action.SIGN).count() == 1


def test_two_simultaneous_posts_with_one_idempotency_key_store_one_appeal(actors, world):
    _token, raw = token_create(actor=actors.staff_a, name="race")
    body = json.dumps({"text": "同一个键同时提交两次", "lon": 113.9012, "lat": 22.7012})

    def submit(_i: int):
        response = Client().post(
            "/api/v1/appeals/",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw}", "Idempotency-Key": "race-1"},
        )
        return response.status_code, response.json()["id"]

    results = run_together(2, submit)
    assert all(isinstance(r, tuple) for r in results), results
    assert sorted(code for code, _id in results) == [200, 201]
    assert results[0][1] == results[1][1]
    assert Appeal.objects.count() == 1
    assert AppealEvent.objects.filter(action=Action.SUBMIT).count() == 1
