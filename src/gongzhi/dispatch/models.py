"""秒拨 models: versioned text classifiers, their training labels, per-territory auto-dispatch
thresholds and the suggestions stored for appeals left to triage (decision 0011)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DispatchModel(models.Model):
    """A fitted scikit-learn pipeline, pickled (joblib) into `blob`. The blob is only ever written
    by gongzhi.dispatch.actions from a model fitted in this process and only read back from our own
    database — never load a blob from anywhere else (unpickling runs code)."""

    version = models.PositiveIntegerField(_("版本"), unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(_("创建者"), max_length=120, blank=True)
    source = models.CharField(_("训练数据来源"), max_length=300, blank=True)
    # "category": labels are Category paths; "level1": level-1 names (mapped by name)
    label_kind = models.CharField(max_length=16, default="level1")
    labels = models.JSONField(default=list)
    metrics = models.JSONField(default=dict, blank=True)
    blob = models.BinaryField()
    is_active = models.BooleanField(_("启用"), default=False)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("分拨模型")
        verbose_name_plural = _("分拨模型")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="dispatch_one_active_model"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version}"


class LabelSource(models.TextChoices):
    HISTORY = "history", _("历史诉求")
    FILE = "file", _("标注文件")
    CORRECTION = "correction", _("人工纠正")


class TrainingLabel(models.Model):
    text = models.TextField()
    category = models.ForeignKey(
        "appeals.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    label = models.CharField(_("一级分类"), max_length=80, blank=True)
    department = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=16, choices=LabelSource.choices)
    appeal = models.ForeignKey(
        "appeals.Appeal", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("训练标签")
        verbose_name_plural = _("训练标签")
        indexes = [models.Index(fields=["source", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.label or self.category_id}"


class AutoDispatchThreshold(models.Model):
    """Auto-dispatch when the model's top probability is at least `threshold`; the nearest ancestor
    with a row decides, else settings.DISPATCH_DEFAULT_THRESHOLD (0.8). 1.0 means never automatically."""

    territory = models.OneToOneField("territory.TerritoryNode", on_delete=models.CASCADE, related_name="+")
    threshold = models.FloatField(_("自动派单置信度阈值"))

    class Meta:
        verbose_name = _("自动派单阈值")
        verbose_name_plural = _("自动派单阈值")
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gte=0, threshold__lte=1), name="dispatch_threshold_0_1"
            )
        ]

    def __str__(self) -> str:
        return f"{self.territory_id}: {self.threshold}"


class Suggestion(models.Model):
    appeal = models.ForeignKey(
        "appeals.Appeal", on_delete=models.CASCADE, related_name="dispatch_suggestions"
    )
    rank = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=300)
    category = models.ForeignKey(
        "appeals.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    probability = models.FloatField()
    model_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["appeal", "rank"]
        constraints = [models.UniqueConstraint(fields=["appeal", "rank"], name="dispatch_suggestion_rank")]

    def __str__(self) -> str:
        return f"{self.rank}. {self.label} ({self.probability:.2f})"


DEFAULT_THRESHOLD: float = getattr(settings, "DISPATCH_DEFAULT_THRESHOLD", 0.8)
