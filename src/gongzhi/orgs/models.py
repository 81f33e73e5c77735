"""Party organisations aligned to the territory tree, the other organisations in a community,
and the posts people hold in them (with start and end dates, never overwritten)."""

from typing import Self

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStamped, ends_after_start, in_force_on
from gongzhi.core.scoping import ScopedQuerySet


class PartyLevel(models.TextChoices):
    STREET_COMMITTEE = "street_committee", _("街道党工委")
    COMMUNITY_COMMITTEE = "community_committee", _("社区党委")
    BRANCH = "branch", _("党支部")
    GROUP = "group", _("党小组")
    MEMBER_HOUSEHOLD = "member_household", _("党员中心户")


# Which level may sit under which (three- and four-level variants both allowed: a branch may
# sit directly under the street committee where a community has no committee of its own).
PARTY_PARENTS: dict[str, set[str]] = {
    PartyLevel.STREET_COMMITTEE: set(),
    PartyLevel.COMMUNITY_COMMITTEE: {PartyLevel.STREET_COMMITTEE},
    PartyLevel.BRANCH: {PartyLevel.COMMUNITY_COMMITTEE, PartyLevel.STREET_COMMITTEE},
    PartyLevel.GROUP: {PartyLevel.BRANCH},
    PartyLevel.MEMBER_HOUSEHOLD: {PartyLevel.GROUP, PartyLevel.BRANCH},
}


class OrgQuerySet(ScopedQuerySet):
    scope_path_field = "territory__path"
    scope_capability = "view_orgs"
    include_ancestors = True


class PartyOrg(TimeStamped):
    name = models.CharField(_("名称"), max_length=120)
    level = models.CharField(_("层级"), max_length=24, choices=PartyLevel.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级"),
    )
    territory = models.ForeignKey(
        "territory.TerritoryNode",
        on_delete=models.PROTECT,
        related_name="party_orgs",
        verbose_name=_("对应区域"),
    )
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)

    objects = OrgQuerySet.as_manager()

    class Meta:
        ordering = ["territory__path", "name"]
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        constraints = [models.UniqueConstraint(fields=["territory", "name"], name="partyorg_unique_name")]

    def __str__(self) -> str:
        return self.name


class OrgKind(models.TextChoices):
    DEPARTMENT = "department", _("职能部门")
    RESIDENTS_COMMITTEE = "residents_committee", _("居委会")
    OWNERS_COMMITTEE = "owners_committee", _("业委会")
    PROPERTY_COMPANY = "property_company", _("物业公司")
    SOCIAL_ORG = "social_org", _("社会组织")
    RESIDENT_UNIT = "resident_unit", _("驻区单位")
    PARTNER_UNIT = "partner_unit", _("共建单位")
    MERCHANT = "merchant", _("商户")


class Organisation(TimeStamped):
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类别"), max_length=24, choices=OrgKind.choices, db_index=True)
    territory = models.ForeignKey(
        "territory.TerritoryNode",
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("所在区域"),
    )
    # 统一社会信用代码 — the natural key for imports where the organisation has one.
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)  # an office line, not personal
    address = models.CharField(_("地址"), max_length=200, blank=True)
    # Compounds a property company manages / an owners' committee represents.
    serves = models.ManyToManyField("territory.TerritoryNode", blank=True, related_name="serving_orgs")

    objects = OrgQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        constraints = [
            models.UniqueConstraint(fields=["territory", "kind", "name"], name="org_unique_name"),
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="org_unique_credit_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PostTitle(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY_SECRETARY = "deputy_secretary", _("副书记")
    COMMITTEE_MEMBER = "committee_member", _("委员")
    GROUP_LEADER = "group_leader", _("组长")
    DIRECTOR = "director", _("主任")
    DEPUTY_DIRECTOR = "deputy_director", _("副主任")
    MEMBER = "member", _("成员")
    MANAGER = "manager", _("负责人")


class PostQuerySet(models.QuerySet):
    def current(self) -> Self:
        return self.filter(in_force_on(timezone.localdate()))


class Post(TimeStamped):
    """A person's post in a party organisation or another organisation. Ending a post sets ends_on;
    the row stays as the record of who held it when."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="posts")
    party_org = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.CASCADE, related_name="posts"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="posts"
    )
    title = models.CharField(_("职务"), max_length=24, choices=PostTitle.choices)
    starts_on = models.DateField(_("任职日期"), default=timezone.localdate)
    ends_on = models.DateField(_("离任日期"), null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("职务")
        verbose_name_plural = _("职务")
        constraints = [
            models.CheckConstraint(
                condition=(Q(party_org__isnull=False) & Q(organisation__isnull=True))
                | (Q(party_org__isnull=True) & Q(organisation__isnull=False)),
                name="post_exactly_one_org",
            ),
            ends_after_start("post_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.party_org or self.organisation} {self.get_title_display()} {self.person}"
