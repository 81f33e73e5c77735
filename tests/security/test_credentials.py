"""Issue #13, points 8 (client address) and 9 (credentials): the audit names the client, not the
proxy; tokens expire and can be listed and revoked; residents mint none; staff sessions end when
idle; staff change their password; a stranger cannot keep someone else locked out."""

import datetime

import pytest
import time_machine
from conftest import PASSWORD
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from gongzhi.accounts import actions
from gongzhi.accounts.actions import token_create
from gongzhi.accounts.models import ApiToken, SignInAttempt
from gongzhi.core.client import client_ip
from gongzhi.core.models import AuditEntry

# --- 8. the client address -------------------------------------------------------------------------


def _ip(remote: str, forwarded: str | None = None) -> str | None:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_without_trusted_proxies_x_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert _ip("203.0.113.5", "1.2.3.4") == "203.0.113.5"


def test_behind_a_trusted_proxy_the_right_most_untrusted_address_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "127.0.0.1"]
    assert _ip("127.0.0.1", "198.51.100.7") == "198.51.100.7"
    # the client forged an address; our proxy appended the real one
    assert _ip("127.0.0.1", "9.9.9.9, 198.51.100.7") == "198.51.100.7"
    # two proxies of ours in a row
    assert _ip("10.0.0.2", "9.9.9.9, 198.51.100.7, 10.0.0.1") == "198.51.100.7"
    assert _ip("127.0.0.1", "10.0.0.3") == "10.0.0.3"  # from inside: every hop trusted
    assert _ip("127.0.0.1", "") == "127.0.0.1"
    assert _ip("127.0.0.1", "garbage") == "127.0.0.1"


def test_a_request_not_from_a_trusted_proxy_cannot_choose_its_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert _ip("203.0.113.5", "10.0.0.1, 1.2.3.4") == "203.0.113.5"


def test_the_sign_in_audit_row_names_the_client_behind_the_proxy(actors, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.7")
    client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
    assert AuditEntry.objects.get(kind="sign_in", actor=actors.staff_a).ip == "198.51.100.7"


# --- 9. tokens -------------------------------------------------------------------------------------


def _me(raw: str) -> int:
    return Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


@pytest.mark.django_db(transaction=True)
def test_a_token_expires_after_the_configured_days(actors, settings):
    settings.TOKEN_TTL_DAYS = 90
    token, raw = token_create(actor=actors.staff_a, name="12345")
    assert token.expires_at - token.created_at == pytest.approx(
        datetime.timedelta(days=90), abs=datetime.timedelta(seconds=5)
    )
    assert _me(raw) == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=89)):
        assert _me(raw) == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=90, minutes=1)):
        assert _me(raw) == 401


def test_token_authentication_still_takes_one_statement(actors, django_assert_num_queries):
    _token, raw = token_create(actor=actors.staff_a, name="bench")
    assert _me(raw) == 200  # last_used_at written
    # the lookup (with the expiry) and nothing else; me itself reads roles (1) and the scope (1)
    with django_assert_num_queries(3):
        assert _me(raw) == 200


