"""Centres and stations of the "1+10+N" network, with their opening hours and services."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStamped
from gongzhi.core.scoping import ScopedQuerySet
from gongzhi.places.models.checks import Located, choice_check


class CentreLevel(models.TextChoices):
    CITY = "city", _("市级中心")
    DISTRICT = "district", _("区级中心")
    STREET = "street", _("街道中心")
    COMMUNITY = "community", _("社区中心")
    STATION = "station", _("服务站")
    MICRO_STATION = "micro_station", _("微站点")
    MOBILE = "mobile", _("流动站点")


# Weekday keys of `opening_hours`: "0" = Monday … "6" = Sunday (date.weekday()), each a list of
# ["HH:MM", "HH:MM"] intervals, e.g. {"0": [["09:00", "12:00"], ["14:00", "18:00"]], ...}.
WEEKDAYS = ("0", "1", "2", "3", "4", "5", "6")


class CentreQuerySet(ScopedQuerySet):
    # Centres are public (anyone may find one); this scope governs *managing* them.
    scope_path_field = "territory__path"
    scope_capability = "manage_places"

    def active(self) -> "CentreQuerySet":
        return self.filter(active=True)


class Centre(Located):
    name = models.CharField(_("名称"), max_length=120)
    level = models.CharField(_("层级"), max_length=16, choices=CentreLevel.choices, db_index=True)
    territory = models.ForeignKey(
        "territory.TerritoryNode",
        on_delete=models.PROTECT,
        related_name="centres",
        verbose_name=_("所属区划"),
    )
    opening_hours = models.JSONField(_("开放时间"), default=dict, blank=True)
    closed_dates = models.JSONField(_("闭馆日期"), default=list, blank=True)  # ["2026-10-01", ...]
    services = models.JSONField(_("服务项目"), default=list, blank=True)  # ["课后托管", "法律援助", ...]
    description = models.TextField(_("简介"), blank=True)
    active = models.BooleanField(_("运营中"), default=True)

    objects = CentreQuerySet.as_manager()

    class Meta(Located.Meta):
        ordering = ["territory__path", "name"]
        verbose_name = _("党群服务中心")
        verbose_name_plural = _("党群服务中心")
        constraints = [
            *Located.Meta.constraints,  # places_centre_lonlat
            choice_check("level", CentreLevel, "places_centre_level"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_path(self) -> str:
        return self.territory.path

    def hours_on(self, weekday: int) -> list[list[str]]:
        return list(self.opening_hours.get(str(weekday), []))

    def hours_display(self) -> list[tuple[Any, str]]:
        from gongzhi.places.hours import hours_table

        return hours_table(self.opening_hours)


class CentreStaff(TimeStamped):
    """A person who works at a centre (desk staff, social worker, volunteer lead)."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="staff")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="centre_posts")
    title = models.CharField(_("岗位"), max_length=60, default="工作人员")

    class Meta:
        verbose_name = _("中心工作人员")
        verbose_name_plural = _("中心工作人员")
        constraints = [models.UniqueConstraint(fields=["centre", "person"], name="places_staff_once")]
