"""Reads of shared parking: what a resident may apply for, their applications and permits, a unit's
offers and who is parked there."""

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from gongzhi.core.actors import Actor
from gongzhi.core.scoping import get_scope
from gongzhi.orgs.models import Organisation
from gongzhi.parking.models import ParkingApplication, ParkingOffer, ParkingPermit
from gongzhi.parking.workflow import ApplicationStatus, PermitStatus
from gongzhi.territory.models import community_path, street_path


def offers_for_resident(actor: Actor) -> list[ParkingOffer]:
    """Active offers of units in the resident's community, with free-space counts."""
    person = getattr(actor, "person", None)
    household = getattr(person, "household", None)
    if household is None:
        return []
    path = household.path
    community, street = community_path(path) or path, street_path(path) or path
    rows = (
        ParkingOffer.objects.open()
        .filter(valid_until__gte=timezone.localdate())
        .filter(
            Q(organisation__territory__path__startswith=community) | Q(organisation__territory__path=street)
        )
        .select_related("organisation")
        .annotate(held=Count("permits", filter=Q(permits__status=PermitStatus.ACTIVE)))
    )
    return list(rows)


def my_applications(actor: Actor) -> list[ParkingApplication]:
    return list(
        ParkingApplication.objects.filter(applicant_id=getattr(actor, "person_id", None) or -1)
        .select_related("offer__organisation", "draw")
        .order_by("-created_at")
    )


def my_permits(actor: Actor) -> list[ParkingPermit]:
    return list(
        ParkingPermit.objects.filter(holder_id=getattr(actor, "person_id", None) or -1)
        .select_related("offer__organisation")
        .order_by("status", "-created_at")
    )


def managed_offers(actor: Actor) -> list[ParkingOffer]:
    return list(
        ParkingOffer.objects.visible_to(actor)
        .select_related("organisation")
        .annotate(
            held=Count("permits", filter=Q(permits__status=PermitStatus.ACTIVE), distinct=True),
            pending=Count(
                "applications", filter=Q(applications__status=ApplicationStatus.PENDING), distinct=True
            ),
        )
    )


def unit_offers(org_id: int) -> list[ParkingOffer]:
    return list(ParkingOffer.objects.filter(organisation_id=org_id).prefetch_related("permits"))


def parked_now(org_id: int) -> list[ParkingPermit]:
    return list(
        ParkingPermit.objects.filter(offer__organisation_id=org_id, status=PermitStatus.ACTIVE)
        .select_related("offer")
        .order_by("offer__title", "space_no")
    )


def permit_by_code(code: str) -> ParkingPermit | None:
    """Public: the permit a guard scans (the code in its QR is the secret; the check page shows the
    masked plate and the window only); None for an unknown code."""
    return (
        ParkingPermit.objects.select_related("offer__organisation", "application").filter(code=code).first()
    )


def my_units(actor: Actor) -> list[Any]:
    """Organisations the actor holds a role on that offer parking (their unit page)."""
    ids = get_scope(actor).org_ids
    if not ids:
        return []
    return list(
        Organisation.objects.filter(pk__in=ids, parking_offers__isnull=False).distinct().order_by("name")
    )


def manageable_units(actor: Actor) -> Any:
    """Organisations whose parking the actor manages (the units an offer may be made for)."""
    return Organisation.objects.visible_to(actor, "manage_parking").order_by("name")
