"""/api/v1/orgs/: party organisations and other organisations, scoped."""

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from gongzhi.core.pagination import PageNumberPagination
from gongzhi.orgs.access import access_party_org
from gongzhi.orgs.models import PartyOrg
from gongzhi.orgs.queries import org_posts, organisation_search, party_org_relatives
from gongzhi.orgs.schemas import (
    OrganisationFilter,
    OrganisationOut,
    PartyOrgDetailOut,
    PartyOrgFilter,
    PartyOrgOut,
)
from gongzhi.territory.access import access_node

router = Router(tags=["组织 orgs"])


@router.get("/party-orgs", response=list[PartyOrgOut], url_name="orgs_party_orgs")
@paginate(PageNumberPagination, page_size=50)
def party_org_list(request: HttpRequest, filters: Query[PartyOrgFilter]):  # type: ignore[no-untyped-def]
    rows = (
        PartyOrg.objects.visible_to(request.user)
        .select_related("territory")
        .annotate(member_count=Count("members"))
        .order_by("territory__path", "name")
    )
    if filters.level:
        rows = rows.filter(level=filters.level)
    if filters.territory is not None:
        rows = rows.filter(territory__path__startswith=access_node(request.user, filters.territory).path)
    return rows


@router.get("/party-orgs/{party_org_id}", response=PartyOrgDetailOut, url_name="orgs_party_org")
def party_org_detail(request: HttpRequest, party_org_id: int) -> Any:
    org = access_party_org(request.user, party_org_id)
    _parent, children = party_org_relatives(request.user, org)
    org.member_count = org.members.count()  # type: ignore[attr-defined]
    org.post_list = org_posts(party_org=org)  # type: ignore[attr-defined]
    org.child_ids = [c.pk for c in children]  # type: ignore[attr-defined]
    return org


@router.get("/organisations", response=list[OrganisationOut], url_name="orgs_organisations")
@paginate(PageNumberPagination, page_size=50)
def organisation_list(request: HttpRequest, filters: Query[OrganisationFilter]):  # type: ignore[no-untyped-def]
    return organisation_search(request.user, kind=filters.kind or "")
