"""One-to-one pairing of party members with elderly people living alone (结对帮扶), the visit
log, and alerts to the member's branch when a visit is missed past its interval."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStamped
from gongzhi.core.scoping import ScopedQuerySet


class PairingQuerySet(ScopedQuerySet):
    scope_path_field = "path"
    scope_capability = "manage_service"


class Pairing(TimeStamped):
    member = models.ForeignKey("people.PartyMember", on_delete=models.PROTECT, related_name="+")
    elder = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey("territory.TerritoryNode", on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=500, db_index=True, editable=False)  # the community's path
    branch = models.ForeignKey(
        "orgs.PartyOrg", on_delete=models.PROTECT, related_name="+"
    )  # the member's branch
    interval_days = models.PositiveSmallIntegerField(_("探访间隔(天)"), default=7)
    started_on = models.DateField(_("结对日期"), default=timezone.localdate)
    ended_on = models.DateField(_("解除日期"), null=True, blank=True)
    last_visit_on = models.DateField(null=True, blank=True)
    next_due_on = models.DateField(db_index=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        ordering = ["next_due_on", "id"]
        verbose_name = _("结对帮扶")
        verbose_name_plural = _("结对帮扶")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "elder"],
                condition=Q(ended_on__isnull=True),
                name="pairing_one_active_per_pair",
            ),
            models.CheckConstraint(condition=Q(interval_days__gte=1), name="pairing_interval_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.member.person.name} ↔ {self.elder.name}"

    def due_after(self, day) -> object:  # type: ignore[no-untyped-def]
        return day + timedelta(days=self.interval_days)


class Visit(models.Model):
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("探访日期"))
    hours = models.DecimalField(_("时长(小时)"), max_digits=4, decimal_places=1, default=1)
    note = models.CharField(_("探访情况"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.pairing_id} {self.visited_on}"


class PairingAlert(models.Model):
    """Raised once per missed due date (the unique constraint makes the sweep idempotent)."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="alerts")
    path = models.CharField(max_length=500, db_index=True)
    branch = models.ForeignKey("orgs.PartyOrg", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["pairing", "due_on"], name="pairingalert_once_per_due")
        ]

    def __str__(self) -> str:
        return f"alert {self.pairing_id} {self.due_on}"
