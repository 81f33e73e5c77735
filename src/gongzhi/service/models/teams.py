"""Helper teams (红小二服务队) and their members.

A team belongs to one community and is led by the community party secretary; professional
sub-teams (electricians, lawyers, …) hang under it. A member (Helper) is a Person, optionally a
PartyMember or the staff of an Organisation. What the suggestion needs on every order — home
position, skills, weekly slots, service-area paths, open-order count — is stored on the Helper row
itself, so a suggestion is one indexed read of the street's helpers (decision 0014).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.actors import Actor
from gongzhi.core.models import TimeStamped
from gongzhi.core.scoping import ScopedQuerySet, get_scope


class Skill(models.TextChoices):
    REPAIR = "repair", _("家电维修")
    ELECTRICIAN = "electrician", _("水电维修")
    LEGAL = "legal", _("法律咨询")
    TUTORING = "tutoring", _("课业辅导")
    HEALTH = "health", _("健康义诊")
    COMPANION = "companion", _("陪伴探访")
    COUNSELLING = "counselling", _("心理疏导")
    HAIRCUT = "haircut", _("义剪")
    ERRANDS = "errands", _("代买代办")
    OTHER = "other", _("其他")


# bit positions of skill_mask; append only (stored values depend on the order)
SKILL_BITS = [s.value for s in Skill]


class MemberKind(models.TextChoices):
    PARTY_MEMBER = "party_member", _("党员")
    LEAGUE_MEMBER = "league_member", _("团员")
    ACTIVIST = "activist", _("积极分子")
    VOLUNTEER = "volunteer", _("志愿者")
    PARTNER_STAFF = "partner_staff", _("共建单位职工")


class TeamQuerySet(ScopedQuerySet):
    scope_path_field = "path"
    scope_capability = "manage_service"


class HelperTeam(TimeStamped):
    community = models.ForeignKey(
        "territory.TerritoryNode",
        on_delete=models.PROTECT,
        related_name="helper_teams",
        verbose_name=_("社区"),
    )
    path = models.CharField(max_length=500, db_index=True, editable=False)  # the community's path, for scope
    name = models.CharField(_("队名"), max_length=80)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subteams",
        verbose_name=_("上级服务队"),
    )
    specialty = models.CharField(_("专业"), max_length=16, choices=Skill.choices, blank=True)
    leader = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("队长"),
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["path", "parent_id", "name"]
        verbose_name = _("红小二服务队")
        verbose_name_plural = _("红小二服务队")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="helperteam_unique_name")]

    def __str__(self) -> str:
        return self.name


class HelperQuerySet(ScopedQuerySet):
    """Staff with manage_service see the helpers of their area; a helper sees their own rows."""

    scope_path_field = "path"
    scope_capability = "manage_service"

    def visible_to(self, actor: Actor | None, capability: str | None = None) -> "HelperQuerySet":
        rows = super().visible_to(actor, capability)
        scope = get_scope(actor)
        if scope.is_global or scope.person_id is None:
            return rows
        return self.filter(Q(pk__in=rows.values("pk")) | Q(person_id=scope.person_id))


class Helper(TimeStamped):
    team = models.ForeignKey(
        HelperTeam, on_delete=models.PROTECT, related_name="members", verbose_name=_("服务队")
    )
    path = models.CharField(max_length=500, editable=False)  # the team's community path
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="helper_roles")
    kind = models.CharField(_("身份"), max_length=16, choices=MemberKind.choices)
    party_member = models.ForeignKey(
        "people.PartyMember", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("所在单位"),
    )
    skills = models.JSONField(_("技能"), default=list, blank=True)  # Skill values
    # weekly after-hours slots: [{"day": 0-6 (Monday 0), "start": "19:00", "end": "21:00"}, …]
    slots = models.JSONField(_("服务时段"), default=list, blank=True)
    # service area: paths of the grids/buildings the member covers (denormalised from the nodes)
    area_paths = models.JSONField(default=list, blank=True)
    home_lon = models.FloatField(null=True, blank=True)
    home_lat = models.FloatField(null=True, blank=True)
    open_orders = models.PositiveIntegerField(default=0)  # assigned or accepted, kept by actions.py
    # The suggestion's index (decision 0014), derived from the three JSON fields above by
    # suggest.index_fields() whenever they are written, so scoring runs in SQL over plain columns:
    skill_mask = models.PositiveIntegerField(default=0, editable=False)  # bit i = SKILL_BITS[i]
    area_text = models.TextField(blank=True, editable=False)  # "|path1|path2|"
    week_hours = models.CharField(max_length=168, blank=True, editable=False)  # hour-of-week bitmap, "0"/"1"
    # poster: shown with name, photo and phone only if the member opted in (the phone they gave for it)
    public_on_poster = models.BooleanField(_("海报公开姓名电话"), default=False)
    poster_phone = models.CharField(_("公开电话"), max_length=20, blank=True)
    photo = models.FileField(upload_to="service/helpers/", blank=True)
    active = models.BooleanField(_("在队"), default=True)

    objects = HelperQuerySet.as_manager()

    class Meta:
        ordering = ["team_id", "id"]
        verbose_name = _("服务队员")
        verbose_name_plural = _("服务队员")
        constraints = [models.UniqueConstraint(fields=["team", "person"], name="helper_unique_member")]
        indexes = [
            models.Index(fields=["path"], name="helper_path_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}({self.team.name})"
