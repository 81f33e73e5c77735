"""Sign-in, one-time codes, API tokens and role assignments: every write here is audited."""

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts import sql
from gongzhi.accounts.models import (
    ApiToken,
    OneTimeCode,
    RoleAssignment,
    SignInAttempt,
    User,
    hash_token,
    token_expiry,
)
from gongzhi.accounts.roles import Role
from gongzhi.core import audit, crypto
from gongzhi.core.errors import BadInput
from gongzhi.core.masking import mask_phone
from gongzhi.core.models import AuditEntry
from gongzhi.core.phone import InvalidPhone, normalise_phone
from gongzhi.core.scoping import get_scope
from gongzhi.people.models import Person


class SignInError(BadInput):
    """Message is shown to the user as is (Chinese, translated). It never says whether a username
    or a phone is known. The sign-in pages catch it to show it beside the form (400)."""


# Every refusal below that must be remembered (a failed attempt, a try on a code, a code request)
# is written and committed *before* the exception is raised, never inside an atomic() block that
# the raise would roll back (issue #13: 100 wrong codes, then the right one, signed in).


def _lockout_message(minutes: int) -> str:
    return _("失败次数过多,已临时锁定,请%(minutes)s分钟后再试") % {"minutes": minutes}


def _ip_filter(ip: str | None) -> Q:
    return Q(ip=ip) if ip else Q(ip__isnull=True)


def _failures_since(key_filter: Q, minutes: int, *, reset_on_success: bool) -> int:
    since = timezone.now() - datetime.timedelta(minutes=minutes)
    attempts = SignInAttempt.objects.filter(key_filter, at__gte=since)
    if reset_on_success:
        last_success = attempts.filter(succeeded=True).order_by("-at").values_list("at", flat=True).first()
        if last_success is not None:
            attempts = attempts.filter(at__gt=last_success)
    return attempts.filter(succeeded=False).count()


def staff_failures_left(key: str, ip: str | None) -> int:
    """Tries left before a lockout: per username *and* client address (reset by a success from that
    address), and a much higher ceiling per username across all addresses (decision 0038)."""
    here = _failures_since(Q(username=key) & _ip_filter(ip), settings.LOCKOUT_MINUTES, reset_on_success=True)
    everywhere = _failures_since(Q(username=key), settings.LOCKOUT_USERNAME_MINUTES, reset_on_success=False)
    return min(settings.LOCKOUT_FAILURES - here, settings.LOCKOUT_USERNAME_FAILURES - everywhere)


def is_locked_out(key: str, ip: str | None = None) -> bool:
    return staff_failures_left(key, ip) <= 0


def _staff_lockout_minutes(key: str, ip: str | None) -> int:
    here = _failures_since(Q(username=key) & _ip_filter(ip), settings.LOCKOUT_MINUTES, reset_on_success=True)
    return (
        settings.LOCKOUT_MINUTES if here >= settings.LOCKOUT_FAILURES else settings.LOCKOUT_USERNAME_MINUTES
    )


def staff_sign_in(*, username: str, password: str, ip: str | None = None) -> User:
    """Check a username and password. A stranger failing with someone's username locks out only
    their own address; a per-username ceiling still stops guessing from many addresses. The message
    does not say whether the username exists."""
    key = username.strip().lower()
    if is_locked_out(key, ip):
        raise SignInError(_lockout_message(_staff_lockout_minutes(key, ip)))
    user = authenticate(username=username.strip(), password=password)
    SignInAttempt.objects.create(username=key, succeeded=user is not None, ip=ip)  # committed first
    if user is None:
        left = staff_failures_left(key, ip)
        if left <= 0:
            raise SignInError(_lockout_message(_staff_lockout_minutes(key, ip)))
        raise SignInError(_("用户名或密码错误(还可尝试%(left)s次)") % {"left": left})
    audit.record(actor=user, kind=AuditEntry.Kind.SIGN_IN, action="account.sign_in", obj=user, ip=ip)
    return user


