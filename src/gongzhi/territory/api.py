"""/api/v1/territory/: the tree, scoped to what the caller may see."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from gongzhi.core.pagination import PageNumberPagination
from gongzhi.territory.access import access_node
from gongzhi.territory.queries import map_payload, node_search, point_lookup, visible_ancestors
from gongzhi.territory.schemas import LookupIn, LookupOut, NodeDetailOut, NodeFilter, NodeOut

router = Router(tags=["区划网格 territory"])


@router.get("/nodes", response=list[NodeOut], url_name="territory_nodes")
@paginate(PageNumberPagination, page_size=50)
def node_list(request: HttpRequest, filters: Query[NodeFilter]):  # type: ignore[no-untyped-def]
    """Nodes the caller may see (their subtree and the ancestors above it)."""
    return node_search(request.user, parent=filters.parent, level=filters.level or "", q=filters.q)


@router.get("/nodes/{node_id}", response=NodeDetailOut, url_name="territory_node")
def node_detail(request: HttpRequest, node_id: int) -> Any:
    node = access_node(request.user, node_id)
    node.visible_ancestors = visible_ancestors(request.user, node)  # type: ignore[attr-defined]
    return node


@router.get(
    "/nodes/{node_id}/children.geojson", response=dict[str, Any], url_name="territory_children_geojson"
)
def node_children_geojson(request: HttpRequest, node_id: int) -> Any:
    """GeoJSON FeatureCollection of the node's visible children (the map draws these)."""
    return map_payload(request.user, access_node(request.user, node_id))


@router.get("/lookup", response=LookupOut, url_name="territory_lookup")
def lookup(request: HttpRequest, point: Query[LookupIn]) -> Any:
    """Which grid, community and street contain a point (lon/lat), among those the caller may see."""
    return point_lookup(request.user, point.lon, point.lat)
