"""The admin site signs people in only through the staff sign-in page.

Django's own admin login checked the password with no lockout and no audit row (issue #13): eight
wrong passwords for a superuser, then the right one, signed in. Its login view now sends the browser
to accounts:login with ?next= back into the admin, so every password goes through
accounts.actions.staff_sign_in (per-address lockout, the per-username ceiling, the audit row).
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse


class AdminSite(admin.AdminSite):
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(target, login_url=reverse("accounts:login"))