def password_change(*, actor: User, old_password: str, new_password: str, ip: str | None = None) -> None:
    """A staff member's new password: the old one first (a wrong one counts towards the sign-in
    lockout), then Django's validators (length, the bundled list of common passwords); audited."""
    key = actor.get_username().strip().lower()
    if is_locked_out(key, ip):
        raise SignInError(_lockout_message(_staff_lockout_minutes(key, ip)))
    if not actor.has_usable_password():
        raise SignInError(_("居民账号用手机验证码登录,没有密码"))
    if not check_password(old_password, actor.password):
        SignInAttempt.objects.create(username=key, succeeded=False, ip=ip)  # committed before the refusal
        raise SignInError(_("原密码不正确"))
    password_validation.validate_password(new_password, user=actor)  # ValidationError, in the user's language
    with transaction.atomic():
        actor.set_password(new_password)
        actor.save(update_fields=["password"])
        audit.record_write(actor=actor, action="account.password_change", obj=actor, ip=ip)


@dataclass(frozen=True)
class OtpSent:
    phone_masked: str
    expires_at: datetime.datetime


def otp_take_for_sending(*, code_id: int, now: datetime.datetime) -> tuple[str, str, int] | None:
    """For the sending task (accounts.tasks): the code's phone (empty if no person has it), the code
    and its minutes left, or None if it was sent already or is no longer usable. The code is wiped
    from its row in the same transaction, so a second run sends nothing."""

    with transaction.atomic():
        otp = (
            OneTimeCode.objects.select_for_update()
            .filter(pk=code_id, sent_at__isnull=True)
            .exclude(code_encrypted="")
            .first()
        )
        if otp is None:
            return None
        code = crypto.decrypt(otp.code_encrypted)
        otp.code_encrypted = ""
        otp.sent_at = now
        otp.save(update_fields=["code_encrypted", "sent_at"])
        if otp.used_at is not None or otp.expires_at <= now:
            return None
        person = Person.objects.filter(phone_index=otp.phone_index).order_by("id").first()
        phone = person.decrypt_phone() if person is not None else ""
        minutes = max(1, round((otp.expires_at - now).total_seconds() / 60))
    return phone, code, minutes


def token_mark_used(*, token_pk: int, now: datetime.datetime, stale: datetime.datetime) -> None:
    """last_used_at, at most once a minute per token (compare-and-set, so concurrent requests do not
    pile up). PostgreSQL does this inside the look-up (accounts.sql.token_user_touched)."""
    ApiToken.objects.filter(pk=token_pk).exclude(last_used_at__gt=stale).update(last_used_at=now)


def _code_request_refusal(index: str, ip: str | None, now: datetime.datetime) -> str | None:
    codes = OneTimeCode.objects.all()
    resend = now - datetime.timedelta(seconds=settings.OTP_RESEND_SECONDS)
    if codes.filter(phone_index=index, created_at__gte=resend).exists():
        return _("验证码已发送,请%(seconds)s秒后再试") % {"seconds": settings.OTP_RESEND_SECONDS}
    hour, day = now - datetime.timedelta(hours=1), now - datetime.timedelta(days=1)
    too_many = _("获取验证码过于频繁,请稍后再试")
    if codes.filter(_ip_filter(ip), created_at__gte=hour).count() >= settings.OTP_IP_REQUESTS_PER_HOUR:
        return too_many
    if codes.filter(phone_index=index, created_at__gte=day).count() >= settings.OTP_DAILY_PER_PHONE:
        return too_many
    if codes.filter(created_at__gte=day).count() >= settings.OTP_DAILY_TOTAL:
        return _("今日验证码发送量已达上限,请明天再试或联系社区")
    return None


def otp_request(*, phone: str, ip: str | None = None) -> OtpSent:
    """Make a 6-digit code and queue its SMS. Known phone or not, the same rows are written, the same
    task is queued and the same answer comes back: only the task (accounts.tasks) looks the phone up
    and sends, so neither the answer nor its timing tells whether the phone is registered."""
    try:
        number = normalise_phone(phone)
    except InvalidPhone as exc:
        raise SignInError(str(exc)) from exc
    from gongzhi.accounts.tasks import send_sign_in_code

    index = crypto.blind_index(number)
    now = timezone.now()
    expires = now + datetime.timedelta(seconds=settings.OTP_TTL_SECONDS)
    with transaction.atomic():
        sql.serialise_code_requests()
        refusal = _code_request_refusal(index, ip, now)
        if refusal is None:
            code = f"{secrets.randbelow(1_000_000):06d}"
            otp = OneTimeCode.objects.create(
                phone_index=index,
                code_hash=make_password(code),
                code_encrypted=crypto.encrypt(code),
                expires_at=expires,
                ip=ip,
            )
            # Queued in the same transaction (the database task backend writes a row here), so the
            # code row and its task commit together. Only the row id travels: task arguments and
            # results are stored in the database.
            send_sign_in_code.enqueue(otp.pk)
    if refusal is not None:
        raise SignInError(refusal)
    return OtpSent(phone_masked=mask_phone(number), expires_at=expires)


