"""What places and the circles library share in their models: `Located`, a place on the map with a
street address and a desk phone (a service centre, a park or a library), and the check that a
column holds one of its choices."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStamped


class Located(TimeStamped):
    # WGS-84 degrees; the nearest-centre index (places/geo.py) works on these two floats.
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)  # a desk line, not a person

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(lon__gte=-180, lon__lte=180, lat__gte=-90, lat__lte=90),
                name="%(app_label)s_%(class)s_lonlat",
            )
        ]


def choice_check(field: str, choices: type[models.Choices], name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": [c.value for c in choices]}), name=name)