def test_a_resident_may_not_mint_a_token(client, actors):
    client.force_login(actors.resident_a)
    response = client.post("/api/v1/accounts/tokens", {"name": "我的"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == "您的账号没有创建接口令牌的权限"
    assert not ApiToken.objects.exists()


def test_staff_mint_a_token_that_names_its_expiry(client, actors):
    client.force_login(actors.staff_a)
    response = client.post("/api/v1/accounts/tokens", {"name": "对接"}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["expires_at"]


def test_the_owner_sees_their_tokens_and_a_platform_admin_sees_all(client, actors):
    mine, _ = token_create(actor=actors.staff_a, name="token-of-a")
    theirs, _ = token_create(actor=actors.staff_b, name="token-of-b")
    client.force_login(actors.staff_a)
    assert [t["id"] for t in client.get("/api/v1/accounts/tokens").json()] == [mine.pk]
    page = client.get(reverse("accounts:tokens")).content.decode()
    assert "token-of-a" in page
    assert "token-of-b" not in page
    client.force_login(actors.platform_admin)
    listed = client.get("/api/v1/accounts/tokens").json()
    assert {(t["id"], t["owner"]) for t in listed} == {(mine.pk, "staff_a"), (theirs.pk, "staff_b")}
    page = client.get(reverse("accounts:tokens")).content.decode()
    assert "token-of-a" in page
    assert "token-of-b" in page


def test_a_platform_admin_revokes_anyones_token_and_it_is_audited(client, actors):
    token, raw = token_create(actor=actors.staff_b, name="乙")
    client.force_login(actors.platform_admin)
    assert client.delete(f"/api/v1/accounts/tokens/{token.pk}").status_code == 204
    assert _me(raw) == 401
    entry = AuditEntry.objects.get(action="api_token.revoke")
    assert entry.actor == actors.platform_admin
    assert entry.detail == {"owner": "staff_b", "own": False}


def test_staff_revoke_their_own_token_on_the_page_but_not_someone_elses(client, actors):
    mine, raw = token_create(actor=actors.staff_a, name="甲")
    theirs, other = token_create(actor=actors.staff_b, name="乙")
    client.force_login(actors.staff_a)
    assert client.post(reverse("accounts:token_revoke", args=[theirs.pk])).status_code == 404
    assert _me(other) == 200
    response = client.post(reverse("accounts:token_revoke", args=[mine.pk]))
    assert response.status_code == 302
    assert _me(raw) == 401
    assert AuditEntry.objects.filter(action="api_token.revoke", actor=actors.staff_a).count() == 1


# --- 9. sessions and passwords ------------------------------------------------------------------


def _sign_in(username: str = "staff_a", password: str = PASSWORD, ip: str = "127.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=ip)
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()
    return client


def test_a_staff_session_ends_after_thirty_idle_minutes_but_not_while_in_use(actors):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = _sign_in()
    for minutes in (20, 40, 60):  # a request every 20 minutes keeps it alive
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            assert client.get("/api/v1/accounts/me").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=91), tick=False):
        assert client.get("/api/v1/accounts/me").status_code == 401
        assert client.get(reverse("core:home")).status_code == 302


def test_a_resident_session_is_not_cut_by_the_staff_idle_limit(actors):
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(actors.resident_a)
    with time_machine.travel(start + datetime.timedelta(minutes=45), tick=False):
        assert client.get("/api/v1/accounts/me").status_code == 200


def test_staff_change_their_password_and_stay_signed_in(actors):
    client = _sign_in()
    url = reverse("accounts:password_change")
    new = "a-new-long-passphrase-7"
    wrong_old = client.post(url, {"old_password": "nope", "new_password1": new, "new_password2": new})
    assert wrong_old.status_code == 400
    assert "原密码不正确" in wrong_old.content.decode()
    assert SignInAttempt.objects.filter(username="staff_a", succeeded=False).count() == 1
    common = client.post(
        url, {"old_password": PASSWORD, "new_password1": "password123", "new_password2": "password123"}
    )
    assert common.status_code == 400  # too common (the 20,000 passwords bundled with Django)
    short = client.post(url, {"old_password": PASSWORD, "new_password1": "x7!k", "new_password2": "x7!k"})
    assert short.status_code == 400
    response = client.post(url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert client.get("/api/v1/accounts/me").status_code == 200  # still signed in
    assert AuditEntry.objects.filter(action="account.password_change", actor=actors.staff_a).count() == 1
    assert actions.staff_sign_in(username="staff_a", password=new) == actors.staff_a


def test_a_common_password_is_refused_with_djangos_message(actors):
    with pytest.raises(Exception, match="太常见"):  # noqa: PT011 - Django's ValidationError, zh-hans
        actions.password_change(actor=actors.staff_a, old_password=PASSWORD, new_password="password123")


def test_a_stranger_failing_five_times_locks_out_only_their_own_address(actors):
    stranger = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(5):
        stranger.post(reverse("accounts:login"), {"username": "staff_a", "password": "guess"})
    refused = stranger.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
    assert "失败次数过多" in refused.content.decode()
    _sign_in(ip="198.51.100.20")  # the owner, elsewhere, signs in


def test_guessing_from_many_addresses_hits_the_per_username_ceiling(actors, settings):
    settings.LOCKOUT_USERNAME_FAILURES = 12
    for n in range(12):
        with pytest.raises(actions.SignInError):
            actions.staff_sign_in(username="staff_a", password="guess", ip=f"203.0.113.{n}")
    with pytest.raises(actions.SignInError, match="失败次数过多"):
        actions.staff_sign_in(username="staff_a", password=PASSWORD, ip="198.51.100.20")
