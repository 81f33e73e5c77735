"""API authentication: the browser's session (CSRF-checked on writes) or a bearer token."""

import datetime
import functools
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


def _tables() -> tuple[str, str, str]:
    from gongzhi.people.models import Person

    q = connection.ops.quote_name
    return q(User._meta.db_table), q(ApiToken._meta.db_table), q(Person._meta.db_table)


def _token_sql() -> str:
    # The same filter as ApiToken.objects.filter(key_hash=…, revoked_at__isnull=True,
    # expires_at__gt=now, user__is_active=True), written once: compiling that select_related queryset was a fifth of the
    # API worker's CPU per intake (py-spy, issue #3), the query itself is one index lookup. The
    # person is no longer joined: user.person loads on first use (residents' own-channel intake).
    # The person's name comes along (LEFT JOIN, one index lookup) because every write's audit row
    # names its actor: loading the whole Person for that was one more query per intake.
    q = connection.ops.quote_name
    user, token, person = _tables()
    return (
        f"SELECT {user}.*, {token}.{q('id')} AS token_pk, {token}.{q('last_used_at')} AS token_last_used_at, "  # noqa: S608
        f"{person}.{q('name')} AS audit_person_name "
        f"FROM {token} INNER JOIN {user} ON {token}.{q('user_id')} = {user}.{q('id')} "
        f"LEFT JOIN {person} ON {user}.{q('person_id')} = {person}.{q('id')} "
        f"WHERE {token}.{q('key_hash')} = %s AND {token}.{q('revoked_at')} IS NULL "
        f"AND {token}.{q('expires_at')} > %s AND {user}.{q('is_active')}"
    )


_USER_FIELDS = list(User._meta.concrete_fields)


@functools.cache
def _token_touch_sql() -> str:
    # PostgreSQL: the lookup and the last_used_at compare-and-set in one statement (a data-modifying
    # CTE runs to completion whether or not the query reads it). A resident's app uses its token a
    # few times, so nearly every request was a lookup plus an UPDATE — two round trips and a compiled
    # queryset per request (issue #7, bench/ballots.py). Same rule: at most one write per minute.
    # The user's columns are listed in field order, so the row builds the User directly (from_db).
    # Expiry (decision 0038) is one more condition on the row already read: no extra statement.
    q = connection.ops.quote_name
    user, token, person = _tables()
    columns = ", ".join(f"{user}.{q(f.column)}" for f in _USER_FIELDS)
    return (
        "WITH found AS ("  # noqa: S608
        f"SELECT t.id, t.user_id, t.last_used_at FROM {token} t INNER JOIN {user} u ON t.user_id = u.id "
        "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND t.expires_at > %s AND u.is_active), "
        f"touched AS (UPDATE {token} SET last_used_at = %s FROM found WHERE {token}.id = found.id "
        f"AND ({token}.last_used_at IS NULL OR {token}.last_used_at <= %s) RETURNING {token}.id) "
        f"SELECT {columns}, found.id, {person}.name "
        f"FROM found INNER JOIN {user} ON found.user_id = {user}.id "
        f"LEFT JOIN {person} ON {user}.person_id = {person}.id"
    )


def _token_user_postgres(key_hash: str, now: datetime.datetime, stale: datetime.datetime) -> User | None:
    # A plain cursor rather than User.objects.raw: the raw queryset maps its columns to the model
    # on every request, a fifth of the authentication's CPU; psycopg already returns Python types.
    with connection.cursor() as cursor:
        cursor.execute(_token_touch_sql(), [key_hash, now, now, stale])
        row = cursor.fetchone()
    if row is None:
        return None
    n = len(_USER_FIELDS)
    user = User.from_db(connection.alias, [f.attname for f in _USER_FIELDS], row[:n])
    user.token_pk, user.audit_person_name = row[n], row[n + 1]
    return user


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
        # last_used_at is written at most once per minute per token (compare-and-set, so concurrent
        # requests don't pile up): on PostgreSQL inside the lookup, elsewhere as a second statement.
        now = timezone.now()
        stale = now - datetime.timedelta(minutes=1)
        if connection.vendor == "postgresql":
            user = _token_user_postgres(hash_token(token), now, stale)
            if user is None:
                return None
        else:
            # The raw query's parameters skip the field adapters: the stored text form, as Django writes it.
            now_text = connection.ops.adapt_datetimefield_value(now)
            user = next(iter(User.objects.raw(_token_sql(), [hash_token(token), now_text])), None)
            if user is None:
                return None
            last_used = user.token_last_used_at  # raw extra column: no converters (SQLite gives text, UTC)
            if isinstance(last_used, str):
                last_used = parse_datetime(last_used)
            if last_used is not None and timezone.is_naive(last_used):
                last_used = timezone.make_aware(last_used, datetime.UTC)
            if last_used is None or last_used <= stale:
                ApiToken.objects.filter(pk=user.token_pk).exclude(last_used_at__gt=stale).update(
                    last_used_at=now
                )
        # The scope is computed only if the handler asks (core.scoping.get_scope), then kept for
        # this token caller's next requests; a ballot or a resident's own request never needs it.
        scope = cached_token_scope(user.pk)
        if scope is not None:
            user._gongzhi_scope = scope
        else:
            user._gongzhi_scope_store = store_token_scope
        request.user = user
        return user
