"""Issue #13, points 1-3 for accounts: sign-in refusals outlive the refusal, resident codes are
limited every way an attacker could spend them, the code request is no phone oracle, and the admin
site signs in only through the staff page (lockout and audit)."""

import json
import re

import pytest
import time_machine
from conftest import PASSWORD
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from gongzhi.accounts import actions
from gongzhi.accounts.models import OneTimeCode, SignInAttempt, User
from gongzhi.accounts.sms import OutboxSmsBackend
from gongzhi.accounts.tasks import send_sign_in_code
from gongzhi.core import crypto
from gongzhi.core.models import AuditEntry
from gongzhi.core.testing import run_together

UNKNOWN_PHONE = "13912345678"


@pytest.fixture
def outbox(settings):
    settings.SMS_BACKEND = "gongzhi.accounts.sms.OutboxSmsBackend"
    OutboxSmsBackend.outbox.clear()
    return OutboxSmsBackend.outbox


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def _code(outbox) -> str:
    match = re.search(r"验证码是(\d{6})", outbox[-1][1])
    assert match
    return match.group(1)


def _wrong(code: str, i: int = 0) -> str:
    return next(c for c in (f"{(int(code) + 1 + i + k) % 1_000_000:06d}" for k in range(3)) if c != code)


def _failures(key: str) -> int:
    return SignInAttempt.objects.filter(username=key, succeeded=False).count()


# --- 1. the try counter and the failed attempt are committed before the refusal -------------------


@pytest.mark.django_db(transaction=True)
def test_five_wrong_codes_are_remembered_and_then_the_right_code_is_refused(actors, outbox, immediate_tasks):
    phone = actors.person_a.decrypt_phone()
    actions.otp_request(phone=phone, ip="198.51.100.7")
    code = _code(outbox)
    for i in range(5):
        with pytest.raises(actions.SignInError, match="验证码错误"):
            actions.otp_verify(phone=phone, code=_wrong(code, i), ip="198.51.100.7")
    otp = OneTimeCode.objects.get()
    assert otp.attempts == 5  # committed: before the fix every try rolled back with its refusal
    key = f"phone:{crypto.blind_index(phone)}"
    assert _failures(key) == 5
    with pytest.raises(actions.SignInError):
        actions.otp_verify(phone=phone, code=code, ip="198.51.100.7")
    otp.refresh_from_db()
    assert (otp.attempts, otp.used_at) == (6, None)
    assert _failures(key) == 6
    assert not User.objects.filter(person=actors.person_a).exists()
    assert not AuditEntry.objects.filter(action="account.sign_in_otp").exists()


@pytest.mark.django_db(transaction=True)
def test_the_issue_probe_a_hundred_wrong_codes_then_the_right_one_does_not_sign_in(
    actors, outbox, immediate_tasks
):
    phone = actors.person_a.decrypt_phone()
    actions.otp_request(phone=phone)
    code = _code(outbox)
    refusals = set()
    for i in range(100):
        with pytest.raises(actions.SignInError) as refused:
            actions.otp_verify(phone=phone, code=_wrong(code, i))
        refusals.add(str(refused.value))
    with pytest.raises(actions.SignInError, match="失败次数过多"):
        actions.otp_verify(phone=phone, code=code)
    assert (
        OneTimeCode.objects.get().attempts == 10
    )  # the phone locked out after 10: the rest never reached it
    assert refusals == {"验证码错误或已过期", "失败次数过多,已临时锁定,请60分钟后再试"}


@pytest.mark.django_db(transaction=True)
def test_a_disabled_account_with_the_right_code_is_refused_and_the_code_is_spent(
    actors, outbox, immediate_tasks
):
    phone = actors.resident_a.person.decrypt_phone()
    User.objects.filter(pk=actors.resident_a.pk).update(is_active=False)
    actions.otp_request(phone=phone)
    with pytest.raises(actions.SignInError, match="账号已停用"):
        actions.otp_verify(phone=phone, code=_code(outbox))
    assert OneTimeCode.objects.get().used_at is not None
    assert SignInAttempt.objects.filter(succeeded=False).count() == 1


# --- 2. resident sign-in limits -------------------------------------------------------------------


