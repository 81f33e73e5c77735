"""zh-Hans is the source language; the English catalogue must translate every string."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

SRC = Path(__file__).resolve().parents[2]


def english_catalogues(root: Path) -> list[Path]:
    """The project catalogue and every app's own (ledgers keeps its strings in ledgers/locale)."""
    return sorted(root.glob("locale/en/LC_MESSAGES/django.po")) + sorted(
        root.glob("*/locale/en/LC_MESSAGES/django.po")
    )


def msgids(root: Path) -> set[str]:
    return {e.msgid for po in english_catalogues(root) for e in polib.pofile(str(po)) if not e.obsolete}


def test_english_catalogues_have_no_untranslated_or_fuzzy_entries():
    assert english_catalogues(SRC), "no English catalogue found"
    missing = [
        (po.relative_to(SRC).as_posix(), e.msgid)
        for po in english_catalogues(SRC)
        for e in polib.pofile(str(po))
        if not e.obsolete and not e.translated()
    ]
    assert missing == [], f"untranslated: {missing[:20]}"


def test_english_catalogue_covers_every_string_in_the_code(tmp_path):
    """Re-extract the strings into a scratch copy and compare msgids with the committed catalogue."""
    if shutil.which("xgettext") is None:
        pytest.skip(
            "GNU gettext (xgettext) not installed: cannot re-extract strings (apt-get install gettext)"
        )
    scratch = tmp_path / "gongzhi"
    shutil.copytree(SRC, scratch, ignore=shutil.ignore_patterns("static_build", "__pycache__", "*.mo"))
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-obsolete", "--no-location"],
        cwd=scratch,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "gongzhi.config.settings",
            "PATH": "/usr/bin:/bin",
            "GONGZHI_VAR_DIR": str(tmp_path / "var"),
        },
    )
    assert sorted(msgids(scratch) - msgids(SRC)) == [], (
        "run: cd src/gongzhi && gongzhi makemessages -l en, then translate"
    )
