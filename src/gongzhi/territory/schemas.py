from typing import Any

from ninja import Field, Schema

from gongzhi.territory.models import Level


class NodeRef(Schema):
    id: int
    code: str
    name: str
    level: str


class NodeOut(Schema):
    id: int
    level: str
    level_label: str
    code: str
    name: str
    parent_id: int | None
    depth: int
    population: int | None
    registered_population: int | None
    household_count: int | None
    centroid_lon: float | None
    centroid_lat: float | None

    @staticmethod
    def resolve_level_label(obj: Any) -> str:
        return str(Level(obj.level).label)


class NodeDetailOut(NodeOut):
    ancestors: list[NodeRef]
    bbox: list[float] | None

    @staticmethod
    def resolve_ancestors(obj: Any) -> list[Any]:
        # set by the handler from visible_ancestors(); the model's own ancestors() is unscoped
        return obj.visible_ancestors

    @staticmethod
    def resolve_bbox(obj: Any) -> list[float] | None:
        if obj.min_lon is None:
            return None
        return [obj.min_lon, obj.min_lat, obj.max_lon, obj.max_lat]


class NodeFilter(Schema):
    parent: int | None = None
    level: Level | None = None
    q: str = Field("", max_length=100)


class LookupIn(Schema):
    lon: float = Field(..., ge=-180, le=180)
    lat: float = Field(..., ge=-90, le=90)


class LookupOut(Schema):
    grid: NodeRef | None
    community: NodeRef | None
    street: NodeRef | None