def otp_verify(*, phone: str, code: str, ip: str | None = None) -> User:
    """Resident sign-in: the latest unexpired code for this phone, at most OTP_MAX_TRIES tries per
    code, a lockout per phone across codes and a limit of failures per client address."""
    try:
        number = normalise_phone(phone)
    except InvalidPhone as exc:
        raise SignInError(str(exc)) from exc
    index = crypto.blind_index(number)
    key = f"phone:{index}"
    phone_failures = _failures_since(Q(username=key), settings.OTP_LOCKOUT_MINUTES, reset_on_success=True)
    if phone_failures >= settings.OTP_PHONE_FAILURES:
        raise SignInError(_lockout_message(settings.OTP_LOCKOUT_MINUTES))
    address_failures = _failures_since(
        Q(username__startswith="phone:") & _ip_filter(ip), 60, reset_on_success=False
    )
    if address_failures >= settings.OTP_IP_FAILURES_PER_HOUR:
        raise SignInError(_lockout_message(60))
    now = timezone.now()

    with transaction.atomic():
        otp = (
            OneTimeCode.objects.select_for_update()
            .filter(phone_index=index, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        ok = (
            otp is not None
            and otp.attempts < settings.OTP_MAX_TRIES
            and check_password(code.strip(), otp.code_hash)
        )
        if otp is not None:
            otp.attempts += 1
            otp.used_at = now if ok else None
            otp.save(update_fields=["attempts", "used_at"])
        person = Person.objects.filter(phone_index=index).order_by("id").first() if ok else None
        user = None
        if person is not None:
            user = User.objects.filter(person=person).first()
            if user is None:
                user = User.objects.create_user(username=f"p{person.pk}", person=person)
                if not RoleAssignment.objects.filter(person=person, role=Role.RESIDENT).exists():
                    RoleAssignment.objects.create(
                        person=person, role=Role.RESIDENT, territory=person.household
                    )
        signed_in = user is not None and user.is_active
        # A guess with no live code cannot succeed: it counts against the client address, not the
        # phone, so nobody locks a resident out without first sending them codes (and those are capped).
        SignInAttempt.objects.create(
            username=key if otp is not None else f"{key}:nocode", succeeded=signed_in, ip=ip
        )
        if signed_in:
            audit.record(
                actor=user, kind=AuditEntry.Kind.SIGN_IN, action="account.sign_in_otp", obj=user, ip=ip
            )
    # The block has committed the try on the code and the attempt row: refuse only now.
    if user is None:
        raise SignInError(_("验证码错误或已过期"))
    if not signed_in:
        raise SignInError(_("账号已停用,请联系社区"))
    return user


def may_mint_tokens(user: User) -> bool:
    """Residents mint no API tokens unless a role gives them the capability (accounts.roles)."""
    return get_scope(user).can("mint_api_tokens")


def token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Returns the row and the raw token; the raw token is shown once and never stored. It expires
    after TOKEN_TTL_DAYS. Callers on behalf of a person check `may_mint_tokens` first (the API does)."""
    raw = "gz_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, name=name[:80], prefix=raw[:10], key_hash=hash_token(raw), expires_at=token_expiry()
        )
        audit.record_write(
            actor=actor,
            action="api_token.create",
            obj=token,
            detail={"expires_at": token.expires_at.isoformat()},
        )
    return token, raw


def token_revoke(*, actor: User, token: ApiToken, ip: str | None = None) -> None:
    """The owner or a platform admin revokes a token; audited with whose token it was."""
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit.record_write(
            actor=actor,
            action="api_token.revoke",
            obj=token,
            detail={"owner": token.user.get_username(), "own": token.user_id == actor.pk},
            ip=ip,
        )
