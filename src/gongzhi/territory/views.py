"""Territory pages: the tree (node pages) and the map. Thin: reads live in queries.py."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from gongzhi.core.scoping import get_scope
from gongzhi.orgs.models import Organisation, PartyOrg
from gongzhi.people.queries import decorate_people, person_search
from gongzhi.territory.access import access_node
from gongzhi.territory.queries import (
    RESIDENT_LIST_LEVELS,
    children_with_counts,
    map_payload,
    top_visible_node,
    visible_ancestors,
)

RESIDENTS_PER_PAGE = 50


@login_required
def root(request: HttpRequest) -> HttpResponse:
    node = top_visible_node(request.user)
    if node is None:
        raise Http404
    return redirect("territory:node", node.pk)


@login_required
def node_detail(request: HttpRequest, node_id: int) -> HttpResponse:
    actor = request.user
    node = access_node(actor, node_id)
    residents = None
    if node.level in RESIDENT_LIST_LEVELS and get_scope(actor).can("view_people", node.path):
        residents = Paginator(person_search(actor, node=node), RESIDENTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        residents.object_list = decorate_people(list(residents.object_list))
    context = {
        "node": node,
        "ancestors": visible_ancestors(actor, node),
        "children": children_with_counts(actor, node),
        "party_orgs": PartyOrg.objects.visible_to(actor).filter(territory=node).order_by("name"),
        "organisations": Organisation.objects.visible_to(actor)
        .filter(territory=node)
        .order_by("kind", "name"),
        "residents": residents,
    }
    return render(request, "territory/node.html", context)


@login_required
def map_view(request: HttpRequest) -> HttpResponse:
    """The map of one node's children; ?node=<id> picks the node (default: the top visible one).
    The child list is rendered here too, so drilling down works without JavaScript."""
    requested = request.GET.get("node")
    node = access_node(request.user, requested) if requested else top_visible_node(request.user)
    if node is None:
        raise Http404
    context = {
        "node": node,
        "payload": map_payload(request.user, node),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    return render(request, "territory/map.html", context)
