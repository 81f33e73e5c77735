"""Top-3 helpers for an order: skill, distance, current load and availability (decision 0014).

    score = 0.40·skill + 0.30·near + 0.20·free + 0.10·available

skill      1 if the helper has the item's skill, else 0
near       1 if the order's building lies in the helper's service area (a grid, compound or
           building they cover), else 1 / (1 + d / 1 km), d the distance from the helper's home
           to the building (equirectangular; 0 without positions)
free       1 / (1 + open orders) — assigned or accepted, counted by the actions
available  with a wanted time: 1 if a weekly slot covers that hour, 0.5 if the helper serves
           that weekday at another hour, else 0; without one: 1 if the helper has any slot

Candidates: active helpers of teams in the order's street. The score is computed in SQL over
plain index columns (skill_mask, area_text, week_hours, home_lon/lat, open_orders) that
`index_fields` derives from the JSON fields whenever actions write them, and the database
returns the top 3 (ORDER BY score DESC, id LIMIT 3), first among the helpers with the skill only
(enough whenever their third best beats what anyone without the skill could score), else among
all: no JSON decoded per row (bench/helper_suggest.py: 5,000 helpers). `score()` is the same formula in Python, used by the
tests to check the SQL and to explain a suggestion; slots are minute-exact there and rounded to
whole hours in week_hours (any overlap with an hour counts).
"""

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Case, ExpressionWrapper, F, FloatField, Q, Value, When
from django.db.models.functions import Sqrt, Substr
from django.utils import timezone

from gongzhi.service.geo import km_between, point_of
from gongzhi.service.models import Helper, ServiceOrder
from gongzhi.service.models.teams import SKILL_BITS
from gongzhi.territory.models import street_path

WEIGHTS = {"skill": 0.40, "near": 0.30, "free": 0.20, "available": 0.10}
HALF_SCORE_KM = 1.0
EARTH_KM = 6371.0
NO_HOURS = "0" * 168


@dataclass(frozen=True)
class Suggestion:
    helper_id: int
    score: float
    skill: float
    near: float
    free: float
    available: float
    km: float | None


def _minutes(text: str) -> int:
    hours, _, minutes = str(text).partition(":")
    return int(hours) * 60 + int(minutes or 0)


