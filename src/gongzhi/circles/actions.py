"""Writes of the resource library: one resource at a time, or a CSV import (all rows or none)."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.circles.models import Resource, ResourceKind
from gongzhi.core.actors import Actor
from gongzhi.core.audit import record_write
from gongzhi.core.errors import RuleBroken
from gongzhi.core.scoping import get_scope
from gongzhi.core.spreadsheets import Limits, SpreadsheetRefused, read_csv_text
from gongzhi.orgs.models import Organisation
from gongzhi.territory.models import TerritoryNode

FIELDS = (
    "name",
    "kind",
    "territory",
    "owner",
    "lon",
    "lat",
    "address",
    "opening_hours",
    "uses",
    "phone",
    "active",
)


class ResourceError(RuleBroken):
    """A refusal of the resource library: 422 unless given (404 out of scope, 409 a duplicate name);
    `status` reads `status_code`."""

    def __init__(self, message: object, status: int | None = None) -> None:
        super().__init__(message, status=status)

    @property
    def status(self) -> int:
        return self.status_code


def _check(actor: Actor, target: Resource) -> None:
    if not get_scope(actor).can("manage_places", target.territory.path):
        raise ResourceError(_("未找到该区域"), status=404)
    if target.kind not in ResourceKind.values:
        raise ResourceError(_("未知的资源类别“%(kind)s”") % {"kind": target.kind})
    if not (-180 <= target.lon <= 180 and -90 <= target.lat <= 90):
        raise ResourceError(_("经纬度超出范围"))
    owner = target.owner
    if owner is not None and not Organisation.objects.visible_to(actor).filter(pk=owner.pk).exists():
        raise ResourceError(_("未找到该产权/管理单位"), status=404)


@transaction.atomic
def resource_save(*, actor: Actor, resource: Resource | None = None, **values: Any) -> Resource:
    """Create or change a resource within the actor's manage_places territory."""
    if resource is not None:
        resource = Resource.objects.select_for_update().select_related("territory").get(pk=resource.pk)
        if not get_scope(actor).can("manage_places", resource.territory.path):
            raise ResourceError(_("未找到"), status=404)
    target = resource or Resource()
    for name in FIELDS:
        if name in values:
            setattr(target, name, values[name])
    _check(actor, target)
    if Resource.objects.filter(territory=target.territory, name=target.name).exclude(pk=target.pk).exists():
        raise ResourceError(_("该区域已有同名资源“%(name)s”") % {"name": target.name}, status=409)
    target.uses = "\n".join(
        u.strip() for u in target.uses.replace(",", "\n").replace("、", "\n").splitlines() if u.strip()
    )
    target.save()
    record_write(actor=actor, action="circles.resource_save", obj=target, scope_path=target.territory.path)
    return target


@dataclass
class ImportResult:
    created: int
    updated: int


KIND_BY_LABEL = {str(k.label): k.value for k in ResourceKind} | {k.value: k.value for k in ResourceKind}


# the CSV's columns in order, named as the Resource fields they fill
CSV_COLUMNS = ("name", "kind", "territory", "lon", "lat", "address", "opening_hours", "uses", "owner")


def _row_values(actor: Actor, row: dict[str, str]) -> dict[str, Any]:
    """One CSV row as resource_save's values: kind by its label, area by its code, owner by name."""
    kind = KIND_BY_LABEL.get(row["kind"])
    if not row["name"] or kind is None:
        raise ResourceError(_("名称或类别无效"))
    code = row["territory"]
    territory = TerritoryNode.objects.visible_to(actor, "manage_places").filter(code=code).first()
    if territory is None:
        raise ResourceError(_("区划编码“%(code)s”不存在或不在您的管辖范围") % {"code": code})
    try:
        lon, lat = float(row["lon"]), float(row["lat"])
    except ValueError as exc:
        raise ResourceError(_("经纬度必须是数字")) from exc
    owner = None
    if row["owner"]:
        owner = Organisation.objects.visible_to(actor).filter(name=row["owner"]).first()
        if owner is None:
            raise ResourceError(_("未找到单位“%(name)s”") % {"name": row["owner"]})
    return row | {"kind": kind, "territory": territory, "lon": lon, "lat": lat, "owner": owner}


@transaction.atomic
def resource_import_csv(*, actor: Actor, text: str) -> ImportResult:
    """Columns: 名称,类别,区划编码,经度,纬度,地址,开放时间,服务(、分隔),产权单位. A row is matched by
    (区划编码, 名称): existing resources are updated. Any bad row rolls the whole file back and
    the message names the line."""
    created = updated = 0
    try:
        table = read_csv_text(text, limits=Limits(max_rows=20_000, max_columns=64))
    except SpreadsheetRefused as exc:
        raise ResourceError(exc.message) from exc
    for line_no, row in table:
        if line_no == 1 and row[0].strip() in ("名称", "name"):
            continue
        cells = [c.strip() for c in row] + [""] * len(CSV_COLUMNS)
        try:
            values = _row_values(actor, dict(zip(CSV_COLUMNS, cells, strict=False)))
            existing = Resource.objects.filter(territory=values["territory"], name=values["name"]).first()
            resource_save(actor=actor, resource=existing, **values)
        except ResourceError as exc:
            raise ResourceError(
                _("第%(line)d行:%(error)s") % {"line": line_no, "error": exc}, status=exc.status_code
            ) from exc
        if existing is None:
            created += 1
        else:
            updated += 1
    return ImportResult(created, updated)
