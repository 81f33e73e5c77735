"""The per-building contact poster (楼栋红小二联系牌), decision 0015.

Primary output: an SVG (and the print page that embeds it), rendered with the viewer's fonts, so
Chinese prints correctly on any machine. The PDF (fpdf2) embeds a CJK TrueType/OpenType font: the
GONGZHI_CJK_FONT setting or environment variable when set, else Noto Sans SC Regular, which
scripts/build-assets installs from the npm registry into fonts_build/ (decision 0033), else the first
font `fc-list :lang=zh` names. Without any the PDF link explains how to configure one.

Members appear with name, photo and phone only if they opted in (public_on_poster); the others
are counted, and everyone can be reached through the QR code: the building's "contact a helper"
page, which places a service order relayed by the platform (no private number on the wall)."""

import base64
import contextlib
import io
import logging
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import segno
from django.conf import settings

from gongzhi.core.cache import pure
from gongzhi.orgs.models import PartyLevel, PartyOrg
from gongzhi.service.models import Helper, HelperTeam
from gongzhi.territory.models import Level, TerritoryNode

MAX_LISTED = 6  # what fits on A4 above the QR code


@dataclass
class PosterMember:
    name: str
    team: str
    phone: str
    photo: bytes | None
    skills: list[str] = field(default_factory=list)


@dataclass
class Poster:
    building: TerritoryNode
    title: str
    grid: str
    branch: str
    team: str
    leader: str
    public: list[PosterMember]
    private_count: int
    contact_url: str


def _nearest_branch(building: TerritoryNode) -> str:
    codes = [*building.ancestor_codes, building.code]
    orgs = list(PartyOrg.objects.filter(territory__code__in=codes).select_related("territory"))
    orgs.sort(key=lambda o: (-len(o.territory.path), o.level != PartyLevel.BRANCH))
    return orgs[0].name if orgs else ""


def _read_photo(helper: Helper) -> bytes | None:
    if not helper.photo:
        return None
    try:
        with helper.photo.open("rb") as handle:
            return handle.read()
    except (OSError, ValueError):
        return None


def build(building: TerritoryNode, contact_url: str) -> Poster:
    ancestors = building.ancestors()
    grid = next((a for a in ancestors if a.level == Level.GRID), None)
    community = next((a for a in ancestors if a.level == Level.COMMUNITY), None)
    helpers = list(
        Helper.objects.filter(path=community.path if community else "-", active=True)
        .select_related("person", "team")
        .order_by("team__parent_id", "id")
    )
    covering = [h for h in helpers if any(building.path.startswith(p) for p in h.area_paths)]
    chosen = covering or helpers
    public = [
        PosterMember(h.person.name, h.team.name, h.poster_phone, _read_photo(h), h.skills)
        for h in chosen
        if h.public_on_poster
    ][:MAX_LISTED]
    team = (
        HelperTeam.objects.filter(community=community, parent=None).select_related("leader").first()
        if community
        else None
    )
    return Poster(
        building=building,
        title=f"{''.join(a.name for a in ancestors if a.level in {Level.COMMUNITY, Level.COMPOUND})}{building.name}",
        grid=grid.name if grid else "",
        branch=_nearest_branch(building),
        team=team.name if team else "",
        leader=team.leader.name if team and team.leader else "",
        public=public,
        private_count=len(chosen) - len(public),  # not opted in, or beyond what fits
        contact_url=contact_url,
    )


def qr_svg(url: str, scale: int = 4) -> str:
    return segno.make(url, error="m").svg_inline(scale=scale, dark="#000", light="#fff")


def svg(poster: Poster, labels: dict[str, str]) -> str:
    """A4-proportioned SVG (210 × 297 units). `labels` carries the translated fixed texts."""
    lines = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 210 297" width="210mm" height="297mm" '
        'font-family="Noto Sans SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif">',
        '<rect width="210" height="297" fill="#fff"/>',
        '<rect width="210" height="34" fill="#c8161d"/>',
        f'<text x="105" y="15" font-size="9" fill="#fff" text-anchor="middle">{escape(labels["heading"])}</text>',
        f'<text x="105" y="27" font-size="7" fill="#fff" text-anchor="middle">{escape(poster.title)}</text>',
        f'<text x="14" y="48" font-size="6">{escape(labels["grid"])}:{escape(poster.grid or "—")}</text>',
        f'<text x="14" y="57" font-size="6">{escape(labels["branch"])}:{escape(poster.branch or "—")}</text>',
        f'<text x="14" y="66" font-size="6">{escape(labels["team"])}:{escape(poster.team or "—")}'
        f"{('(' + escape(labels['leader']) + ':' + escape(poster.leader) + ')') if poster.leader else ''}</text>",
    ]
    y = 82
    for member in poster.public:
        if member.photo:
            uri = "data:image;base64," + base64.b64encode(member.photo).decode()
            lines.append(
                f'<image x="14" y="{y - 7}" width="14" height="14" href="{uri}" preserveAspectRatio="xMidYMid slice"/>'
            )
        lines.append(
            f'<text x="32" y="{y}" font-size="7">{escape(member.name)} · {escape(member.team)}</text>'
        )
        lines.append(
            f'<text x="32" y="{y + 8}" font-size="6.5" fill="#c8161d">{escape(member.phone or labels["no_phone"])}</text>'
        )
        y += 20
    if poster.private_count:
        lines.append(
            f'<text x="14" y="{y}" font-size="4.5" fill="#555">'
            f"{escape(labels['private'].format(n=poster.private_count))}</text>"
        )
    qr = segno.make(poster.contact_url, error="m")
    size = qr.symbol_size(scale=1)[0]
    scale = 70 / size
    lines.append(
        f'<g transform="translate(70 {max(y + 10, 200)}) scale({scale:.4f})">'
        f"{qr.svg_inline(scale=1).split('>', 1)[1].rsplit('</svg>', 1)[0]}</g>"
    )
    lines.append(
        f'<text x="105" y="{max(y + 10, 200) + 78}" font-size="5" text-anchor="middle">'
        f"{escape(labels['scan'])}</text>"
    )
    lines.append("</svg>")
    return "\n".join(lines)


