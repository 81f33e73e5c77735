"""API authentication: the browser's session (CSRF-checked on writes) or a bearer token."""

import datetime
from typing import Any, cast

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from gongzhi.accounts import sql
from gongzhi.accounts.actions import token_mark_used
from gongzhi.accounts.models import RoleAssignment, User, hash_token
from gongzhi.core.cache import MISSING, Namespace
from gongzhi.core.scoping import Scope


class SessionAuth(APIKeyCookie):
    """Django session; ninja's APIKeyCookie runs the CSRF check for unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


# Scopes of token callers, per process, by (user id, day) (core.cache, decisions 0028 and 0046).
# An integration posts hundreds of requests a minute with the same roles; computing its scope (a
# join over role assignments) was an eighth of the API worker's CPU per intake (issue #3). A saved or
# deleted role or user bumps the version, so this process sees it at once and other processes
# within TOKEN_SCOPE_CACHE_SECONDS (the version is re-read no more often); an entry is dropped after
# as long, for changes made without a signal. Sessions are not cached: people at a screen get their
# new roles on the next request.
def _scope_seconds() -> float:
    return float(getattr(settings, "TOKEN_SCOPE_CACHE_SECONDS", 10))


TOKEN_SCOPES = Namespace("accounts.token_scopes", recheck_seconds=_scope_seconds, max_age=_scope_seconds)
TOKEN_SCOPES.watch(RoleAssignment, User)


def cached_token_scope(user_id: int) -> Scope | None:
    hit = TOKEN_SCOPES.peek((user_id, timezone.localdate()))
    return None if hit is MISSING else cast(Scope, hit)


def token_scope(user: User) -> Scope:
    from gongzhi.accounts.roles import compute_scope

    return TOKEN_SCOPES.get((user.pk, timezone.localdate()), lambda: compute_scope(user))


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # last_used_at is written at most once per minute per token (compare-and-set, so concurrent
        # requests don't pile up): on PostgreSQL inside the lookup, elsewhere as a second statement.
        now = timezone.now()
        stale = now - datetime.timedelta(minutes=1)
        if connection.vendor == "postgresql":
            user = sql.token_user_touched(hash_token(token), now, stale)
            if user is None:
                return None
        else:
            user = sql.token_user(hash_token(token), now)
            if user is None:
                return None
            if user.token_last_used_at is None or user.token_last_used_at <= stale:
                token_mark_used(token_pk=user.token_pk, now=now, stale=stale)
        # The scope is computed only if the handler asks (core.scoping.get_scope), then kept for
        # this token caller's next requests; a ballot or a resident's own request never needs it.
        key, version = (user.pk, timezone.localdate()), TOKEN_SCOPES.version()
        scope = TOKEN_SCOPES.peek(key, version)
        if scope is not MISSING:
            user._gongzhi_scope = scope
        else:  # kept under the version read before the roles are (core.scoping.get_scope)
            user._gongzhi_scope_store = lambda _user, computed: TOKEN_SCOPES.put(key, computed, version)
        request.user = user
        return user
