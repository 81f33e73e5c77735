"""The three rates (三率) and the daily close-out ledger (日销账): reads only.

response rate     = signed within the signing deadline ÷ dispatched
resolution rate   = rated "solved" ÷ rated
satisfaction rate = (satisfied + basically satisfied) ÷ rated

`rates()` reads the DailyStat rollup (kept by stats.bump in the actions, and by exclusion_decide);
`recount()` computes the same figures from Appeal, AppealEvent and Rating rows, to prove the rollup
right (tests, bench/three_rates.py). Exact definitions: docs/appeals.md."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.appeals.deadlines import clocks_for
from gongzhi.appeals.models import (
    Appeal,
    AppealEvent,
    ConsultNote,
    DailyStat,
    Rating,
    ReportIn,
    Satisfaction,
    Whistle,
)
from gongzhi.appeals.workflow import Action, Status
from gongzhi.core.actors import Actor
from gongzhi.core.scoping import get_scope
from gongzhi.core.spreadsheets import append_row, new_workbook, workbook_bytes

FIELDS = ("dispatched", "signed_on_time", "rated", "solved", "satisfied")
LEVELS = ("department", "community", "street")
Key = tuple[datetime.date, int | None, int | None]  # (day, department, community)


def percent(numerator: int, denominator: int) -> Decimal | None:
    """One decimal, half up; None for an empty denominator (shown as "—", never as 0 %)."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class RateRow:
    key: int | None
    name: str
    dispatched: int = 0
    signed_on_time: int = 0
    rated: int = 0
    solved: int = 0
    satisfied: int = 0

    @property
    def response(self) -> Decimal | None:
        return percent(self.signed_on_time, self.dispatched)

    @property
    def resolution(self) -> Decimal | None:
        return percent(self.solved, self.rated)

    @property
    def satisfaction(self) -> Decimal | None:
        return percent(self.satisfied, self.rated)

    def counts(self) -> tuple[int, ...]:
        return tuple(getattr(self, f) for f in FIELDS)


@dataclass
class RateTable:
    level: str
    start: datetime.date
    end: datetime.date  # inclusive
    rows: list[RateRow] = field(default_factory=list)
    total: RateRow = field(default_factory=lambda: RateRow(None, "合计"))


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """This month so far."""
    today = today or timezone.localdate()
    return today.replace(day=1), today


def visible_stats(actor: Actor) -> QuerySet[DailyStat]:
    """Rollup rows in the actor's view_appeals subtrees (by community, or by street for rows above
    any community) and rows of the actor's own departments. Global actors (actor=None: the system,
    benchmarks) see everything."""
    if actor is None:
        return DailyStat.objects.all()
    scope = get_scope(actor)
    if scope.is_global:
        return DailyStat.objects.all()
    condition = Q(pk__in=[])
    for path in scope.paths_for("view_appeals"):
        condition |= Q(community__path__startswith=path) | Q(
            community__isnull=True, street__path__startswith=path
        )
    if scope.org_ids:
        condition |= Q(department_id__in=sorted(scope.org_ids))
    return DailyStat.objects.filter(condition)


def _ranked(rows: list[RateRow]) -> list[RateRow]:
    """Satisfaction first, then resolution, then response; empty rates last; name breaks ties."""

    def key(r: RateRow) -> tuple[Decimal | str, ...]:
        return tuple(
            -(v if v is not None else Decimal(-1)) for v in (r.satisfaction, r.resolution, r.response)
        ) + (r.name,)

    return sorted(rows, key=key)


def rates(actor: Actor, *, level: str, start: datetime.date, end: datetime.date) -> RateTable:
    """Ranking table for one level (department | community | street) over [start, end]."""
    if level not in LEVELS:
        raise ValueError(level)
    name_field = f"{level}__name"
    grouped = (
        visible_stats(actor)
        .filter(day__gte=start, day__lte=end)
        .values(f"{level}_id", name_field)
        .annotate(**{f: Sum(f) for f in FIELDS})
        .order_by()
    )
    table = RateTable(level, start, end)
    for g in grouped:
        row = RateRow(g[f"{level}_id"], g[name_field] or "(区级)", **{f: g[f] or 0 for f in FIELDS})
        table.rows.append(row)
        for f in FIELDS:
            setattr(table.total, f, getattr(table.total, f) + getattr(row, f))
    table.rows = _ranked(table.rows)
    return table