def test_a_code_takes_at_most_five_tries(actors, outbox, immediate_tasks, settings):
    settings.OTP_PHONE_FAILURES = 100  # the per-code rule alone
    phone = actors.person_a.decrypt_phone()
    actions.otp_request(phone=phone)
    code = _code(outbox)
    for i in range(5):
        with pytest.raises(actions.SignInError):
            actions.otp_verify(phone=phone, code=_wrong(code, i))
    with pytest.raises(actions.SignInError, match="验证码错误"):
        actions.otp_verify(phone=phone, code=code)


def test_a_phone_is_locked_out_after_ten_failures_across_codes(actors, outbox, immediate_tasks, settings):
    phone = actors.person_a.decrypt_phone()
    now = timezone.now()
    for round_ in range(2):
        with time_machine.travel(now + timezone.timedelta(seconds=61 * round_), tick=False):
            actions.otp_request(phone=phone)
            code = _code(outbox)
            for i in range(5):
                with pytest.raises(actions.SignInError, match="验证码错误"):
                    actions.otp_verify(phone=phone, code=_wrong(code, i))
    with time_machine.travel(now + timezone.timedelta(seconds=130), tick=False):
        actions.otp_request(phone=phone)
        with pytest.raises(actions.SignInError, match="失败次数过多"):
            actions.otp_verify(phone=phone, code=_code(outbox))
    with time_machine.travel(now + timezone.timedelta(minutes=settings.OTP_LOCKOUT_MINUTES + 3), tick=False):
        actions.otp_request(phone=phone)
        assert actions.otp_verify(phone=phone, code=_code(outbox)).person == actors.person_a


def test_guesses_without_a_live_code_do_not_lock_the_phone_but_count_for_the_address(
    actors, outbox, immediate_tasks
):
    phone = actors.person_a.decrypt_phone()
    for _ in range(12):
        with pytest.raises(actions.SignInError, match="验证码错误"):
            actions.otp_verify(phone=phone, code="123456", ip="203.0.113.9")
    actions.otp_request(phone=phone)
    assert actions.otp_verify(phone=phone, code=_code(outbox), ip="198.51.100.1").person == actors.person_a
    assert SignInAttempt.objects.filter(ip="203.0.113.9", succeeded=False).count() == 12


def test_failed_codes_are_limited_per_client_address(actors, outbox, immediate_tasks, settings):
    settings.OTP_IP_FAILURES_PER_HOUR = 3
    for n in range(3):
        with pytest.raises(actions.SignInError, match="验证码错误"):
            actions.otp_verify(phone=f"1391234000{n}", code="123456", ip="203.0.113.9")
    phone = actors.person_a.decrypt_phone()
    actions.otp_request(phone=phone, ip="203.0.113.9")
    code = _code(outbox)
    with pytest.raises(actions.SignInError, match="失败次数过多"):
        actions.otp_verify(phone=phone, code=code, ip="203.0.113.9")
    assert actions.otp_verify(phone=phone, code=code, ip="198.51.100.1").person == actors.person_a


def test_code_requests_are_limited_per_client_address_and_remembered_as_rows(db, settings):
    settings.OTP_IP_REQUESTS_PER_HOUR = 3
    for n in range(3):
        actions.otp_request(phone=f"1391234000{n}", ip="203.0.113.9")
    with pytest.raises(actions.SignInError, match="过于频繁"):
        actions.otp_request(phone="13912340009", ip="203.0.113.9")
    assert OneTimeCode.objects.filter(ip="203.0.113.9").count() == 3
    actions.otp_request(phone="13912340009", ip="198.51.100.1")


def test_codes_per_phone_per_day_and_in_total_are_capped(db, settings):
    settings.OTP_RESEND_SECONDS = 0
    settings.OTP_DAILY_PER_PHONE = 2
    settings.OTP_DAILY_TOTAL = 3
    actions.otp_request(phone=UNKNOWN_PHONE)
    actions.otp_request(phone=UNKNOWN_PHONE)
    with pytest.raises(actions.SignInError, match="过于频繁"):
        actions.otp_request(phone=UNKNOWN_PHONE)
    actions.otp_request(phone="13912340001")
    with pytest.raises(actions.SignInError, match="上限"):
        actions.otp_request(phone="13912340002")
    with time_machine.travel(timezone.now() + timezone.timedelta(days=1, minutes=1)):
        actions.otp_request(phone="13912340002")


