"""Yearly rating of a property company by residents and by the party branch (1–5 with comments)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStamped
from gongzhi.core.scoping import ScopedQuerySet


class RaterKind(models.TextChoices):
    RESIDENT = "resident", _("居民")
    BRANCH = "branch", _("党支部")


class RatingQuerySet(ScopedQuerySet):
    scope_path_field = "compound__path"
    scope_capability = "manage_assemblies"


class PropertyRating(TimeStamped):
    company = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey("territory.TerritoryNode", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    rater_kind = models.CharField(_("评价方"), max_length=12, choices=RaterKind.choices)
    rater = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("意见"), max_length=500, blank=True)

    objects = RatingQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="rating_score_1_to_5"),
            # one rating per rater, company, compound and year (the branch rates through one officer)
            models.UniqueConstraint(
                fields=["company", "compound", "year", "rater_kind", "rater"], name="rating_once_a_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_id} {self.year} {self.score}"
