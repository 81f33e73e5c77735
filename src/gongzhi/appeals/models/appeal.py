"""The appeal (诉求/工单), its append-only event history, photos and ratings."""

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.appeals.workflow import OPEN_STATES, Action, Status
from gongzhi.core.actors import Actor
from gongzhi.core.models import TimeStamped
from gongzhi.core.scoping import ScopedQuerySet, get_scope


class Channel(models.TextChoices):
    RESIDENT_APP = "resident_app", _("居民随手拍")
    HOTLINE = "hotline", _("12345热线")
    PATROL = "patrol", _("网格巡查")
    MAILBOX = "mailbox", _("政府信箱")
    WECHAT = "wechat", _("微信/微博")
    VISIT = "visit", _("党员入户走访")
    RECEPTION = "reception", _("两代表一委员接待")
    OPEN311 = "open311", _("Open311接口")
    API = "api", _("开放接口")
    IMPORT = "import", _("热线导入")


class AppealQuerySet(ScopedQuerySet):
    """Visible: appeals in the territories where the actor may view appeals, appeals dispatched to
    an organisation the actor handles for, and the actor's own appeals."""

    scope_path_field = "path"
    scope_capability = "view_appeals"

    def visible_to(self, actor: Actor | None, capability: str | None = None) -> Self:
        scope = get_scope(actor)
        if scope.is_global:
            return self.all()
        condition = Q(pk__in=[])
        for path in scope.paths_for(capability or self.scope_capability):
            condition |= Q(path__startswith=path)
        if scope.org_ids and (capability or self.scope_capability) in {"view_appeals", "handle_appeals"}:
            condition |= Q(department_id__in=sorted(scope.org_ids))
        if scope.person_id is not None and (capability or self.scope_capability) == "view_appeals":
            condition |= Q(submitter_id=scope.person_id)
        return self.filter(condition)

    def open(self) -> Self:
        return self.filter(status__in=[s.value for s in OPEN_STATES])

    def overdue(self, now: Any = None) -> Self:
        now = now or timezone.now()
        return self.open().filter(resolve_due_at__lt=now)


class Appeal(TimeStamped):
    number = models.CharField(_("编号"), max_length=24, unique=True)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    title = models.CharField(_("标题"), max_length=120)
    text = models.TextField(_("内容"), max_length=5000)
    category = models.ForeignKey(
        "appeals.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    urgency = models.CharField(_("紧急程度"), max_length=12, default="normal")
    # Where: a pin, an address, or both. territory is the deepest node we could place it in.
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    address_text = models.CharField(_("地址"), max_length=200, blank=True)
    territory = models.ForeignKey(
        "territory.TerritoryNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    path = models.CharField(max_length=500, blank=True, db_index=True)  # territory path, for scope
    community = models.ForeignKey(
        "territory.TerritoryNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    street = models.ForeignKey(
        "territory.TerritoryNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    routed_by_ruleset = models.PositiveIntegerField(null=True, blank=True)
    # Who: a signed-in resident, or a caller recorded by a hotline seat (callback number encrypted).
    submitter = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone_cipher = models.TextField(blank=True, editable=False)
    contact_phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True, editable=False)
    anonymous = models.BooleanField(_("匿名"), default=False)
    hide_name = models.BooleanField(_("公示时隐藏姓名"), default=True)
    contact_preference = models.CharField(_("联系方式偏好"), max_length=16, blank=True)
    # Idempotency: a client's key, or a source system's id (12345 work-order number).
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    external_id = models.CharField(_("外部编号"), max_length=80, null=True, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_children"
    )
    reopen_count = models.PositiveSmallIntegerField(default=0)
    # Clocks: stored when a stage starts, so "overdue" is an indexed filter.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    sign_due_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_on_time = models.BooleanField(null=True, blank=True)
    contact_due_at = models.DateTimeField(null=True, blank=True)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    resolve_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    near_due_notified_at = models.DateTimeField(null=True, blank=True)
    overdue_marked_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    public = models.BooleanField(_("公示"), default=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=Q(external_id__isnull=False),
                name="appeal_unique_external_id",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status", "resolve_due_at"], name="appeal_dept_queue"),
            models.Index(fields=["community", "status"], name="appeal_community_queue"),
            models.Index(fields=["path"], name="appeal_path_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES


class AppealEvent(models.Model):
    """Append-only: every action on an appeal, with the state before and after. The source of truth
    for the timeline and for audits; never updated or deleted."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=120, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    data = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(default=True)  # shown on the resident's timeline

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("诉求记录")
        verbose_name_plural = _("诉求记录")

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.action} {self.from_status}→{self.to_status}"


class AppealPhoto(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="appeals/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"photo {self.pk} of appeal {self.appeal_id}"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Rating(models.Model):
    """One per reply round; the latest counts in the rates unless excluded as malicious."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="ratings")
    round = models.PositiveSmallIntegerField()
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices)
    solved = models.BooleanField(_("问题已解决"))
    comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    rated_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    excluded = models.BooleanField(_("已剔除"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appeal", "round"], name="rating_unique_round")]

    def __str__(self) -> str:
        return f"{self.appeal_id}#{self.round} {self.satisfaction}"


class ExtensionRequest(TimeStamped):
    class State(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("未批准")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="extensions")
    workdays = models.PositiveSmallIntegerField(_("延期工作日"))
    reason = models.CharField(_("理由"), max_length=300)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.appeal_id} +{self.workdays}d {self.state}"