def week_hours(slots: list[dict[str, Any]]) -> str:
    """168 characters, one per hour of the week (Monday 00:00 first): '1' where a slot overlaps."""
    bits = ["0"] * 168
    for slot in slots or []:
        try:
            day, start, end = int(slot["day"]), _minutes(slot["start"]), _minutes(slot["end"])
        except (KeyError, TypeError, ValueError):
            continue
        for hour in range(start // 60, min(24, math.ceil(end / 60))):
            if 0 <= day < 7:
                bits[day * 24 + hour] = "1"
    return "".join(bits)


def skill_bit(skill: str) -> int:
    return 1 << SKILL_BITS.index(skill) if skill in SKILL_BITS else 0


def index_fields(helper: Helper) -> list[str]:
    """Derive the suggestion's index columns from skills, slots and area; returns their names."""
    helper.skill_mask = sum(skill_bit(s) for s in set(helper.skills or []))
    helper.area_text = "|" + "|".join(helper.area_paths) + "|" if helper.area_paths else ""
    helper.week_hours = week_hours(helper.slots)
    return ["skill_mask", "area_text", "week_hours"]


def _local(when: datetime | None) -> datetime | None:
    if when is None:
        return None
    return timezone.localtime(when) if timezone.is_aware(when) else when


def availability(slots: list[dict[str, Any]], when: datetime | None) -> float:
    if not slots:
        return 0.0
    local = _local(when)
    if local is None:
        return 1.0
    minute = local.hour * 60 + local.minute
    same_day = False
    for slot in slots:
        try:
            if int(slot["day"]) != local.weekday():
                continue
            same_day = True
            if _minutes(slot["start"]) <= minute < _minutes(slot["end"]):
                return 1.0
        except (KeyError, TypeError, ValueError):
            continue  # a malformed slot counts for nothing rather than breaking the suggestion
    return 0.5 if same_day else 0.0


def score(
    *,
    skills: list[str],
    skill: str,
    area_paths: list[str],
    order_path: str,
    home: tuple | None,
    target: tuple | None,
    open_orders: int,
    slots: list,
    when: datetime | None,
) -> tuple[Any, ...]:
    """The formula in Python: (total, skill, near, free, available, km)."""
    s_skill = 1.0 if skill in (skills or ()) else 0.0
    km = (
        km_between(home[0], home[1], target[0], target[1])
        if home and home[0] is not None and target
        else None
    )
    if any(order_path.startswith(p) for p in (area_paths or ())):
        s_near = 1.0
    elif km is not None:
        s_near = 1.0 / (1.0 + km / HALF_SCORE_KM)
    else:
        s_near = 0.0
    s_free = 1.0 / (1.0 + max(open_orders, 0))
    s_avail = availability(slots, when)
    total = (
        WEIGHTS["skill"] * s_skill
        + WEIGHTS["near"] * s_near
        + WEIGHTS["free"] * s_free
        + WEIGHTS["available"] * s_avail
    )
    return total, s_skill, s_near, s_free, s_avail, km


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def _sql_score(order: ServiceOrder, target: tuple[float, float] | None) -> Any:
    bits: dict[str, Any] = {"skill_bit": F("skill_mask").bitand(skill_bit(order.item.skill))}
    skill = Case(When(skill_bit__gt=0, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
    in_area = Q(pk__in=[])
    # service areas are grids, compounds and buildings: only the order's ancestors below the community
    for path in _ancestor_paths(order.path)[3:]:
        in_area |= Q(area_text__contains=f"|{path}|")
    if target is not None:
        cos = math.cos(math.radians(target[1]))
        dx = (F("home_lon") - Value(target[0])) * Value(math.radians(1) * cos * EARTH_KM)
        dy = (F("home_lat") - Value(target[1])) * Value(math.radians(1) * EARTH_KM)
        # x*x rather than POWER(x, 2): plain arithmetic on both databases (SQLite runs POWER and
        # SQRT as Python functions Django registers, one call per row each)
        km = ExpressionWrapper(Sqrt(dx * dx + dy * dy), output_field=FloatField())
        far = Case(
            When(home_lon__isnull=True, then=Value(0.0)),
            default=Value(1.0) / (Value(1.0) + km / Value(HALF_SCORE_KM)),
            output_field=FloatField(),
        )
    else:
        far = Value(0.0)
    near = Case(When(in_area, then=Value(1.0)), default=far, output_field=FloatField())
    free = ExpressionWrapper(Value(1.0) / (Value(1.0) + F("open_orders")), output_field=FloatField())
    local = _local(order.wanted_at)
    if local is None:
        available = Case(
            When(Q(week_hours="") | Q(week_hours=NO_HOURS), then=Value(0.0)),
            default=Value(1.0),
            output_field=FloatField(),
        )
    else:
        hour = local.weekday() * 24 + local.hour
        bits["hour_bit"] = Substr("week_hours", hour + 1, 1)
        bits["day_bits"] = Substr("week_hours", local.weekday() * 24 + 1, 24)
        available = Case(
            When(hour_bit="1", then=Value(1.0)),
            When(~Q(day_bits="0" * 24) & ~Q(day_bits=""), then=Value(0.5)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    return skill, near, free, available, bits


# The best an unskilled helper can score: near, free and available all 1.
UNSKILLED_MAX = WEIGHTS["near"] + WEIGHTS["free"] + WEIGHTS["available"]


def _ranked(rows: Any, limit: int) -> list[tuple[Any, ...]]:
    return list(
        rows.order_by("-total", "pk").values_list(
            "pk", "total", "s_skill", "s_near", "s_free", "s_available", "home_lon", "home_lat"
        )[:limit]
    )


def suggest_helpers(order: ServiceOrder, limit: int = 3) -> list[Suggestion]:
    """Top `limit` helpers. First only the helpers with the skill are scored: if the last of their
    top `limit` scores above UNSKILLED_MAX, nobody without the skill can rank above it and that is
    the answer; otherwise (few skilled helpers, or all far and busy) everyone is scored. Both paths
    give the same list as scoring everyone (tests/test_teams.py checks it against score())."""
    street = street_path(order.path or order.community.path) or order.community.path
    target = point_of(order.building) if order.building_id else point_of(order.community)
    skill, near, free, available, bits = _sql_score(order, target)
    rows = (
        Helper.objects.filter(path__startswith=street, active=True)
        .annotate(**bits)
        .annotate(s_skill=skill, s_near=near, s_free=free, s_available=available)
        .annotate(
            total=ExpressionWrapper(
                Value(WEIGHTS["skill"]) * F("s_skill")
                + Value(WEIGHTS["near"]) * F("s_near")
                + Value(WEIGHTS["free"]) * F("s_free")
                + Value(WEIGHTS["available"]) * F("s_available"),
                output_field=FloatField(),
            )
        )
    )
    found = _ranked(rows.filter(skill_bit__gt=0), limit)
    if len(found) < limit or found[-1][1] <= UNSKILLED_MAX + 1e-9:
        found = _ranked(rows, limit)
    result = []
    for pk, total, s_skill, s_near, s_free, s_avail, lon, lat in found:
        km = km_between(lon, lat, target[0], target[1]) if target and lon is not None else None
        result.append(
            Suggestion(
                pk,
                round(total, 4),
                s_skill,
                round(s_near, 4),
                round(s_free, 4),
                s_avail,
                None if km is None else round(km, 2),
            )
        )
    return result
