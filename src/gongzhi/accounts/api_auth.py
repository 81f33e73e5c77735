"""API authentication: the browser's session (CSRF-checked on writes) or a bearer token."""

import datetime
import hashlib
import threading
import time
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from ninja.security import APIKeyCookie, HttpBearer

from gongzhi.accounts.models import ApiToken, RoleAssignment, User
from gongzhi.core.scoping import Scope


class SessionAuth(APIKeyCookie):
    """Django session; ninja's APIKeyCookie runs the CSRF check for unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _token_sql() -> str:
    # The same filter as ApiToken.objects.filter(key_hash=…, revoked_at__isnull=True,
    # user__is_active=True), written once: compiling that select_related queryset was a fifth of the
    # API worker's CPU per intake (py-spy, issue #3), the query itself is one index lookup. The
    # person is no longer joined: user.person loads on first use (residents' own-channel intake).
    # The person's name comes along (LEFT JOIN, one index lookup) because every write's audit row
    # names its actor: loading the whole Person for that was one more query per intake.
    from gongzhi.people.models import Person

    q = connection.ops.quote_name
    user, token = q(User._meta.db_table), q(ApiToken._meta.db_table)
    person = q(Person._meta.db_table)
    return (
        f"SELECT {user}.*, {token}.{q('id')} AS token_pk, {token}.{q('last_used_at')} AS token_last_used_at, "  # noqa: S608
        f"{person}.{q('name')} AS audit_person_name "
        f"FROM {token} INNER JOIN {user} ON {token}.{q('user_id')} = {user}.{q('id')} "
        f"LEFT JOIN {person} ON {user}.{q('person_id')} = {person}.{q('id')} "
        f"WHERE {token}.{q('key_hash')} = %s AND {token}.{q('revoked_at')} IS NULL AND {user}.{q('is_active')}"
    )


# Scopes of token callers, per process: {user id: (expires at (monotonic), day, scope)}.
# An integration posts hundreds of requests a minute with the same roles; computing its scope (a
# join over role assignments) was an eighth of the API worker's CPU per intake (issue #3). A change
# to roles or users in this process clears the cache at once (signals below); other processes see
# it within TOKEN_SCOPE_CACHE_SECONDS (decision 0028). Sessions are not cached: people at a screen
# get their new roles on the next request.
_scopes: dict[int, tuple[float, datetime.date, Scope]] = {}
_scopes_lock = threading.Lock()


def cached_token_scope(user_id: int) -> Scope | None:
    hit = _scopes.get(user_id)
    if hit is not None and hit[0] > time.monotonic() and hit[1] == timezone.localdate():
        return hit[2]
    return None


def store_token_scope(user: User, scope: Scope) -> None:
    ttl = float(getattr(settings, "TOKEN_SCOPE_CACHE_SECONDS", 10))
    if ttl > 0:
        with _scopes_lock:
            _scopes[user.pk] = (time.monotonic() + ttl, timezone.localdate(), scope)


def token_scope(user: User) -> Scope:
    from gongzhi.accounts.roles import compute_scope

    scope = cached_token_scope(user.pk)
    if scope is None:
        scope = compute_scope(user)
        store_token_scope(user, scope)
    return scope


def reset_token_scopes() -> None:
    with _scopes_lock:
        _scopes.clear()


@receiver(post_save, sender=RoleAssignment, dispatch_uid="token_scopes_roles_saved")
@receiver(post_delete, sender=RoleAssignment, dispatch_uid="token_scopes_roles_deleted")
@receiver(post_save, sender=User, dispatch_uid="token_scopes_user_saved")
@receiver(post_delete, sender=User, dispatch_uid="token_scopes_user_deleted")
def _roles_changed(**kwargs: Any) -> None:
    reset_token_scopes()


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = next(iter(User.objects.raw(_token_sql(), [hash_token(token)])), None)
        if user is None:
            return None
        # At most one write per minute per token (compare-and-set, so concurrent requests don't pile up).
        now = timezone.now()
        last_used = user.token_last_used_at  # raw extra column: no field converters (SQLite gives text, UTC)
        if isinstance(last_used, str):
            last_used = parse_datetime(last_used)
        if last_used is not None and timezone.is_naive(last_used):
            last_used = timezone.make_aware(last_used, datetime.UTC)
        if last_used is None or last_used < now - timezone.timedelta(minutes=1):
            ApiToken.objects.filter(pk=user.token_pk).exclude(
                last_used_at__gt=now - timezone.timedelta(minutes=1)
            ).update(last_used_at=now)
        # The scope is computed only if the handler asks (core.scoping.get_scope), then kept for
        # this token caller's next requests; a ballot or a resident's own request never needs it.
        scope = cached_token_scope(user.pk)
        if scope is not None:
            user._gongzhi_scope = scope
        else:
            user._gongzhi_scope_store = store_token_scope
        request.user = user
        return user
