"""/api/v1/people/: masked persons, and the audited reveal."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from gongzhi.core.client import client_ip
from gongzhi.core.pagination import PageNumberPagination
from gongzhi.people.access import access_person, can_reveal
from gongzhi.people.actions import person_exact_search, person_reveal
from gongzhi.people.queries import NumberInSearch, decorate_people, person_card, person_search
from gongzhi.people.schemas import (
    ErrorOut,
    ExactSearchIn,
    PersonDetailOut,
    PersonFilter,
    PersonOut,
    RevealIn,
    RevealOut,
)
from gongzhi.territory.access import access_node

router = Router(tags=["人员 people"])


class PersonPagination(PageNumberPagination):
    """Page numbers, plus the masked address and age computed for the whole page at once."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        result = super().paginate_queryset(queryset, pagination, request, **params)
        result["items"] = decorate_people(list(result["items"]))
        return result


@router.get("/persons", response=list[PersonOut], url_name="people_persons")
@paginate(PersonPagination, page_size=50)
def person_list(request: HttpRequest, filters: Query[PersonFilter]):  # type: ignore[no-untyped-def]
    """Masked people in the caller's area, by a fragment of name, community, compound or building.
    A q holding an ID number or phone is refused with 400: use exact search."""
    node = access_node(request.user, filters.node) if filters.node is not None else None
    try:
        return person_search(request.user, q=filters.q, node=node)
    except NumberInSearch as exc:
        raise HttpError(400, str(exc)) from None


@router.post(
    "/persons/exact-search",
    response={200: list[PersonOut], 400: ErrorOut, 403: ErrorOut, 429: ErrorOut},
    url_name="people_exact_search",
)
def exact_search(request: HttpRequest, body: ExactSearchIn) -> Any:
    """精确查找: people whose full ID number or phone is `value`, among those the caller may reveal.
    Needs the reveal capability and a reason; audited like a reveal; limited per caller and hour (429)."""
    people = person_exact_search(
        actor=request.user,
        value=body.value,
        reason_code=body.reason_code,
        reason=body.reason,
        ip=client_ip(request),
    )  # its refusals (403, 429, 400) answer through the core mapping
    return decorate_people(people)


@router.get("/persons/{person_id}", response=PersonDetailOut, url_name="people_person")
def person_detail(request: HttpRequest, person_id: int) -> Any:
    person = access_person(request.user, person_id)
    person.card = person_card(person)  # type: ignore[attr-defined]
    person.can_reveal = can_reveal(request.user, person)  # type: ignore[attr-defined]
    return person


@router.post(
    "/persons/{person_id}/reveal",
    response={200: RevealOut, 400: ErrorOut, 403: ErrorOut},
    url_name="people_reveal",
)
def reveal(request: HttpRequest, person_id: int, body: RevealIn) -> Any:
    """Plaintext ID number / phone / address / tags. Needs the reveal capability over the person's
    territory and a reason; every call writes an audit row (decision 0004)."""
    person = access_person(request.user, person_id)
    return person_reveal(
        actor=request.user,
        person=person,
        fields=list(body.fields),
        reason_code=body.reason_code,
        reason=body.reason,
        ip=client_ip(request),
    )  # its refusals (403, 400) answer through the core mapping
