"""Ledger import batches: one uploaded file, its preview, and what the confirm step did.

The uploaded file is kept (encrypted: it holds plaintext ID numbers) only between preview and
confirm; finishing a batch either way clears it and keeps the sha256 and the counts (decision 0006).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.lifecycle import StatusTable
from gongzhi.core.models import TimeStamped


class Kind(models.TextChoices):
    RESIDENTS = "residents", _("居民台账")
    PARTY_MEMBERS = "party_members", _("党员台账")
    BUILDINGS = "buildings", _("楼栋台账")
    ORGANISATIONS = "organisations", _("组织台账")


class Status(models.TextChoices):
    PREVIEWED = "previewed", _("已预览,待确认")
    IMPORTED = "imported", _("已导入")
    CANCELLED = "cancelled", _("已取消")


# A batch is previewed, then imported or cancelled once (core.lifecycle, decision 0045).
BATCH_TABLE = StatusTable.from_moves(
    {Status.PREVIEWED: {Status.IMPORTED, Status.CANCELLED}}, labels=(Status,)
)


class ImportBatch(TimeStamped):
    kind = models.CharField(_("台账类别"), max_length=24, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PREVIEWED)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ledger_batches",
        verbose_name=_("操作人"),
    )
    # The actor's import scope when the file was previewed (common prefix of their paths; "" = global).
    scope_path = models.CharField(max_length=255, blank=True)
    filename = models.CharField(_("文件名"), max_length=200)
    file_format = models.CharField(_("格式"), max_length=8)
    size = models.PositiveIntegerField(_("大小(字节)"))
    sha256 = models.CharField(max_length=64, db_index=True)
    content = models.TextField(blank=True, editable=False)  # Fernet ciphertext of the file; "" once finished
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    new_rows = models.PositiveIntegerField(_("新增"), default=0)
    updated_rows = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_rows = models.PositiveIntegerField(_("无变化"), default=0)
    error_rows = models.PositiveIntegerField(_("有误行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)  # [[row, column, reason], ...], capped
    error_count = models.PositiveIntegerField(default=0)
    ignored_columns = models.JSONField(default=list, blank=True)
    valid_rows_only = models.BooleanField(_("只导入无误的行"), default=False)
    result = models.JSONField(_("导入结果"), default=dict, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("台账导入批次")
        verbose_name_plural = _("台账导入批次")
        indexes = [models.Index(fields=["actor", "created_at"], name="ledgerbatch_actor_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in Status]), name="ledgerbatch_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"

    @property
    def is_open(self) -> bool:
        return self.status == Status.PREVIEWED

    @property
    def valid_rows(self) -> int:
        return self.new_rows + self.updated_rows + self.unchanged_rows
