"""Token callers' scopes are cached per process (decision 0028): a role change in this process is
seen at once, a change made elsewhere (no signal here) within TOKEN_SCOPE_CACHE_SECONDS."""

import time

from django.test import Client

from gongzhi.accounts import api_auth
from gongzhi.accounts.actions import token_create
from gongzhi.accounts.api_auth import token_scope
from gongzhi.accounts.models import RoleAssignment
from gongzhi.accounts.roles import Role
from gongzhi.core import cache


def _people_seen(client: Client, raw: str) -> set[int]:
    response = client.get("/api/v1/people/persons?limit=100", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def test_a_new_role_in_this_process_applies_to_the_next_request(actors):
    _token, raw = token_create(actor=actors.staff_a, name="hotline bridge")
    client = Client()
    assert api_auth.cached_token_scope(actors.staff_a.pk) is None  # computed only when a handler asks
    assert actors.person_b.pk not in _people_seen(client, raw)
    assert api_auth.cached_token_scope(actors.staff_a.pk) is not None  # kept for the next request
    RoleAssignment.objects.create(
        person=actors.staff_a.person, role=Role.COMMUNITY_STAFF, territory=actors.net.b.community
    )
    assert actors.person_b.pk in _people_seen(client, raw)


def test_a_change_without_signal_waits_for_the_ttl(actors, settings, monkeypatch):
    settings.TOKEN_SCOPE_CACHE_SECONDS = 60
    b_path = actors.net.b.community.path
    first = token_scope(actors.staff_a)
    assert not first.can("view_people", b_path)
    assert token_scope(actors.staff_a) is first
    # another process moving the role to community B: a bulk update sends no signal to this one
    RoleAssignment.objects.filter(person=actors.staff_a.person).update(territory=actors.net.b.community)
    assert token_scope(actors.staff_a) is first  # stale within the TTL, by design
    later = time.monotonic() + 61
    monkeypatch.setattr(cache.time, "monotonic", lambda: later)
    assert token_scope(actors.staff_a).can("view_people", b_path)
