"""API authentication: the browser's session (CSRF-checked on writes) or a bearer token."""

import datetime
import hashlib
from typing import Any

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from ninja.security import APIKeyCookie, HttpBearer

from gongzhi.accounts.models import ApiToken, User


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
    q = connection.ops.quote_name
    user, token = q(User._meta.db_table), q(ApiToken._meta.db_table)
    return (
        f"SELECT {user}.*, {token}.{q('id')} AS token_pk, {token}.{q('last_used_at')} AS token_last_used_at "  # noqa: S608
        f"FROM {token} INNER JOIN {user} ON {token}.{q('user_id')} = {user}.{q('id')} "
        f"WHERE {token}.{q('key_hash')} = %s AND {token}.{q('revoked_at')} IS NULL AND {user}.{q('is_active')}"
    )


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
        request.user = user
        return user
