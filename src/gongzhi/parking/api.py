"""/api/v1/parking/: the offers a resident may apply for, applying, and one's permits."""

from django.http import HttpRequest
from ninja import Router, Schema, Status

from gongzhi.core.schemas import WallTime
from gongzhi.parking import actions, queries
from gongzhi.parking.access import access_offer_to_apply

router = Router(tags=["parking"])


class OfferOut(Schema):
    id: int
    unit: str
    title: str
    address: str
    window: str
    weekdays: str
    starts_at: WallTime
    ends_at: WallTime
    spaces: int
    permits_active: int


class ApplicationIn(Schema):
    plate: str
    weekdays: str  # ISO digits, "12345" = Monday to Friday
    starts_at: WallTime
    ends_at: WallTime
    has_own_space: bool = False


class ApplicationOut(Schema):
    id: int
    number: str
    plate: str
    window: str
    status: str
    tier: int


class PermitOut(Schema):
    id: int
    unit: str
    title: str
    plate: str
    space_no: int
    status: str


@router.get("/offers", response=list[OfferOut], url_name="parking_offers")
def offers(request: HttpRequest) -> list[dict]:
    return [
        {
            "id": o.pk,
            "unit": o.organisation.name,
            "title": o.title,
            "address": o.address,
            "window": o.window_label,
            "weekdays": o.weekdays,
            "starts_at": o.starts_at,
            "ends_at": o.ends_at,
            "spaces": o.spaces,
            "permits_active": o.held,  # type: ignore[attr-defined]  # annotated in the query
        }
        for o in queries.offers_for_resident(request.user)
    ]


@router.post("/offers/{offer_id}/applications", response={201: ApplicationOut}, url_name="parking_apply")
def apply(request: HttpRequest, offer_id: int, payload: ApplicationIn) -> Status:
    offer = access_offer_to_apply(request.user, offer_id)
    a = actions.application_submit(actor=request.user, offer=offer, **payload.dict())
    return Status(
        201,
        {
            "id": a.pk,
            "number": a.number,
            "plate": a.plate,
            "window": a.window_label,
            "status": a.status,
            "tier": a.tier,
        },
    )


@router.get("/permits", response=list[PermitOut], url_name="parking_permits")
def permits(request: HttpRequest) -> list[dict]:
    return [
        {
            "id": p.pk,
            "unit": p.offer.organisation.name,
            "title": p.offer.title,
            "plate": p.plate,
            "space_no": p.space_no,
            "status": p.status,
        }
        for p in queries.my_permits(request.user)
    ]
