import re

import pytest
import time_machine
from conftest import PASSWORD
from django.urls import reverse
from django.utils import timezone

from gongzhi.accounts import actions
from gongzhi.accounts.models import User
from gongzhi.accounts.sms import OutboxSmsBackend
from gongzhi.core.models import AuditEntry


@pytest.fixture
def outbox(settings):
    """Codes are sent by a task (accounts.tasks): run tasks at once so the test can read the SMS."""
    settings.SMS_BACKEND = "gongzhi.accounts.sms.OutboxSmsBackend"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    OutboxSmsBackend.outbox.clear()
    return OutboxSmsBackend.outbox


def test_staff_signs_in_with_password_and_lands_on_home(client, actors):
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEntry.objects.filter(kind="sign_in", actor=actors.staff_a).exists()


def test_passwords_are_hashed_with_argon2(db):
    from django.conf import settings as live_settings  # the autouse fixture swapped in MD5 for speed
    from django.test import override_settings

    from gongzhi.config import settings as project_settings

    with override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS):
        user = User.objects.create_user(username="hash_check", password="a-long-password-1")
        assert live_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert user.password.startswith("argon2")


def test_wrong_password_says_how_many_tries_are_left_in_chinese(client, actors):
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": "nope"})
    assert response.status_code == 400
    assert "用户名或密码错误(还可尝试4次)" in response.content.decode()


def test_five_failures_lock_the_account_even_for_the_right_password_then_it_unlocks(client, actors, settings):
    for _ in range(settings.LOCKOUT_FAILURES):
        client.post(reverse("accounts:login"), {"username": "staff_a", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 400
    assert "临时锁定" in response.content.decode()
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=settings.LOCKOUT_MINUTES + 1)):
        user = actions.staff_sign_in(username="staff_a", password=PASSWORD)
    assert user == actors.staff_a


def test_lockout_is_per_username_and_does_not_reveal_whether_it_exists(client, actors, settings):
    for _ in range(settings.LOCKOUT_FAILURES):
        client.post(reverse("accounts:login"), {"username": "ghost", "password": "x"})
    response = client.post(reverse("accounts:login"), {"username": "ghost", "password": "x"})
    assert "临时锁定" in response.content.decode()
    assert (
        client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD}).status_code
        == 302
    )


def _code(outbox) -> str:
    match = re.search(r"验证码是(\d{6})", outbox[-1][1])
    assert match
    return match.group(1)


def test_resident_signs_in_with_phone_and_one_time_code(client, actors, outbox):
    phone = actors.person_a.decrypt_phone()
    response = client.post(reverse("accounts:resident_login"), {"step": "phone", "phone": phone})
    assert response.status_code == 200
    assert actors.person_a.phone_masked in response.content.decode()
    code = _code(outbox)
    response = client.post(reverse("accounts:resident_login"), {"step": "code", "phone": phone, "code": code})
    assert response.status_code == 302
    user = User.objects.get(person=actors.person_a)
    assert not user.has_usable_password()
    assert user.person.roles.filter(role="resident").exists()


def test_a_used_or_wrong_code_is_refused(client, actors, outbox):
    phone = actors.person_a.decrypt_phone()
    actions.otp_request(phone=phone)
    code = _code(outbox)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(actions.SignInError, match="验证码错误"):
        actions.otp_verify(phone=phone, code=wrong)
    actions.otp_verify(phone=phone, code=code)
    with pytest.raises(actions.SignInError):
        actions.otp_verify(phone=phone, code=code)


def test_codes_expire(actors, outbox, settings):
    phone = actors.person_a.decrypt_phone()
    actions.otp_request(phone=phone)
    code = _code(outbox)
    with (
        time_machine.travel(timezone.now() + timezone.timedelta(seconds=settings.OTP_TTL_SECONDS + 1)),
        pytest.raises(actions.SignInError),
    ):
        actions.otp_verify(phone=phone, code=code)


def test_unknown_phone_gets_the_same_answer_but_no_sms(actors, outbox):
    sent = actions.otp_request(phone="13912345678")
    assert sent.phone_masked == "139****5678"
    assert outbox == []


def test_codes_cannot_be_requested_again_within_a_minute(actors, outbox):
    phone = actors.person_a.decrypt_phone()
    actions.otp_request(phone=phone)
    with pytest.raises(actions.SignInError, match="秒后再试"):
        actions.otp_request(phone=phone)


def test_a_malformed_phone_gets_a_clear_message(client, db):
    response = client.post(reverse("accounts:resident_login"), {"step": "phone", "phone": "12345"})
    assert response.status_code == 400
    assert "手机号应为11位数字" in response.content.decode()
