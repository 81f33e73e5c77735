"""Shared base model, the rules of dated rows, and the append-only audit log."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


def in_force_on(day: datetime.date) -> Q:
    """Rows with `starts_on` and an optional `ends_on` (both inclusive) that hold on `day`."""
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def ends_after_start(name: str) -> models.CheckConstraint:
    """The database refuses an `ends_on` before `starts_on`."""
    return models.CheckConstraint(
        condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")), name=name
    )


class AuditEntry(models.Model):
    """One write, personal-data reveal, look-up or refusal. Never updated or deleted: database triggers refuse it
    (migration 0002), the admin is read-only and no action edits it (PIPL art. 51, 55)."""

    class Kind(models.TextChoices):
        WRITE = "write", _("写操作")
        REVEAL = "reveal", _("查看个人信息")
        SIGN_IN = "sign_in", _("登录")
        EXPORT = "export", _("导出")
        # a look-up by a full personal value (exact search, ledger preview): an oracle if unbounded
        LOOKUP = "lookup", _("按号码查找")
        # something refused that must be remembered: a refused reveal, a scope denial, a limit hit
        REFUSAL = "refusal", _("拒绝")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=120)
    action = models.CharField(_("操作"), max_length=80, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=40, blank=True, db_index=True)
    object_label = models.CharField(_("对象"), max_length=200, blank=True)
    # Territory path of the object, so scoped staff see the audit of their own area only.
    scope_path = models.CharField(max_length=255, blank=True, db_index=True)
    fields = models.JSONField(_("字段"), default=list, blank=True)
    reason = models.CharField(_("事由"), max_length=300, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_label}"
