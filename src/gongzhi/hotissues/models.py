"""Duplicate-detection fingerprints of appeals and residents' "me too" (附议) supports."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppealFingerprint(models.Model):
    """One per appeal with a pin: a coarse grid cell (indexed with created_at) for the place
    prefilter and the normalised text for the similarity. Written by `actions.fingerprint_appeal`."""

    appeal = models.OneToOneField(
        "appeals.Appeal", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    cell = models.BigIntegerField()
    lon = models.FloatField()
    lat = models.FloatField()
    category_id = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    text = models.CharField(max_length=400)

    class Meta:
        indexes = [models.Index(fields=["cell", "created_at"], name="fingerprint_cell_time")]

    def __str__(self) -> str:
        return f"fingerprint of {self.appeal_id}"


class Support(models.Model):
    """A resident's "me too" on an open appeal; one per person and appeal."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.CASCADE, related_name="supports")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("附议")
        verbose_name_plural = _("附议")
        constraints = [models.UniqueConstraint(fields=["appeal", "person"], name="support_unique_person")]

    def __str__(self) -> str:
        return f"{self.person_id} +1 {self.appeal_id}"
