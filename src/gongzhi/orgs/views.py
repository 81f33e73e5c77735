"""Org chart and organisation pages. Thin: reads live in queries.py."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongzhi.orgs.access import access_organisation, access_party_org
from gongzhi.orgs.models import OrgKind
from gongzhi.orgs.queries import (
    org_posts,
    organisation_kinds,
    organisation_search,
    party_org_relatives,
    party_tree,
)
from gongzhi.people.models import PartyMember
from gongzhi.territory.models import TerritoryNode

PER_PAGE = 50


@login_required
def chart(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in OrgKind.values:
        kind = ""
    organisations = Paginator(organisation_search(request.user, kind=kind), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "tree": party_tree(request.user),
        "kinds": organisation_kinds(request.user),
        "kind": kind,
        "organisations": organisations,
    }
    return render(request, "orgs/chart.html", context)


@login_required
def party_org_detail(request: HttpRequest, party_org_id: int) -> HttpResponse:
    org = access_party_org(request.user, party_org_id)
    parent, children = party_org_relatives(request.user, org)
    members = (
        PartyMember.objects.visible_to(request.user)
        .filter(branch=org)
        .select_related("person")
        .order_by("person__name", "pk")
    )
    context = {
        "org": org,
        "parent": parent,
        "children": children,
        "posts": org_posts(party_org=org),
        "members": Paginator(members, PER_PAGE).get_page(request.GET.get("page")),
    }
    return render(request, "orgs/party_org.html", context)


@login_required
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = access_organisation(request.user, organisation_id)
    context = {
        "organisation": organisation,
        "posts": org_posts(organisation=organisation),
        "serves": TerritoryNode.objects.visible_to(request.user)
        .filter(serving_orgs=organisation)
        .order_by("path"),
    }
    return render(request, "orgs/organisation.html", context)
