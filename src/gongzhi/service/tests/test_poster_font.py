"""The poster PDF embeds a Chinese font by default: Noto Sans SC from the npm registry, installed by
scripts/build-assets (decision 0033); GONGZHI_CJK_FONT still overrides it."""

import re
import shutil
from pathlib import Path

import pytest

from gongzhi.service import poster
from gongzhi.service.tests.test_orders import client_for

pytestmark = pytest.mark.django_db

HEADING = "有困难 找红小二"  # the poster's heading (views_teams._labels), in zh-Hans


@pytest.fixture
def no_configured_font(settings, monkeypatch):  # type: ignore[no-untyped-def]
    settings.GONGZHI_CJK_FONT = ""
    monkeypatch.delenv("GONGZHI_CJK_FONT", raising=False)


def unicode_map(pdf: bytes) -> set[str]:
    """The characters the PDF's ToUnicode CMaps map glyphs to: what a reader extracts as text."""
    chars = set()
    for cmap in re.findall(rb"beginbfchar(.*?)endbfchar", pdf, re.S):
        for hex_code in re.findall(rb"<[0-9A-Fa-f]{4}>\s*<([0-9A-Fa-f]{4})>", cmap):
            chars.add(chr(int(hex_code, 16)))
    return chars


def test_the_bundled_font_is_installed_by_make_assets():
    assert poster.BUNDLED_FONT.is_file(), "run `make assets` (scripts/build-assets) to install Noto Sans SC"
    assert (poster.BUNDLED_FONT.parent / "LICENSE-OFL.txt").is_file()  # the OFL travels with the font


def test_without_configuration_the_pdf_embeds_noto_sans_sc_and_maps_the_chinese(
    actors, world, no_configured_font
):
    assert poster.cjk_font() == str(poster.BUNDLED_FONT)
    response = client_for(actors.staff_a).get(f"/service/poster/{actors.net.a.building.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert re.search(rb"/BaseFont /[A-Z]{6}\+NotoSansSC\b", pdf)  # a subset of it, embedded
    assert b"/FontFile2" in pdf
    shown = unicode_map(pdf)
    # a font without these glyphs would leave them out of the map (fpdf2 drops missing glyphs)
    assert set(HEADING.replace(" ", "")) <= shown
    assert set("电工张") <= shown  # the opted-in member's name
    assert len(pdf) < 200_000  # a subset, not the 10 MB font
    assert re.search(rb"/Count 1\b", pdf)  # one sheet: nothing spills onto a second page


def test_the_setting_overrides_the_bundled_font(tmp_path: Path, settings, no_configured_font):
    chosen = tmp_path / "chosen.ttf"
    shutil.copyfile(poster.BUNDLED_FONT, chosen)
    settings.GONGZHI_CJK_FONT = str(chosen)
    assert poster.cjk_font() == str(chosen)


def test_a_wrong_configured_path_is_not_silently_replaced_by_the_bundled_font(settings, no_configured_font):
    settings.GONGZHI_CJK_FONT = "/nonexistent/font.ttf"
    assert poster.cjk_font() is None
