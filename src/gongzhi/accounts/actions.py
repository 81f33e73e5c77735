"""Sign-in, one-time codes, API tokens and role assignments: every write here is audited."""

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.api_auth import hash_token
from gongzhi.accounts.models import ApiToken, OneTimeCode, RoleAssignment, SignInAttempt, User
from gongzhi.accounts.roles import Role
from gongzhi.accounts.sms import get_sms_backend
from gongzhi.core import audit, crypto
from gongzhi.core.models import AuditEntry
from gongzhi.people.phone import InvalidPhone, normalise_phone


class SignInError(Exception):
    """Message is shown to the user as is (Chinese)."""


def _recent_failures(key: str) -> int:
    since = timezone.now() - datetime.timedelta(minutes=settings.LOCKOUT_MINUTES)
    last_success = (
        SignInAttempt.objects.filter(username=key, succeeded=True, at__gte=since).order_by("-at").first()
    )
    failures = SignInAttempt.objects.filter(username=key, succeeded=False, at__gte=since)
    if last_success is not None:
        failures = failures.filter(at__gt=last_success.at)
    return failures.count()


def is_locked_out(key: str) -> bool:
    return _recent_failures(key) >= settings.LOCKOUT_FAILURES


def staff_sign_in(*, username: str, password: str, ip: str | None = None) -> User:
    """Check a username and password; lock the account name out after repeated failures.

    The lockout is per username, not per IP, so a guesser rotating addresses is still stopped;
    the message does not say whether the username exists.
    """
    key = username.strip().lower()
    if is_locked_out(key):
        raise SignInError(f"失败次数过多,账号已临时锁定,请{settings.LOCKOUT_MINUTES}分钟后再试")
    user = authenticate(username=username.strip(), password=password)
    SignInAttempt.objects.create(username=key, succeeded=user is not None, ip=ip)
    if user is None:
        left = settings.LOCKOUT_FAILURES - _recent_failures(key)
        if left <= 0:
            raise SignInError(f"失败次数过多,账号已临时锁定,请{settings.LOCKOUT_MINUTES}分钟后再试")
        raise SignInError(f"用户名或密码错误(还可尝试{left}次)")
    audit.record(actor=user, kind=AuditEntry.Kind.SIGN_IN, action="account.sign_in", obj=user, ip=ip)
    return user


@dataclass(frozen=True)
class OtpSent:
    phone_masked: str
    expires_at: datetime.datetime


def otp_request(*, phone: str, ip: str | None = None) -> OtpSent:
    """Send a 6-digit code. The same answer whether or not the phone is known (no enumeration)."""
    try:
        number = normalise_phone(phone)
    except InvalidPhone as exc:
        raise SignInError(str(exc)) from exc
    index = crypto.blind_index(number)
    now = timezone.now()
    with transaction.atomic():
        recent = OneTimeCode.objects.filter(
            phone_index=index, created_at__gte=now - datetime.timedelta(seconds=settings.OTP_RESEND_SECONDS)
        )
        if recent.exists():
            raise SignInError(f"验证码已发送,请{settings.OTP_RESEND_SECONDS}秒后再试")
        code = f"{secrets.randbelow(1_000_000):06d}"
        expires = now + datetime.timedelta(seconds=settings.OTP_TTL_SECONDS)
        OneTimeCode.objects.create(phone_index=index, code_hash=make_password(code), expires_at=expires)
    from gongzhi.people.models import Person

    if Person.objects.filter(phone_index=index).exists():
        minutes = settings.OTP_TTL_SECONDS // 60
        get_sms_backend().send(number, f"【共治】您的登录验证码是{code},{minutes}分钟内有效。请勿告诉他人。")
    from gongzhi.core.masking import mask_phone

    return OtpSent(phone_masked=mask_phone(number), expires_at=expires)


def otp_verify(*, phone: str, code: str, ip: str | None = None) -> User:
    """Resident sign-in: the latest unexpired code for this phone, at most 5 tries per code."""
    try:
        number = normalise_phone(phone)
    except InvalidPhone as exc:
        raise SignInError(str(exc)) from exc
    index = crypto.blind_index(number)
    if is_locked_out(f"phone:{index}"):
        raise SignInError(f"失败次数过多,请{settings.LOCKOUT_MINUTES}分钟后再试")
    now = timezone.now()
    with transaction.atomic():
        otp = (
            OneTimeCode.objects.select_for_update()
            .filter(phone_index=index, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        ok = otp is not None and otp.attempts < 5 and check_password(code.strip(), otp.code_hash)
        if otp is not None:
            otp.attempts += 1
            otp.used_at = now if ok else None
            otp.save(update_fields=["attempts", "used_at"])
        from gongzhi.people.models import Person

        person = Person.objects.filter(phone_index=index).order_by("id").first() if ok else None
        SignInAttempt.objects.create(username=f"phone:{index}", succeeded=person is not None, ip=ip)
        if person is None:
            raise SignInError("验证码错误或已过期")
        user = User.objects.filter(person=person).first()
        if user is None:
            user = User.objects.create_user(username=f"p{person.pk}", person=person)
            if not RoleAssignment.objects.filter(person=person, role=Role.RESIDENT).exists():
                RoleAssignment.objects.create(person=person, role=Role.RESIDENT, territory=person.household)
        if not user.is_active:
            raise SignInError("账号已停用,请联系社区")
        audit.record(actor=user, kind=AuditEntry.Kind.SIGN_IN, action="account.sign_in_otp", obj=user, ip=ip)
    return user


def token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Returns the row and the raw token; the raw token is shown once and never stored."""
    raw = "gz_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=actor, name=name[:80], prefix=raw[:10], key_hash=hash_token(raw))
        audit.record_write(actor=actor, action="api_token.create", obj=token)
    return token, raw


def token_revoke(*, actor: User, token: ApiToken) -> None:
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit.record_write(actor=actor, action="api_token.revoke", obj=token)


def role_assign(
    *, actor: User | None, person, role: str, territory=None, organisation=None, starts_on=None
) -> RoleAssignment:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        assignment = RoleAssignment.objects.create(
            person=person,
            role=role,
            territory=territory,
            organisation=organisation,
            starts_on=starts_on or timezone.localdate(),
        )
        audit.record_write(
            actor=actor,
            action="role.assign",
            obj=assignment,
            scope_path=territory.path if territory is not None else "",
            detail={"role": role},
        )
    return assignment
