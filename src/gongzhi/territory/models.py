"""The territory tree: district → street → community → grid → compound → building → unit → household.

One table, materialised path of division codes ("440311/440311001/440311001001/…/"), so a whole
subtree is one indexed prefix filter on both SQLite and PostgreSQL. Geometry is stored as GeoJSON
text plus a bounding box: portable, and the point lookup (geo_index.py) never needs PostGIS.
"""

from typing import Any, Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.actors import Actor
from gongzhi.core.models import TimeStamped
from gongzhi.core.scoping import ScopedQuerySet, get_scope


class Level(models.TextChoices):
    DISTRICT = "district", _("区")
    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区")
    GRID = "grid", _("网格")
    COMPOUND = "compound", _("小区")
    BUILDING = "building", _("楼栋")
    UNIT = "unit", _("单元")
    HOUSEHOLD = "household", _("户")


LEVEL_ORDER = [lv.value for lv in Level]
AREA_LEVELS = {Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID, Level.COMPOUND}
# Which parent levels a node may hang under. Buildings in urban villages stand in a grid
# without a compound; a bungalow household has no unit.
ALLOWED_PARENTS: dict[str, set[str]] = {
    Level.DISTRICT: set(),
    Level.STREET: {Level.DISTRICT},
    Level.COMMUNITY: {Level.STREET},
    Level.GRID: {Level.COMMUNITY},
    Level.COMPOUND: {Level.GRID, Level.COMMUNITY},
    Level.BUILDING: {Level.COMPOUND, Level.GRID},
    Level.UNIT: {Level.BUILDING},
    Level.HOUSEHOLD: {Level.UNIT, Level.BUILDING},
}
# Official statistical division codes (GB/T 2260 + statistics office street/community codes).
OFFICIAL_CODE_LENGTH = {Level.DISTRICT: 6, Level.STREET: 9, Level.COMMUNITY: 12}
# Below the community the platform issues local codes: the parent's code plus a fixed-width suffix.
LOCAL_SUFFIX_LENGTH = {
    Level.GRID: 3,
    Level.COMPOUND: 2,
    Level.BUILDING: 3,
    Level.UNIT: 2,
    Level.HOUSEHOLD: 4,
}


def code_error(level: str, code: str, parent_code: str | None) -> str | None:
    """Why a division code is invalid for this level and parent, or None. Messages in Chinese."""
    if not code.isdigit():
        return f"编码“{code}”必须全部是数字"
    if level in OFFICIAL_CODE_LENGTH:
        want = OFFICIAL_CODE_LENGTH[Level(level)]
        if len(code) != want:
            return f"{Level(level).label}编码必须是{want}位数字,实际是{len(code)}位"
    elif parent_code is not None:
        want = len(parent_code) + LOCAL_SUFFIX_LENGTH[Level(level)]
        if len(code) != want:
            return f"{Level(level).label}编码必须是上级编码加{LOCAL_SUFFIX_LENGTH[Level(level)]}位,共{want}位"
    if parent_code and not code.startswith(parent_code):
        return f"编码“{code}”必须以上级编码“{parent_code}”开头"
    return None


ROOM_LEVELS = ("unit", "household")

# Only a district may be a root (ALLOWED_PARENTS), so a street is always the second code of a path
# and a community the third: "the street/community of a node" is a prefix of its path (decision 0044).
STREET_DEPTH = 1
COMMUNITY_DEPTH = 2


def _prefix(path: str, depth: int) -> str:
    codes = [c for c in path.split("/") if c]
    return "/".join(codes[: depth + 1]) + "/" if len(codes) > depth else ""


def community_path(path: str) -> str:
    """The path of the community a node with this path lies in (its own path for a community), or ''
    above the community level. Pure string work, no query: for loops over many rows."""
    return _prefix(path, COMMUNITY_DEPTH)


