"""Reads that need thought: the service record (纪实台账) derived from what a person did, the
quarterly ranking, wish statistics, staff work lists, the resident's catalogue."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, Q, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from gongzhi.appeals.models import Appeal
from gongzhi.core.actors import Actor
from gongzhi.core.scoping import get_scope
from gongzhi.core.spreadsheets import append_row, new_workbook, workbook_bytes
from gongzhi.orgs.models import Post
from gongzhi.service.models import (
    Helper,
    Pairing,
    PairingAlert,
    ReportIn,
    ServiceItem,
    ServiceNotice,
    ServiceOrder,
    ServicePost,
    Visit,
    Wish,
)
from gongzhi.service.workflow import OrderStatus, WishStatus
from gongzhi.territory.models import Level, TerritoryNode, street_path

DONE_ORDER_STATES = [OrderStatus.FULFILLED, OrderStatus.RATED, OrderStatus.CLOSED]
ZERO = Decimal("0")


@dataclass(frozen=True)
class RecordRow:
    day: date
    kind: str
    text: str
    hours: Decimal
    ref: str


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * (quarter - 1) + 1, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end


def current_quarter() -> tuple[int, int]:
    today = timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1


def service_record(person_id: int, *, year: int | None = None) -> list[RecordRow]:
    """纪实台账: every fulfilled order, fulfilled wish and pairing visit of the person — nothing typed twice.
    (Activity check-ins belong to the places app and are added there when it records them.)"""
    rows: list[RecordRow] = []
    orders = ServiceOrder.objects.filter(
        helper__person_id=person_id, status__in=DONE_ORDER_STATES, fulfilled_at__isnull=False
    ).select_related("item", "community")
    wishes = Wish.objects.filter(claimant_person_id=person_id, status=WishStatus.FULFILLED).select_related(
        "community"
    )
    visits = Visit.objects.filter(pairing__member__person_id=person_id).select_related("pairing__community")
    if year:
        orders = orders.filter(fulfilled_at__year=year)
        wishes = wishes.filter(fulfilled_at__year=year)
        visits = visits.filter(visited_on__year=year)
    for o in orders:
        stars = f",评价{o.rating}星" if o.rating else ""
        rows.append(
            RecordRow(
                timezone.localdate(o.fulfilled_at),
                "服务单",
                f"{o.community.name} {o.item.name}{stars}",
                o.hours or ZERO,
                o.number,
            )
        )
    for w in wishes:
        rows.append(
            RecordRow(
                timezone.localdate(w.fulfilled_at),
                "微心愿",
                f"{w.community.name} {w.title}",
                w.hours or ZERO,
                f"W{w.pk}",
            )
        )
    for v in visits:
        rows.append(
            RecordRow(
                v.visited_on, "结对探访", f"{v.pairing.community.name} 探访结对老人", v.hours, f"V{v.pk}"
            )
        )
    rows.sort(key=lambda r: (r.day, r.kind, r.ref), reverse=True)
    return rows


def record_xlsx(name: str, rows: list[RecordRow], target: Decimal | None) -> bytes:
    book = new_workbook()
    sheet = book.active
    sheet.title = "纪实台账"
    append_row(sheet, [f"{name} 服务纪实台账"])
    total = sum((r.hours for r in rows), ZERO)
    append_row(
        sheet, ["累计时长(小时)", float(total), "年度目标", float(target) if target is not None else ""]
    )
    append_row(sheet, ["日期", "类别", "内容", "时长(小时)", "编号"])
    for r in rows:  # r.text may be a resident's words: append_row keeps "=…" as text
        append_row(sheet, [r.day.isoformat(), r.kind, r.text, float(r.hours), r.ref])
    for column, width in zip("ABCDE", (12, 10, 40, 12, 20), strict=True):
        sheet.column_dimensions[column].width = width
    return workbook_bytes(book)


def hours_by_person(person_ids: list[int], start: date, end: date) -> dict[int, Decimal]:
    """Service hours in [start, end) per person: fulfilled orders, fulfilled wishes and visits."""
    totals: dict[int, Decimal] = dict.fromkeys(person_ids, ZERO)
    sources = (  # (rows, the person's field, the day's field)
        (
            ServiceOrder.objects.filter(status__in=DONE_ORDER_STATES),
            "helper__person_id",
            "fulfilled_at__date",
        ),
        (Wish.objects.filter(status=WishStatus.FULFILLED), "claimant_person_id", "fulfilled_at__date"),
        (Visit.objects.all(), "pairing__member__person_id", "visited_on"),
    )
    for rows, person, day in sources:
        found = (
            rows.filter(**{f"{person}__in": person_ids, f"{day}__gte": start, f"{day}__lt": end})
            .values(person)
            .annotate(h=Coalesce(Sum("hours"), ZERO))
        )
        for row in found:
            totals[row[person]] += row["h"]
    return totals


@dataclass(frozen=True)
class RankRow:
    rank: int
    name: str
    branch: str
    hours: Decimal
    target: Decimal


def quarterly_ranking(community: Any, year: int, quarter: int, limit: int = 50) -> list[RankRow]:
    """“最亮星” ranking: reported-in members of the community by service hours in the quarter."""
    reports = list(
        ReportIn.objects.filter(community=community, year=year, withdrawn_at=None).select_related(
            "member__person", "member__branch"
        )
    )
    start, end = quarter_bounds(year, quarter)
    hours = hours_by_person([r.member.person_id for r in reports], start, end)
    ordered = sorted(reports, key=lambda r: (-hours[r.member.person_id], r.member.person.name, r.pk))[:limit]
    return [
        RankRow(i + 1, r.member.person.name, r.member.branch.name, hours[r.member.person_id], r.hours_target)
        for i, r in enumerate(ordered)
    ]


def wish_stats(actor: Actor) -> list[dict[str, Any]]:
    rows = (
        Wish.objects.visible_to(actor)
        .values("community__name", "community_id")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status=WishStatus.OPEN)),
            claimed=Count("pk", filter=Q(status=WishStatus.CLAIMED)),
            fulfilled=Count("pk", filter=Q(status=WishStatus.FULFILLED)),
            expired=Count("pk", filter=Q(status=WishStatus.EXPIRED)),
            budget=Coalesce(Sum("budget", filter=Q(status=WishStatus.FULFILLED)), Decimal("0.00")),
        )
        .order_by("community__name")
    )
    return list(rows)


def own_orders(actor: Actor, person: Any, *, as_helper: bool) -> Any:
    """The person's orders, newest first: those they ordered, or (as_helper) those assigned to them."""
    rows = ServiceOrder.objects.visible_to(actor)
    if as_helper:
        return rows.filter(helper__person=person).select_related("item", "community", "building")
    return rows.filter(resident=person).select_related("item", "helper__person")


