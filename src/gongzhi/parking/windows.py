"""Weekly time windows as minute intervals of the week, so "is this request inside what the unit
offers" is interval containment, including nights that run past midnight and Sunday into Monday."""

from datetime import time

from django.utils.translation import gettext as _

WEEK = 7 * 24 * 60
DAY = 24 * 60


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def day_interval(day: int, start: time, end: time) -> list[tuple[int, int]]:
    """[start, end) of ISO weekday `day` in week minutes; end <= start runs into the next day
    (equal means the whole 24 hours). Sunday nights wrap to Monday morning."""
    s = (day - 1) * DAY + _minutes(start)
    length = (_minutes(end) - _minutes(start)) % DAY or DAY
    e = s + length
    if e <= WEEK:
        return [(s, e)]
    return [(s, WEEK), (0, e - WEEK)]


def window_intervals(days: str, start: time, end: time) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(i for d in days for i in day_interval(int(d), start, end)):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _covered(interval: tuple[int, int], offered: list[tuple[int, int]]) -> bool:
    return any(s <= interval[0] and interval[1] <= e for s, e in offered)


def outside_reason(
    *,
    offer_days: str,
    offer_start: time,
    offer_end: time,
    days: str,
    start: time,
    end: time,
    offer_label: str,
) -> str | None:
    """Why the requested window is not inside the offered one, or None when it is."""
    from gongzhi.parking.models import WEEKDAY_LABELS, hours_label

    if not days:
        return _("请至少选择一天")
    offered = window_intervals(offer_days, offer_start, offer_end)
    for d in days:
        if not all(_covered(i, offered) for i in day_interval(int(d), start, end)):
            return _("您申请的%(day)s %(hours)s 不在开放时段内(本处开放:%(offer)s)") % {
                "day": WEEKDAY_LABELS[int(d) - 1],
                "hours": hours_label(start, end),
                "offer": offer_label,
            }
    return None
