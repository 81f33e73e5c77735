"""Ledger exports (masked, scoped, audited) and the blank templates staff fill in.

Exports use the import headers where the data allows, so a building or organisation ledger can be
exported, edited and imported again. Resident and party exports carry masked ID numbers and
phones, the address down to the building, and special-group tags only as a count (decision 0004).
"""

import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any

from django.db.models import Count
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.core.models import AuditEntry
from gongzhi.core.scoping import get_scope
from gongzhi.core.spreadsheets import append_row, new_workbook, workbook_bytes
from gongzhi.ledgers.access import require_importer, require_kind
from gongzhi.ledgers.columns import COLUMNS
from gongzhi.ledgers.models import Kind
from gongzhi.ledgers.validation import chunked, scope_root
from gongzhi.orgs.models import Organisation
from gongzhi.people.models import PartyMember, Person, ResidenceType
from gongzhi.territory.models import Level, TerritoryNode

ADDRESS_LEVELS = {Level.COMMUNITY, Level.COMPOUND, Level.BUILDING}
RESIDENT_HEADERS = ["姓名", "身份证号", "手机号", "住址", "楼栋编码", "居住类型", "特殊群体"]
PARTY_HEADERS = ["姓名", "身份证号", "党员类别", "所在支部", "报到社区", "入党日期", "工作单位"]


def _codes(path: str) -> list[str]:
    return [c for c in path.split("/") if c]


class _Addresses:
    """Building-level addresses for many persons with one query per 900 distinct ancestors."""

    def __init__(self, places: set[tuple[str, str]]) -> None:
        # Ancestors of every place, plus the place itself where it is a building (or above).
        wanted = {
            c for path, level in places for c in _codes(path)[: None if level in ADDRESS_LEVELS else -1]
        }
        self.nodes: dict[str, tuple[str, str]] = {}
        for batch in chunked(sorted(wanted)):
            rows = TerritoryNode.objects.filter(code__in=batch, level__in=ADDRESS_LEVELS)
            self.nodes.update(
                {code: (level, name) for code, level, name in rows.values_list("code", "level", "name")}
            )

    def masked(self, household: TerritoryNode | None) -> tuple[str, str]:
        """("甲社区 · 甲社区花园 · 1栋 · ****", building code)."""
        if household is None:
            return "", ""
        chain = [(c, *self.nodes[c]) for c in _codes(household.path) if c in self.nodes]
        text = " · ".join(name for _c, _l, name in chain)
        building = next((c for c, level, _n in chain if level == Level.BUILDING), "")
        hidden = household.level in {Level.UNIT, Level.HOUSEHOLD}
        return text + (" · ****" if hidden else ""), building


def _residents(actor: Actor) -> tuple[list[str], Iterator[list[Any]]]:
    people = list(
        Person.objects.visible_to(actor)
        .select_related("household")
        .only(
            "name",
            "id_number_masked",
            "phone_masked",
            "residence_type",
            "household__path",
            "household__level",
        )
        .annotate(tag_count=Count("tags"))
        .order_by("household__path", "name", "id")
    )
    addresses = _Addresses({(p.household.path, p.household.level) for p in people if p.household is not None})
    labels = {value: str(label) for value, label in ResidenceType.choices}

    def rows() -> Iterator[list[Any]]:
        for p in people:
            address, building = addresses.masked(p.household)
            tags = _("已标记%(n)d项") % {"n": p.tag_count} if p.tag_count else ""
            yield [
                p.name,
                p.id_number_masked,
                p.phone_masked,
                address,
                building,
                labels.get(p.residence_type, ""),
                tags,
            ]

    return RESIDENT_HEADERS, rows()


def _party_members(actor: Actor) -> tuple[list[str], Iterator[list[Any]]]:
    members = (
        PartyMember.objects.visible_to(actor)
        .select_related("person", "branch", "home_community")
        .order_by("branch__name", "person__name", "id")
    )
    return PARTY_HEADERS, (
        [
            m.person.name,
            m.person.id_number_masked,
            str(m.get_kind_display()),
            m.branch.name,
            m.home_community.code if m.home_community else "",
            m.joined_on,
            m.workplace,
        ]
        for m in members.iterator(chunk_size=2000)
    )