def resident_community(person: Any) -> Any:
    return person.household.community() if person is not None and person.household_id else None


def catalogue(community: Any) -> list[ServiceItem]:
    if community is None:
        return []
    return list(ServiceItem.objects.filter(community=community, active=True))


def my_helper_ids(person: Any) -> list[int]:
    if person is None:
        return []
    return list(Helper.objects.filter(person=person, active=True).values_list("pk", flat=True))


def unread_notices(person: Any) -> int:
    if person is None:
        return 0
    return ServiceNotice.objects.filter(recipient=person, read_at=None).count()


def alerts_for(actor: Actor) -> Any:
    """Open pairing alerts: staff of the area, and people holding a current post in the member's branch."""
    scope = get_scope(actor)
    rows = PairingAlert.objects.filter(resolved_at=None).select_related(
        "pairing__member__person", "branch", "pairing__community"
    )
    if scope.is_global:
        return rows
    condition = Q(pk__in=[])
    for path in scope.paths_for("manage_service"):
        condition |= Q(path__startswith=path)
    if scope.person_id is not None:
        branches = (
            Post.objects.current()
            .filter(person_id=scope.person_id, party_org__isnull=False)
            .values("party_org_id")
        )
        condition |= Q(branch_id__in=branches)
    return rows.filter(condition)


def building_by_id(raw: Any) -> Any:
    """A building named by a poster QR: its id only says which building, nothing personal."""
    try:
        return TerritoryNode.objects.filter(pk=int(raw), level=Level.BUILDING).first()
    except (TypeError, ValueError):
        return None