def _fc_list_font() -> str | None:
    binary = shutil.which("fc-list")
    if binary is None:
        return None
    try:
        out = subprocess.run(  # noqa: S603 - fc-list found on PATH, fixed arguments
            [binary, ":lang=zh", "file"], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    for line in out.stdout.splitlines():
        path = line.split(":", 1)[0].strip()
        if path.lower().endswith((".ttf", ".otf", ".ttc")) and Path(path).exists():
            return path
    return None


# Installed by scripts/build-assets (`make assets`) from @expo-google-fonts/noto-sans-sc; never committed.
BUNDLED_FONT = Path(__file__).resolve().parent.parent / "fonts_build" / "NotoSansSC-Regular.ttf"


def cjk_font() -> str | None:
    """The font the PDF embeds: the configured one (setting, else environment), else the bundled
    Noto Sans SC, else one fontconfig lists; None when there is none."""
    return font_for(getattr(settings, "GONGZHI_CJK_FONT", "") or os.environ.get("GONGZHI_CJK_FONT", ""))


@pure(maxsize=8)
def font_for(configured: str) -> str | None:
    """cjk_font for a configured path ("" for none); core.cache.pure, keyed by the configured value."""
    if configured:  # the deployer's choice wins, and a wrong path is reported, not silently replaced
        return configured if Path(configured).is_file() else None
    if BUNDLED_FONT.is_file():
        return str(BUNDLED_FONT)
    return _fc_list_font()


def pdf(poster: Poster, labels: dict[str, str], font_path: str) -> bytes:
    from fpdf import FPDF

    # fontTools logs each step of subsetting the font at INFO: some 60 lines per PDF in our logs
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    doc = FPDF(format="A4")
    doc.set_auto_page_break(False)  # one sheet: the caption under the QR code must not start a page 2
    doc.set_left_margin(14)
    doc.add_page()
    doc.add_font("cjk", fname=font_path)
    doc.set_fill_color(200, 22, 29)
    doc.rect(0, 0, 210, 34, style="F")
    doc.set_text_color(255, 255, 255)
    doc.set_font("cjk", size=24)
    doc.set_xy(0, 6)
    doc.cell(210, 12, labels["heading"], align="C")
    doc.set_font("cjk", size=16)
    doc.set_xy(0, 20)
    doc.cell(210, 10, poster.title, align="C")
    doc.set_text_color(0, 0, 0)
    doc.set_font("cjk", size=13)
    doc.set_xy(14, 40)
    for text in (
        f"{labels['grid']}:{poster.grid or '—'}",
        f"{labels['branch']}:{poster.branch or '—'}",
        f"{labels['team']}:{poster.team or '—'}"
        + (f"({labels['leader']}:{poster.leader})" if poster.leader else ""),
    ):
        doc.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    for member in poster.public:
        y = doc.get_y()
        if member.photo:
            # an unreadable photo leaves a blank, never breaks the poster
            with contextlib.suppress(Exception):
                doc.image(io.BytesIO(member.photo), x=14, y=y, w=12, h=12)
        doc.set_xy(30, y)
        doc.cell(0, 6, f"{member.name} · {member.team}", new_x="LMARGIN", new_y="NEXT")
        doc.set_x(30)
        doc.cell(0, 6, member.phone or labels["no_phone"], new_x="LMARGIN", new_y="NEXT")
        doc.ln(4)
    if poster.private_count:
        doc.set_x(14)
        doc.cell(0, 8, labels["private"].format(n=poster.private_count), new_x="LMARGIN", new_y="NEXT")
    png = io.BytesIO()
    segno.make(poster.contact_url, error="m").save(png, kind="png", scale=8)
    png.seek(0)
    y = max(doc.get_y() + 6, 200)
    doc.image(png, x=70, y=y, w=70, h=70)
    doc.set_xy(0, y + 72)
    doc.cell(210, 8, labels["scan"], align="C")
    return bytes(doc.output())
