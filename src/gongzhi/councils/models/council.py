"""A deliberation council of a community (or of one compound) and its seats."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStamped
from gongzhi.core.scoping import ScopedQuerySet
from gongzhi.councils.rules import QuorumRule


class CouncilKind(models.TextChoices):
    JOINT = "joint", _("党群联席会")
    RESIDENTS = "residents", _("居民议事会")
    COMPOUND = "compound", _("小区协商议事会")
    ON_SITE = "on_site", _("现场议事")


class CouncilQuerySet(ScopedQuerySet):
    scope_path_field = "territory__path"
    scope_capability = "manage_councils"


class Council(TimeStamped):
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类别"), max_length=16, choices=CouncilKind.choices)
    # the community, or the compound a compound consultation meeting serves
    territory = models.ForeignKey("territory.TerritoryNode", on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        "territory.TerritoryNode", on_delete=models.PROTECT, related_name="councils", verbose_name=_("社区")
    )
    quorum = models.CharField(
        _("出席要求"), max_length=16, choices=QuorumRule.choices, default=QuorumRule.MAJORITY
    )
    description = models.TextField(_("议事规则"), blank=True)

    objects = CouncilQuerySet.as_manager()

    class Meta:
        ordering = ["community__path", "name"]
        verbose_name = _("议事会")
        verbose_name_plural = _("议事会")

    def __str__(self) -> str:
        return self.name

    def active_seats(self) -> models.QuerySet["Seat"]:
        return self.seats.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=timezone.localdate()))


class SeatKind(models.TextChoices):
    PARTY_BRANCH = "party_branch", _("党组织")
    RESIDENTS_COMMITTEE = "residents_committee", _("居委会")
    OWNERS_COMMITTEE = "owners_committee", _("业委会")
    PROPERTY_COMPANY = "property_company", _("物业公司")
    RESIDENT_REP = "resident_rep", _("居民代表")
    UNIT = "unit", _("驻区/共建单位")
    SOCIAL_ORG = "social_org", _("社会组织")
    OTHER = "other", _("其他")


class Seat(TimeStamped):
    """A seat is what a public page names (its kind, its organisation); the person holding it is
    shown only to staff and fellow members."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="seats")
    kind = models.CharField(_("席位类别"), max_length=24, choices=SeatKind.choices)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="council_seats"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="council_seats"
    )
    starts_on = models.DateField(_("起始日期"), default=timezone.localdate)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        ordering = ["council", "kind", "id"]
        verbose_name = _("席位")
        verbose_name_plural = _("席位")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(organisation__isnull=False), name="seat_has_holder"
            ),
        ]

    def __str__(self) -> str:
        return self.public_label

    @property
    def public_label(self) -> str:
        kind = self.get_kind_display()
        return f"{kind}·{self.organisation.name}" if self.organisation_id else str(kind)