def all_rates(actor: Actor, *, start: datetime.date, end: datetime.date) -> dict[str, RateTable]:
    return {level: rates(actor, level=level, start=start, end=end) for level in LEVELS}


def rollup_counts(*, start: datetime.date, end: datetime.date) -> dict[Key, tuple[int, ...]]:
    """DailyStat as {(day, department, community): counts}, zero rows dropped (for comparison)."""
    out: dict[Key, tuple[int, ...]] = {}
    for row in DailyStat.objects.filter(day__gte=start, day__lte=end).values_list(
        "day", "department_id", "community_id", *FIELDS
    ):
        if any(row[3:]):
            out[(row[0], row[1], row[2])] = tuple(row[3:])
    return out


def recount(*, start: datetime.date, end: datetime.date) -> dict[Key, tuple[int, ...]]:
    """The rollup's figures recomputed from the rows themselves.

    - A dispatch counts on the (local) day it was made, for the department it went to; a reopen
      after an unsatisfied rating is a new dispatch on the day of that rating.
    - Signed on time counts on the day of the dispatch it answers.
    - A rating counts on its own day for the department rated; excluded ratings do not count.
    Appeals with a single dispatch cycle (no reopen, no return) are counted in SQL from their own
    columns; the few with several cycles are replayed from their event history."""
    tz = ZoneInfo(settings.TIME_ZONE)
    counts: dict[Key, list[int]] = defaultdict(lambda: [0] * len(FIELDS))
    lo = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    hi = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)

    returned = AppealEvent.objects.filter(appeal=OuterRef("pk"), action=Action.RETURN)
    single = Appeal.objects.filter(reopen_count=0, dispatched_at__gte=lo, dispatched_at__lt=hi).exclude(
        Exists(returned)
    )
    for g in (
        single.annotate(d=TruncDate("dispatched_at", tzinfo=tz))
        .values("d", "department_id", "community_id")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(signed_on_time=True)))
        .order_by()
    ):
        c = counts[(g["d"], g["department_id"], g["community_id"])]
        c[0] += g["n"]
        c[1] += g["on_time"]

    multi = (
        Appeal.objects.filter(Q(reopen_count__gt=0) | Exists(returned))
        .filter(dispatched_at__isnull=False)
        .select_related("category")
    )
    for appeal in multi.iterator(chunk_size=200):
        for day, dept, field_index in _replay(appeal, tz):
            if start <= day <= end:
                counts[(day, dept, appeal.community_id)][field_index] += 1

    for r in (
        Rating.objects.filter(excluded=False, at__gte=lo, at__lt=hi)
        .annotate(d=TruncDate("at", tzinfo=tz))
        .values("d", "department_id", "appeal__community_id")
        .annotate(
            n=Count("pk"),
            solved_n=Count("pk", filter=Q(solved=True)),
            happy=Count("pk", filter=~Q(satisfaction=Satisfaction.UNSATISFIED)),
        )
        .order_by()
    ):
        c = counts[(r["d"], r["department_id"], r["appeal__community_id"])]
        c[2] += r["n"]
        c[3] += r["solved_n"]
        c[4] += r["happy"]
    return {k: tuple(v) for k, v in counts.items() if any(v)}


def _replay(appeal: Appeal, tz: ZoneInfo) -> list[tuple[datetime.date, int | None, int]]:
    """(day, department, field index) increments of one multi-cycle appeal, from its history.
    The last cycle's signing deadline is the stored one; earlier cycles' are recomputed from the
    deadline policy (the sign clock is hours from the dispatch)."""
    out: list[tuple[datetime.date, int | None, int]] = []
    sign_hours = clocks_for(appeal.category, appeal.urgency).sign_hours
    department: int | None = None
    cycle: tuple[datetime.date, int | None, datetime.datetime] | None = None
    events = list(
        appeal.events.filter(
            action__in=[Action.DISPATCH, Action.REOPEN, Action.SIGN, Action.RETURN]
        ).order_by("at", "id")
    )
    starts = [e for e in events if e.action in (Action.DISPATCH, Action.REOPEN)]
    for e in events:
        if e.action in (Action.DISPATCH, Action.REOPEN):
            if e.action == Action.DISPATCH:
                department = e.data.get("department_id")
            last = e is starts[-1]
            due = (
                appeal.sign_due_at
                if last and appeal.sign_due_at
                else e.at + datetime.timedelta(hours=sign_hours)
            )
            cycle = (e.at.astimezone(tz).date(), department, due)
            out.append((cycle[0], department, 0))
        elif e.action == Action.SIGN and cycle is not None:
            if e.at <= cycle[2]:
                out.append((cycle[0], cycle[1], 1))
            cycle = None
        elif e.action == Action.RETURN:
            department, cycle = None, None
    return out


