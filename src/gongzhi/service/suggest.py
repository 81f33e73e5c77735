"""Top-3 helpers for an order: skill, distance, current load and availability (decision 0014).

    score = 0.40·skill + 0.30·near + 0.20·free + 0.10·available

skill      1 if the helper has the item's skill, else 0
near       1 if the order's building lies in the helper's service area, else 1 / (1 + d / 1 km)
           (d: distance from the helper's home to the building; 0 without positions)
free       1 / (1 + open orders) — assigned or accepted, counted by the actions
available  1 if a weekly slot covers the wanted time (or, with none given, any slot in the next
           7 days' evenings — every slot counts), 0.5 if the helper has a slot that weekday, else 0

Candidates: active helpers of teams in the order's street (the community's own first only by score).
One indexed read (path prefix) of a few columns; scoring is plain Python over at most a few
thousand rows (bench/helper_suggest.py: 5,000 helpers).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from gongzhi.service.geo import STREET_CODE_LENGTH, km_between, point_of, prefix_of
from gongzhi.service.models import Helper, ServiceOrder

WEIGHTS = {"skill": 0.40, "near": 0.30, "free": 0.20, "available": 0.10}
HALF_SCORE_KM = 1.0


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


def availability(slots: list[dict[str, Any]], when: datetime | None) -> float:
    if not slots:
        return 0.0
    if when is None:
        return 1.0
    local = timezone.localtime(when) if timezone.is_aware(when) else when
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


def score(*, skills: list[str], skill: str, area_paths: list[str], order_path: str, home: tuple | None,
          target: tuple | None, open_orders: int, slots: list, when: datetime | None) -> tuple[float, ...]:
    s_skill = 1.0 if skill in (skills or ()) else 0.0
    km = None
    if any(order_path.startswith(p) for p in (area_paths or ())):
        s_near = 1.0
        if home and target:
            km = km_between(home[0], home[1], target[0], target[1])
    elif home and home[0] is not None and target:
        km = km_between(home[0], home[1], target[0], target[1])
        s_near = 1.0 / (1.0 + km / HALF_SCORE_KM)
    else:
        s_near = 0.0
    s_free = 1.0 / (1.0 + max(open_orders, 0))
    s_avail = availability(slots, when)
    total = (WEIGHTS["skill"] * s_skill + WEIGHTS["near"] * s_near + WEIGHTS["free"] * s_free
             + WEIGHTS["available"] * s_avail)
    return total, s_skill, s_near, s_free, s_avail, km


def suggest_helpers(order: ServiceOrder, limit: int = 3) -> list[Suggestion]:
    street_path = prefix_of(order.path or order.community.path, STREET_CODE_LENGTH) or order.community.path
    target = point_of(order.building) if order.building_id else point_of(order.community)
    skill = order.item.skill
    rows = Helper.objects.filter(path__startswith=street_path, active=True).values_list(
        "pk", "skills", "area_paths", "home_lon", "home_lat", "open_orders", "slots"
    )
    scored = []
    for pk, skills, area_paths, lon, lat, open_orders, slots in rows.iterator(chunk_size=2000):
        total, *parts = score(
            skills=skills, skill=skill, area_paths=area_paths, order_path=order.path,
            home=(lon, lat) if lon is not None else None, target=target, open_orders=open_orders,
            slots=slots, when=order.wanted_at,
        )
        scored.append(Suggestion(pk, round(total, 4), *parts[:4], km=None if parts[4] is None else round(parts[4], 2)))
    scored.sort(key=lambda s: (-s.score, s.helper_id))
    return scored[:limit]
