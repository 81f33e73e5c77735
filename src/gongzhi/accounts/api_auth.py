"""API authentication: the browser's session (CSRF-checked on writes) or a bearer token."""

import hashlib
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from gongzhi.accounts.models import ApiToken


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


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = (
            ApiToken.objects.select_related("user", "user__person")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        # Compare-and-set keeps this to one cheap write per minute per token.
        now = timezone.now()
        ApiToken.objects.filter(pk=row.pk).exclude(last_used_at__gt=now - timezone.timedelta(minutes=1)).update(
            last_used_at=now
        )
        request.user = row.user
        return row.user
