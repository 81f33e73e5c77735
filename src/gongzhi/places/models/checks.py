"""Check constraints that places and the circles library both write: a point on the globe (WGS-84
degrees in `lon` and `lat`) and a column holding one of its choices."""

from django.db import models
from django.db.models import Q


def lonlat_check(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(lon__gte=-180, lon__lte=180, lat__gte=-90, lat__lte=90), name=name
    )


def choice_check(field: str, choices: type[models.Choices], name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": [c.value for c in choices]}), name=name)
