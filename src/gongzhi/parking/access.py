"""Who reaches which parking rows; every miss is a 404 (the same answer as "does not exist")."""

from django.http import Http404

from gongzhi.core.actors import Actor
from gongzhi.core.scoping import get_scope
from gongzhi.orgs.models import Organisation
from gongzhi.parking.models import ParkingApplication, ParkingDraw, ParkingOffer, ParkingPermit


def _offer_area(offer: ParkingOffer) -> str:
    from gongzhi.parking.actions import offer_area_path

    return offer_area_path(offer)


def access_offer_to_manage(actor: Actor, offer_id: int) -> ParkingOffer:
    return ParkingOffer.objects.select_related("organisation__territory").get_visible_or_404(
        actor, pk=offer_id
    )


def access_offer_to_apply(actor: Actor, offer_id: int) -> ParkingOffer:
    """An active offer of a unit in the resident's own community."""
    person = getattr(actor, "person", None)
    household = getattr(person, "household", None)
    try:
        offer = ParkingOffer.objects.select_related("organisation__territory").get(pk=offer_id, active=True)
    except ParkingOffer.DoesNotExist as exc:
        raise Http404 from exc
    if household is None or not household.path.startswith(_offer_area(offer)):
        raise Http404
    return offer


def access_own_application(actor: Actor, application_id: int) -> ParkingApplication:
    person_id = getattr(actor, "person_id", None)
    try:
        return ParkingApplication.objects.get(pk=application_id, applicant_id=person_id or -1)
    except ParkingApplication.DoesNotExist as exc:
        raise Http404 from exc


def access_permit(actor: Actor, permit_id: int) -> ParkingPermit:
    """The holder's own permit, or any permit of an offer in the staff member's scope."""
    return ParkingPermit.objects.select_related("offer__organisation").get_visible_or_404(actor, pk=permit_id)


def access_offer_public(offer_id: int) -> ParkingOffer:
    """An offer's public page: its window, the seed commitment of the next draw, its past draws."""
    try:
        return ParkingOffer.objects.select_related("organisation").get(pk=offer_id)
    except ParkingOffer.DoesNotExist as exc:
        raise Http404 from exc


def access_draw_public(draw_id: int) -> ParkingDraw:
    """Draw results are published to everyone (numbers, hashes and outcomes; no names, no plates,
    no tiers: a tier beside a number would tell which household needs care)."""
    try:
        return ParkingDraw.objects.select_related("offer__organisation").get(pk=draw_id)
    except ParkingDraw.DoesNotExist as exc:
        raise Http404 from exc


def access_unit(actor: Actor, org_id: int) -> tuple[Organisation, bool]:
    """(the unit, whether the actor is parking staff). Members of the unit see its page with plates
    masked; staff holding manage_parking over the unit's territory see full plates."""
    scope = get_scope(actor)
    try:
        org = (
            Organisation.objects.visible_to(actor, "manage_parking")
            .select_related("territory")
            .get(pk=org_id)
        )
        return org, True
    except (Organisation.DoesNotExist, ValueError):
        pass
    if org_id in scope.org_ids:
        # the actor holds a role on this very organisation (scope.org_ids)
        member_of = Organisation.objects.select_related("territory").filter(pk=org_id).first()
        if member_of is not None:
            return member_of, False
    raise Http404
