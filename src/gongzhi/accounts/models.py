"""Sign-in accounts, role assignments, sign-in attempts, one-time codes and API tokens."""

import datetime
import hashlib
from typing import Self

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.core.models import TimeStamped, ends_after_start, in_force_on


class UserManager(BaseUserManager["User"]):
    def create_user(self, username: str, password: str | None = None, **extra: object) -> "User":
        user = self.model(username=username, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A way to sign in. Staff use username + password; residents sign in by phone + one-time code
    and get an account named after their person record."""

    username = models.CharField(_("用户名"), max_length=64, unique=True)
    person = models.OneToOneField(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="account"
    )
    is_active = models.BooleanField(_("启用"), default=True)
    is_staff = models.BooleanField(_("可进入后台"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()
    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

    def __str__(self) -> str:
        return self.username

    @property
    def display_name(self) -> str:
        return self.person.name if self.person_id else self.username


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None) -> Self:
        day = on or timezone.localdate()
        return self.filter(in_force_on(day))


class RoleAssignment(TimeStamped):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    territory = models.ForeignKey(
        "territory.TerritoryNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("开始日期"), default=timezone.localdate)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色任命")
        verbose_name_plural = _("角色任命")
        constraints = [
            ends_after_start("role_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()}"


class SignInAttempt(models.Model):
    """Append-only; lockouts count recent failures per username and client address, per username
    (a higher ceiling), per phone index ("phone:…") and per client address (decision 0038)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    username = models.CharField(max_length=128, db_index=True)
    succeeded = models.BooleanField(default=False)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {'ok' if self.succeeded else 'failed'}"


class OneTimeCode(models.Model):
    """One per request, known phone or not: the rows are also the request counters (per phone, per
    client address, per day). The code travels to the SMS task only as `code_encrypted` on this row
    (the task's arguments hold the row id, never the code) and is wiped once sent."""

    phone_index = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=128)
    code_encrypted = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code for …{self.phone_index[:8]} until {self.expires_at:%H:%M}"


def hash_token(raw: str) -> str:
    """What a token row keeps of its key: the SHA-256 hex digest (the key is shown once)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def token_expiry() -> datetime.datetime:
    from django.conf import settings

    return timezone.now() + datetime.timedelta(days=settings.TOKEN_TTL_DAYS)


class ApiToken(TimeStamped):
    """Token for integrations (12345 hotline bridge, data exchange). Only a hash is stored; it is
    refused after `expires_at` (TOKEN_TTL_DAYS from its creation, decision 0038)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=80)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"), default=token_expiry)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