def street_path(path: str) -> str:
    """The path of the street a node with this path lies in (its own path for a street), or '' for a
    district. Pure string work, no query."""
    return _prefix(path, STREET_DEPTH)


class TerritoryQuerySet(ScopedQuerySet):
    scope_path_field = "path"
    include_ancestors = True

    def visible_to(self, actor: Actor | None, capability: str | None = None) -> Self:
        """Navigation (view_territory) stops at the building unless the actor may see addresses:
        a household node's name is its room number (decision 0007). Imports ask for their own
        capability and are not affected."""
        rows = super().visible_to(actor, capability)
        if (capability or self.scope_capability) != "view_territory":
            return rows
        scope = get_scope(actor)
        if scope.is_global:
            return rows
        allowed = ~Q(level__in=ROOM_LEVELS)
        for path in scope.paths_for("view_addresses"):
            allowed |= Q(path__startswith=path)
        return rows.filter(allowed)

    def areas(self) -> Self:
        return self.filter(level__in=[lv.value for lv in AREA_LEVELS])

    def subtree(self, node: "TerritoryNode") -> Self:
        return self.filter(path__startswith=node.path)


class TerritoryNode(TimeStamped):
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices, db_index=True)
    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级"),
    )
    path = models.CharField(max_length=500, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    # GeoJSON geometry (WGS-84 lon/lat as delivered; demo boundaries are GCJ-02 as published).
    geometry = models.JSONField(_("边界/位置"), null=True, blank=True)
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    centroid_lon = models.FloatField(null=True, blank=True)
    centroid_lat = models.FloatField(null=True, blank=True)
    population = models.PositiveIntegerField(_("常住人口"), null=True, blank=True)
    registered_population = models.PositiveIntegerField(_("户籍人口"), null=True, blank=True)
    household_count = models.PositiveIntegerField(_("户数"), null=True, blank=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("区划网格节点")
        verbose_name_plural = _("区划网格节点")
        indexes = [
            # LIKE 'prefix%' on PostgreSQL needs pattern ops unless the collation is C.
            models.Index(fields=["path"], name="territory_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "name"], name="territory_parent_name"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__in=LEVEL_ORDER), name="territory_level_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_codes(self) -> list[str]:
        return [c for c in self.path.split("/") if c][:-1]

    @property
    def is_area(self) -> bool:
        return self.level in AREA_LEVELS

    @property
    def child_level(self) -> str | None:
        for level, parents in ALLOWED_PARENTS.items():
            if self.level in parents:
                return level
        return None

    def ancestors(self) -> list["TerritoryNode"]:
        by_code = {n.code: n for n in TerritoryNode.objects.filter(code__in=self.ancestor_codes)}
        return [by_code[c] for c in self.ancestor_codes if c in by_code]

    def community(self) -> "TerritoryNode | None":
        """The community this node lies in (itself for a community); None for a district or a street."""
        return self._ancestor_at(COMMUNITY_DEPTH)

    def street(self) -> "TerritoryNode | None":
        """The street this node lies in (itself for a street); None for a district."""
        return self._ancestor_at(STREET_DEPTH)

    def _ancestor_at(self, depth: int) -> "TerritoryNode | None":
        """No query when the node is at that depth or its parents are already loaded
        (select_related("parent__parent…")); otherwise one query on the unique path."""
        path = _prefix(self.path, depth)
        if not path:
            return None
        node: TerritoryNode | None = self
        while node is not None:
            if node.path == path:
                return node
            if not TerritoryNode.parent.is_cached(node):
                break
            node = node.parent
        return TerritoryNode.objects.filter(path=path).first()

    def full_name(self) -> str:
        return "".join(a.name for a in self.ancestors()[1:]) + self.name

    def geojson_feature(self) -> dict[str, Any]:
        return {
            "type": "Feature",
            "id": self.pk,
            "geometry": self.geometry,
            "properties": {"id": self.pk, "code": self.code, "name": self.name, "level": self.level},
        }
