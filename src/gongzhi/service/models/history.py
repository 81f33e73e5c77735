"""The columns every append-only history row of the service app shares (orders, wishes)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class HistoryRow(models.Model):
    """When, and who: the account (gone if it is deleted) and its label (kept); written through
    core.lifecycle.history_row, never edited."""

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=120, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]