def matches_recount(*, start: datetime.date, end: datetime.date) -> bool:
    return rollup_counts(start=start, end=end) == recount(start=start, end=end)


# --- the daily close-out ledger (日销账) ----------------------------------------------------------


@dataclass
class Ledger:
    street: Any
    day: datetime.date
    appeals_opened: int
    appeals_closed: int
    appeals_overdue: int
    whistles_opened: int
    whistles_closed: int
    report_ins_late: int
    notes: list[ConsultNote]
    open_whistles: list[Whistle]

    def figures(self) -> list[tuple[str, int]]:
        return [
            (_("新增诉求"), self.appeals_opened),
            (_("办结诉求"), self.appeals_closed),
            (_("超期未办结(日终)"), self.appeals_overdue),
            (_("新吹哨"), self.whistles_opened),
            (_("销号哨"), self.whistles_closed),
            (_("报到迟到/未报到"), self.report_ins_late),
        ]


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = ZoneInfo(settings.TIME_ZONE)
    lo = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    return lo, lo + datetime.timedelta(days=1)


def daily_ledger(street: Any, day: datetime.date) -> Ledger:
    """One street's day. Overdue "as of end of day": created before the day ended, not closed and
    not replied by then, with its (current) resolution deadline before the end of the day."""
    lo, hi = day_bounds(day)
    appeals = Appeal.objects.filter(path__startswith=street.path)
    whistles = Whistle.objects.filter(path__startswith=street.path)
    # late: due that day, and reported after due_at or (already past due) not at all
    late = ReportIn.objects.filter(
        whistle__path__startswith=street.path, due_at__gte=lo, due_at__lt=min(hi, timezone.now())
    ).filter(Q(reported_at__gt=F("due_at")) | Q(reported_at__isnull=True))
    return Ledger(
        street=street,
        day=day,
        appeals_opened=appeals.filter(created_at__gte=lo, created_at__lt=hi).count(),
        appeals_closed=appeals.filter(closed_at__gte=lo, closed_at__lt=hi, status=Status.CLOSED).count(),
        appeals_overdue=appeals.filter(created_at__lt=hi, resolve_due_at__lt=hi)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=hi))
        .filter(Q(replied_at__isnull=True) | Q(replied_at__gte=hi))
        .exclude(status__in=[Status.REJECTED, Status.MERGED])
        .count(),
        whistles_opened=whistles.filter(created_at__gte=lo, created_at__lt=hi).count(),
        whistles_closed=whistles.filter(closed_at__gte=lo, closed_at__lt=hi).count(),
        report_ins_late=late.count(),
        notes=list(
            ConsultNote.objects.filter(street=street, day=day)
            .select_related("author")
            .order_by("created_at", "pk")
        ),
        open_whistles=list(
            whistles.filter(state=Whistle.State.OPEN).select_related("lead_department").order_by("created_at")
        ),
    )


def ledger_xlsx(ledger: Ledger) -> bytes:
    """The ledger as a workbook: the figures, the open whistles, the day's notes."""
    from openpyxl.styles import Font

    book = new_workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("日销账")
    append_row(sheet, [f"{ledger.street.name}日销账", ledger.day.isoformat()])
    sheet["A1"].font = Font(bold=True, size=14)
    append_row(sheet, [])
    append_row(sheet, ["项目", "数量"])
    for label, value in ledger.figures():
        append_row(sheet, [label, value])
    append_row(sheet, [])
    append_row(sheet, ["进行中的哨", "牵头部门", "吹哨时间"])
    for w in ledger.open_whistles:
        append_row(
            sheet,
            [
                f"{w.get_kind_display()} {w.reason}",
                w.lead_department.name,
                timezone.localtime(w.created_at).strftime("%Y-%m-%d %H:%M"),
            ],
        )
    append_row(sheet, [])
    append_row(sheet, ["会商/反馈", "内容", "填写人"])
    for note in ledger.notes:
        author = getattr(getattr(note.author, "person", None), "name", "") or getattr(
            note.author, "username", ""
        )
        append_row(sheet, [note.get_kind_display(), note.text, author])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 60
    return workbook_bytes(book)  # a whistle reason or note typed as "=…" stays text
