"""The shared resource library of the 15-minute service circle: parks, sports grounds, libraries,
police rooms, clinics, canteens and day-care centres, each with its owner unit, location, opening
hours and what a resident can use it for. Public to read; staff with manage_places edit the ones
in their territory."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import ScopedQuerySet
from gongzhi.places.models.checks import Located, choice_check
from gongzhi.places.needs import tags_for


class ResourceKind(models.TextChoices):
    PARK = "park", _("公园")
    SPORTS = "sports", _("运动场")
    LIBRARY = "library", _("图书馆")
    POLICE = "police", _("警务室")
    CLINIC = "clinic", _("社康中心")
    CANTEEN = "canteen", _("长者饭堂")
    DAY_CARE = "day_care", _("日间照料中心")


class ResourceQuerySet(ScopedQuerySet):
    # Resources are public to read; this scope governs editing them.
    scope_path_field = "territory__path"
    scope_capability = "manage_places"

    def active(self) -> "ResourceQuerySet":
        return self.filter(active=True)

    def for_need(self, need: str) -> "ResourceQuerySet":
        """Resources whose uses, name or kind mention any tag the need maps to (places/needs.py)."""
        tags = tags_for(need) or ()
        condition = Q(pk__in=[])
        for tag in tags:
            condition |= Q(uses__icontains=tag) | Q(name__icontains=tag)
        kinds = [k.value for k in ResourceKind if any(t in str(k.label) for t in tags)]
        if kinds:
            condition |= Q(kind__in=kinds)
        return self.filter(condition)


class Resource(Located):
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类别"), max_length=16, choices=ResourceKind.choices, db_index=True)
    owner = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resources",
        verbose_name=_("产权/管理单位"),
    )
    territory = models.ForeignKey(
        "territory.TerritoryNode",
        on_delete=models.PROTECT,
        related_name="resources",
        verbose_name=_("所在区域"),
    )
    opening_hours = models.CharField(_("开放时间"), max_length=120, blank=True)  # as posted at the gate
    # what a resident can use it for, one use per line ("晨练", "借书", "老年助餐"); searched by need
    uses = models.TextField(_("可提供的服务"), blank=True)
    active = models.BooleanField(_("开放中"), default=True)

    objects = ResourceQuerySet.as_manager()

    class Meta(Located.Meta):
        ordering = ["kind", "name"]
        verbose_name = _("公共资源")
        verbose_name_plural = _("公共资源")
        constraints = [
            *Located.Meta.constraints,  # circles_resource_lonlat
            choice_check("kind", ResourceKind, "circles_resource_kind"),
            models.UniqueConstraint(fields=["territory", "name"], name="circles_resource_unique_name"),
        ]
        indexes = [models.Index(fields=["lon", "lat"], name="circles_resource_lonlat")]

    def __str__(self) -> str:
        return self.name

    @property
    def use_list(self) -> list[str]:
        return [u.strip() for u in self.uses.splitlines() if u.strip()]

    @property
    def scope_path(self) -> str:
        return self.territory.path
