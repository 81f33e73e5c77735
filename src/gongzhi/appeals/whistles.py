"""吹哨报到 — the street or community blows a whistle, named departments report in and record their
part — plus the daily close-out notes and rating exclusions: what the actor may see and act on.
The writes are in actions_whistles.py."""

import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case, F, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone

from gongzhi.appeals.models import (
    Rating,
    RatingExclusion,
    ReportIn,
    Satisfaction,
    Whistle,
)
from gongzhi.core.actors import Actor
from gongzhi.core.errors import BadInput
from gongzhi.core.scoping import get_scope
from gongzhi.orgs.models import Organisation
from gongzhi.territory.models import TerritoryNode

MIN_REPORT_IN_MINUTES, MAX_REPORT_IN_MINUTES = 5, 24 * 60
HANDLING_KINDS = {"department", "property_company"}


class WhistleError(BadInput):
    """Bad input (HTTP 400), or a state that does not allow the step (raised with status=409);
    message in Chinese."""


# --- reads --------------------------------------------------------------------------------------


def whistles_visible_to(actor: Actor) -> QuerySet[Whistle]:
    """Whistles in the territories where the actor may see appeals or blow whistles, and those
    naming one of the actor's departments."""
    scope = get_scope(actor)
    qs = Whistle.objects.select_related("territory", "lead_department")
    if scope.is_global:
        return qs.all()
    condition = Q(pk__in=[])
    for capability in ("view_appeals", "blow_whistle"):
        for path in scope.paths_for(capability):
            condition |= Q(path__startswith=path)
    if scope.org_ids:
        condition |= Q(report_ins__department_id__in=sorted(scope.org_ids))
    return qs.filter(condition).distinct()


def access_whistle(actor: Actor, whistle_id: int | str) -> Whistle:
    """The whistle, or Http404 — the same answer for 'missing' and 'not yours'."""
    try:
        return whistles_visible_to(actor).get(pk=whistle_id)
    except (Whistle.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def access_report_in(actor: Actor, report_in_id: int | str) -> ReportIn:
    """A report-in row of a visible whistle, or Http404."""
    try:
        return ReportIn.objects.select_related("whistle", "department").get(
            pk=report_in_id, whistle__in=whistles_visible_to(actor)
        )
    except (ReportIn.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def report_in_status(row: ReportIn, now: datetime.datetime | None = None) -> str:
    """on_time | late | overdue (not reported, past due) | pending (not reported, still in time)."""
    if row.reported_at is not None:
        return "late" if row.reported_at > row.due_at else "on_time"
    return "overdue" if (now or timezone.now()) > row.due_at else "pending"


def may_blow(actor: Actor, path: str) -> bool:
    return get_scope(actor).can("blow_whistle", path)


def whistle_list(actor: Actor) -> QuerySet[Whistle]:
    """Open whistles first (newest first), then closed ones."""
    return (
        whistles_visible_to(actor)
        .prefetch_related("report_ins__department")
        .annotate(is_closed=Case(When(state=Whistle.State.CLOSED, then=1), default=0))
        .order_by("is_closed", "-created_at", "-pk")
    )


def my_report_ins(actor: Actor) -> QuerySet[ReportIn]:
    """The actor's departments' duties on open whistles, most urgent first."""
    scope = get_scope(actor)
    return (
        ReportIn.objects.filter(department_id__in=sorted(scope.org_ids), whistle__state=Whistle.State.OPEN)
        .select_related("whistle", "department")
        .order_by(F("reported_at").asc(nulls_first=True), "due_at")
    )


def blowable_territories(actor: Actor) -> QuerySet[Any]:

    return (
        TerritoryNode.objects.visible_to(actor, "blow_whistle")
        .filter(level__in=["street", "community"])
        .order_by("path")
    )


def handling_departments(actor: Actor) -> QuerySet[Any]:

    return (
        Organisation.objects.visible_to(actor)
        .filter(kind__in=sorted(HANDLING_KINDS))
        .order_by("kind", "name")
    )


def ledger_streets(actor: Actor) -> QuerySet[Any]:
    """Streets whose daily close-out ledger the actor may read (view_appeals over the street)."""

    scope = get_scope(actor)
    streets = TerritoryNode.objects.visible_to(actor, "view_appeals").filter(level="street").order_by("path")
    if scope.is_global:
        return streets
    return streets.filter(pk__in=[s.pk for s in streets if scope.can("view_appeals", s.path)])


def access_ledger_street(actor: Actor, street_id: int | str) -> Any:
    try:
        return ledger_streets(actor).get(pk=street_id)
    except (ValueError, TypeError, ObjectDoesNotExist) as exc:
        raise Http404 from exc


def pending_exclusions(actor: Actor) -> QuerySet[RatingExclusion]:
    """Applications the actor may decide (approve_appeal_exceptions over the appeal)."""
    scope = get_scope(actor)
    qs = RatingExclusion.objects.filter(state=RatingExclusion.State.PENDING).select_related(
        "rating__appeal", "rating__department", "requested_by"
    )
    if scope.is_global:
        return qs.order_by("created_at")
    condition = Q(pk__in=[])
    for path in scope.paths_for("approve_appeal_exceptions"):
        condition |= Q(rating__appeal__path__startswith=path)
    return qs.filter(condition).order_by("created_at")


def access_exclusion(actor: Actor, exclusion_id: int | str) -> RatingExclusion:
    try:
        return pending_exclusions(actor).get(pk=exclusion_id)
    except (RatingExclusion.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def excludable_ratings(actor: Actor) -> QuerySet[Rating]:
    """Unsatisfied, counted ratings of the actor's departments with no application yet."""
    scope = get_scope(actor)
    return (
        Rating.objects.filter(
            department_id__in=sorted(scope.org_ids),
            excluded=False,
            satisfaction=Satisfaction.UNSATISFIED,
            exclusion__isnull=True,
        )
        .select_related("appeal", "department")
        .order_by("-at")[:50]
    )


def access_excludable_rating(actor: Actor, rating_id: int | str) -> Rating:
    scope = get_scope(actor)
    try:
        return Rating.objects.select_related("appeal").get(
            pk=rating_id, department_id__in=sorted(scope.org_ids)
        )
    except (Rating.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