def _ask_for_code(phone: str) -> tuple[int, str, int]:
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("accounts:resident_login"), {"step": "phone", "phone": phone})
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    page = re.sub(r'content="[A-Za-z0-9]{64}"', "", page)  # the csrf meta tag
    page = re.sub(r'nonce="[^"]+"', "", page)  # the CSP nonce
    page = re.sub(r"1\d\d\*{4}\d{4}", "PHONE", page).replace(phone, "PHONE")
    return response.status_code, page, len(queries)


def test_asking_for_a_code_looks_and_costs_the_same_for_a_known_and_an_unknown_phone(actors, outbox):
    known = _ask_for_code(actors.person_a.decrypt_phone())
    unknown = _ask_for_code(UNKNOWN_PHONE)
    assert known == unknown  # same status, same page, same statements (no lookup of the person)
    assert known[0] == 200
    assert outbox == []  # nothing is sent inside the request: the worker sends


def test_the_worker_sends_only_to_a_known_phone_and_no_code_is_stored_in_the_task(actors, outbox):
    actions.otp_request(phone=actors.person_a.decrypt_phone())
    actions.otp_request(phone=UNKNOWN_PHONE)
    queued = list(
        DBTaskResult.objects.filter(task_path=send_sign_in_code.module_path).order_by("enqueued_at")
    )
    codes = list(OneTimeCode.objects.order_by("created_at"))
    assert [row.args_kwargs for row in queued] == [{"args": [otp.pk], "kwargs": {}} for otp in codes]
    assert all(otp.code_encrypted and otp.code_encrypted != otp.code_hash for otp in codes)
    results = [send_sign_in_code.call(otp.pk) for otp in codes]
    assert results == ["done", "done"]  # the result says nothing about the phone either
    assert len(outbox) == 1
    sent_to, text = outbox[0]
    assert sent_to == actors.person_a.decrypt_phone()
    code = _code(outbox)
    assert code not in json.dumps([row.args_kwargs for row in queued])
    assert [otp.code_encrypted for otp in OneTimeCode.objects.all()] == ["", ""]  # wiped once sent
    assert send_sign_in_code.call(codes[0].pk) == "done"
    assert len(outbox) == 1  # a second run sends nothing
    assert actions.otp_verify(phone=actors.person_a.decrypt_phone(), code=code).person == actors.person_a


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_code_requests_for_one_phone_make_one_code(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to prove")
    results = run_together(8, lambda i: actions.otp_request(phone=UNKNOWN_PHONE, ip=f"198.51.100.{i}"))
    assert sum(isinstance(r, actions.OtpSent) for r in results) == 1
    assert all(isinstance(r, actions.OtpSent | actions.SignInError) for r in results), results
    assert OneTimeCode.objects.count() == 1


# --- 3. the admin site signs in through the staff page ----------------------------------------------


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(username="root_admin", password=PASSWORD)


def test_the_admin_login_page_sends_to_the_staff_sign_in_and_checks_no_password(client, superuser):
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"
    posted = client.post("/admin/login/?next=/admin/", {"username": "root_admin", "password": PASSWORD})
    assert posted.status_code == 302
    assert posted["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_eight_wrong_admin_passwords_then_the_right_one_is_refused_and_audited(client, superuser, settings):
    login = "/accounts/login/?next=/admin/"
    for _ in range(8):
        client.post(login, {"username": "root_admin", "password": "wrong-guess", "next": "/admin/"})
    response = client.post(login, {"username": "root_admin", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 400
    assert "失败次数过多" in response.content.decode()
    assert _failures("root_admin") == 5  # the lockout stopped checking after five
    assert client.get("/admin/").status_code == 302
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=settings.LOCKOUT_MINUTES + 1)):
        response = client.post(login, {"username": "root_admin", "password": PASSWORD, "next": "/admin/"})
        assert response.status_code == 302
        assert response["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200
    assert AuditEntry.objects.filter(kind="sign_in", actor=superuser, action="account.sign_in").count() == 1