def street_helpers(order: ServiceOrder) -> list[Helper]:
    return list(
        Helper.objects.filter(path__startswith=street_path(order.community.path), active=True)
        .select_related("person", "team")
        .order_by("path", "team_id", "id")[:300]
    )


def helper_for_assignment(order: ServiceOrder, helper_id: int) -> Helper | None:
    return (
        Helper.objects.filter(pk=helper_id, path__startswith=street_path(order.community.path), active=True)
        .select_related("person")
        .first()
    )


def appeal_for_conversion(actor: Actor, number: str) -> Any:

    number = (number or "").strip()
    if not number:
        return None
    rows = Appeal.objects.visible_to(actor, "dispatch_appeals").select_related(
        "community", "territory", "submitter"
    )
    return rows.filter(number=number).first() or (
        rows.filter(pk=int(number)).first() if number.isdigit() else None
    )


def wall_rows(community_id: str) -> Any:
    """The public wall: open and recently claimed/fulfilled wishes, with only non-identifying
    columns loaded (no beneficiary, no claimant person) — the template cannot leak what it never gets."""
    rows = (
        Wish.objects.filter(status__in=[WishStatus.OPEN, WishStatus.CLAIMED, WishStatus.FULFILLED])
        .select_related("community", "claimant_team", "claimant_org")
        .only(
            "pk",
            "title",
            "story",
            "group",
            "urgency",
            "due_on",
            "budget",
            "status",
            "claimant_kind",
            "claimant_team__name",
            "claimant_org__name",
            "community__name",
            "created_at",
            "path",
        )
        .annotate(
            open_first=Case(When(status=WishStatus.OPEN, then=0), default=1),
            urgent_first=Case(When(urgency="high", then=0), When(urgency="normal", then=1), default=2),
        )
        .order_by("open_first", "urgent_first", "due_on", "pk")
    )
    if str(community_id).isdigit():
        rows = rows.filter(community_id=int(community_id))
    return rows


def wall_communities() -> list[tuple[int, str]]:
    return list(
        Wish.objects.values_list("community_id", "community__name").distinct().order_by("community__name")
    )


def helpers_by_id(ids: list[int]) -> dict[int, Helper]:
    """The helpers `suggest_helpers` proposed for an order the caller reached through `access_order`."""
    return {h.pk: h for h in Helper.objects.filter(pk__in=ids).select_related("person", "team")}


def own_pairings(person: Any) -> Any:
    """The current pairings in which the person is the member (none without a person)."""
    if person is None:
        return Pairing.objects.none()
    return Pairing.objects.filter(member__person=person, ended_on=None).select_related("elder", "community")


def own_report(member: Any, year: int) -> ReportIn | None:
    """The party member's own report-in of the year, unless withdrawn (None without a member)."""
    return (
        ReportIn.objects.filter(member=member, year=year, withdrawn_at=None)
        .select_related("community")
        .first()
    )


def report_posts(report: ReportIn | None) -> Any:
    """The posts of the community the member reported in to."""
    return ServicePost.objects.filter(community=report.community) if report else ServicePost.objects.none()


def post_to_claim(post_id: int) -> ServicePost | None:
    """A post a member asks to claim: `actions_reportin.post_claim` refuses one outside the
    community of their report-in, so any post id may be looked up here."""
    return ServicePost.objects.filter(pk=post_id).first()


def own_claimed_wishes(person: Any) -> Any:
    """The small wishes the person claimed (none without a person)."""
    if person is None:
        return Wish.objects.none()
    return Wish.objects.filter(claimant_person=person).select_related("community")


def own_claimed_wish(person: Any, wish_id: int) -> Wish | None:
    """The wish if the person claimed it, else None (the caller then asks `access_wish`)."""
    if person is None:
        return None
    return Wish.objects.filter(pk=wish_id, claimant_person=person).select_related("community").first()


def helper_names(ids: list[int]) -> dict[int, str]:
    return dict(Helper.objects.filter(pk__in=ids).values_list("pk", "person__name"))
