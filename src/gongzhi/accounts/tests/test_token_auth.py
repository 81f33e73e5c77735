"""TokenAuth's single raw lookup (issue #3 — appeals): the same answers as the queryset it replaced."""

import datetime

from django.test import Client
from django.utils import timezone

from gongzhi.accounts.actions import token_create
from gongzhi.accounts.models import ApiToken


def me(raw: str):  # type: ignore[no-untyped-def]
    return Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_token_names_its_user_and_records_its_use_at_most_once_a_minute(actors):
    token, raw = token_create(actor=actors.staff_a, name="t")
    response = me(raw)
    assert response.status_code == 200
    assert response.json()["username"] == actors.staff_a.username
    token.refresh_from_db()
    assert token.last_used_at is not None
    recent = timezone.now() - datetime.timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    assert me(raw).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == recent
    old = timezone.now() - datetime.timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=old)
    assert me(raw).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at > old


def test_revoked_tokens_inactive_users_and_unknown_tokens_are_refused(actors):
    token, raw = token_create(actor=actors.staff_a, name="t")
    assert me("not-a-token").status_code == 401
    actors.staff_a.is_active = False
    actors.staff_a.save()
    assert me(raw).status_code == 401
    actors.staff_a.is_active = True
    actors.staff_a.save()
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert me(raw).status_code == 401
