"""Staff sessions end after STAFF_IDLE_MINUTES without a request (decision 0038).

A session started with a password (the staff page, which the admin also uses) carries the time of
its last request; residents' code sessions carry none and keep SESSION_COOKIE_AGE. The mark is
rewritten at most once a minute, so an active staff member costs one session write a minute, and a
request without a session cookie (bearer tokens) reads nothing.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

STAFF_SEEN_KEY = "gz_staff_seen"


def mark_staff_session(request: HttpRequest) -> None:
    """Called right after a password sign-in."""
    request.session[STAFF_SEEN_KEY] = int(time.time())


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and request.COOKIES.get(settings.SESSION_COOKIE_NAME):
            seen = session.get(STAFF_SEEN_KEY)
            if seen is not None:
                now = int(time.time())
                if now - int(seen) > settings.STAFF_IDLE_MINUTES * 60:
                    logout(request)  # a fresh, empty session; the request goes on signed out
                elif now - int(seen) >= 60:
                    session[STAFF_SEEN_KEY] = now
        return self.get_response(request)