def _buildings(actor: Actor) -> tuple[list[str], Iterator[list[Any]]]:
    nodes = TerritoryNode.objects.visible_to(actor).filter(level=Level.BUILDING).defer("geometry")
    return [c.header for c in COLUMNS[Kind.BUILDINGS]], (
        [n.code, n.name, _codes(n.path)[-2], n.centroid_lon, n.centroid_lat]
        for n in nodes.iterator(chunk_size=2000)
    )


def _organisations(actor: Actor) -> tuple[list[str], Iterator[list[Any]]]:
    scope = get_scope(actor)
    orgs = (
        Organisation.objects.visible_to(actor)
        .select_related("territory")
        .order_by("territory__path", "kind", "name")
    )
    return [c.header for c in COLUMNS[Kind.ORGANISATIONS]], (
        [o.name, str(o.get_kind_display()), o.territory.code, o.credit_code, o.contact_phone, o.address]
        for o in orgs.iterator(chunk_size=2000)
        # visible_to also shows the organisations of the areas above one's own (for navigation);
        # a ledger holds one's own area only.
        if scope.is_global or any(o.territory.path.startswith(p) for p in scope.paths_for("view_orgs"))
    )


EXPORTERS: dict[str, Callable[[Any], tuple[list[str], Iterator[list[Any]]]]] = {
    Kind.RESIDENTS: _residents,
    Kind.PARTY_MEMBERS: _party_members,
    Kind.BUILDINGS: _buildings,
    Kind.ORGANISATIONS: _organisations,
}


def export_ledger(*, actor: Actor, kind: str) -> tuple[str, IO[bytes]]:
    """(download filename, open file at position 0). Writes an export audit row."""
    require_importer(actor)
    require_kind(kind)
    headers, rows = EXPORTERS[kind](actor)
    book = new_workbook(write_only=True)  # rows go straight to a temporary file, not into memory
    sheet = book.create_sheet(str(Kind(kind).label))
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) * 3)
    append_row(sheet, headers, bold=True)
    count = 0
    for row in rows:
        append_row(sheet, row)  # a name or address typed as "=HYPERLINK(…)" stays text
        count += 1
    output = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    book.save(output)
    output.seek(0)
    audit.record(
        actor=actor,
        kind=AuditEntry.Kind.EXPORT,
        action="ledger.export",
        object_label=str(Kind(kind).label),
        scope_path=scope_root(get_scope(actor)),
        fields=headers,
        detail={"kind": kind, "rows": count},
    )
    return f"{Kind(kind).label}-{timezone.localdate():%Y%m%d}.xlsx", output


def blank_template(kind: str) -> tuple[str, bytes]:
    """A workbook whose first sheet is the header row; the second explains each column."""
    require_kind(kind)
    book = new_workbook()
    sheet = book.active
    sheet.title = str(Kind(kind).label)
    columns = COLUMNS[kind]
    append_row(sheet, [c.header for c in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index).font = Font(bold=True, color="C8102E" if column.required else None)
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 3)
        if column.key in {
            "id_number",
            "credit_code",
            "building_code",
            "code",
            "parent_code",
            "territory_code",
            "phone",
            "room",
        }:
            # Text format: Excel would otherwise turn an 18-digit ID number into 4.40306E+17.
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(_("填写说明"))
    append_row(notes, [_("列名"), _("必填"), _("说明")])
    for column in columns:
        append_row(notes, [column.header, _("是") if column.required else "", column.hint])
    append_row(notes, [])
    append_row(
        notes,
        [_("表头须在第一行(上方可有一行标题);导入时只读取第一个工作表;空白的非必填单元格不会覆盖已有数据。")],
    )
    notes.column_dimensions["C"].width = 80
    return f"{Kind(kind).label}-空白模板.xlsx", workbook_bytes(book)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_download(*, actor: Actor, kind: str) -> FileResponse:
    """The masked ledger as a download, for the page and the API alike (audited by export_ledger)."""
    filename, output = export_ledger(actor=actor, kind=kind)
    # FileResponse writes RFC 5987 `filename*=utf-8''…` for the Chinese name.
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX)


def template_download(*, actor: Actor, kind: str) -> HttpResponse:
    """The blank template of a ledger kind as a download, for importers."""
    require_importer(actor)
    filename, data = blank_template(require_kind(kind))
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
