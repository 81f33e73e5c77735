"""Persons, their special-group tags, and party members.

Identity numbers and phones are stored three ways, each for one purpose: Fernet ciphertext (the
only place the full value lives), an HMAC blind index (look-up, uniqueness, idempotent import),
and the masked form (what every list shows). Birth date and gender are derived at write time so
that "elderly living alone" is a query, not a decryption of every row.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core import crypto
from gongzhi.core.models import TimeStamped
from gongzhi.core.scoping import ScopedQuerySet


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class ResidenceType(models.TextChoices):
    REGISTERED = "registered", _("户籍")
    NON_REGISTERED = "non_registered", _("常住非户籍")
    FLOATING = "floating", _("流动人口")


class PersonQuerySet(ScopedQuerySet):
    scope_path_field = "household__path"
    scope_capability = "view_people"
    own_row_field = "pk"


class Person(TimeStamped):
    name = models.CharField(_("姓名"), max_length=60)
    id_number_cipher = models.TextField(blank=True, editable=False)
    id_number_index = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=24, blank=True, editable=False)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices, blank=True)
    phone_cipher = models.TextField(blank=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=20, blank=True, editable=False)
    household = models.ForeignKey(
        "territory.TerritoryNode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("住址"),
    )
    residence_type = models.CharField(
        _("居住类型"), max_length=16, choices=ResidenceType.choices, default=ResidenceType.REGISTERED
    )
    moved_in_on = models.DateField(_("入住日期"), null=True, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["household__path", "name", "id"]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        indexes = [models.Index(fields=["household", "name"], name="person_household_name")]

    def __str__(self) -> str:
        return self.name

    # Plaintext accessors are deliberately not properties: only people/actions.py calls them,
    # after the reveal has been authorised and audited.
    def decrypt_id_number(self) -> str:
        return crypto.decrypt(self.id_number_cipher)

    def decrypt_phone(self) -> str:
        return crypto.decrypt(self.phone_cipher)

    @property
    def scope_path(self) -> str:
        return self.household.path if self.household_id else ""


class Tag(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("独居老人")
    EMPTY_NEST = "empty_nest", _("空巢老人")
    DISABILITY = "disability", _("残疾人")
    LOW_INCOME = "low_income", _("低保")
    EXTREME_POVERTY = "extreme_poverty", _("特困")
    VETERAN = "veteran", _("退役军人")
    LEFT_BEHIND_CHILD = "left_behind_child", _("留守儿童")
    SERIOUS_ILLNESS = "serious_illness", _("重病")


class PersonTag(TimeStamped):
    """Special-group tags are sensitive personal information (PIPL art. 28): masked unless revealed."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(_("标签"), max_length=24, choices=Tag.choices)
    since = models.DateField(_("起始日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("特殊群体标签")
        verbose_name_plural = _("特殊群体标签")
        constraints = [models.UniqueConstraint(fields=["person", "tag"], name="persontag_unique")]


class MemberKind(models.TextChoices):
    IN_SERVICE = "in_service", _("在职党员")
    UNEMPLOYED = "unemployed", _("无职党员")
    RETIRED = "retired", _("退休党员")
    MOBILE = "mobile", _("流动党员")


class PartyMemberQuerySet(ScopedQuerySet):
    scope_path_field = "person__household__path"
    scope_capability = "view_people"
    own_row_field = "person_id"


class PartyMember(TimeStamped):
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="party_member")
    kind = models.CharField(_("党员类别"), max_length=16, choices=MemberKind.choices)
    branch = models.ForeignKey(
        "orgs.PartyOrg", on_delete=models.PROTECT, related_name="members", verbose_name=_("所在支部")
    )
    # In-service members report in (双报到) to the community where they live.
    home_community = models.ForeignKey(
        "territory.TerritoryNode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_members",
        verbose_name=_("报到社区"),
    )
    joined_on = models.DateField(_("入党日期"), null=True, blank=True)
    workplace = models.CharField(_("工作单位"), max_length=120, blank=True)

    objects = PartyMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="in_service") | Q(workplace__gt=""), name="in_service_member_has_workplace"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_kind_display()})"
