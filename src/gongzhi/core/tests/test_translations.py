"""zh-Hans is the source language; the English catalogue must translate every string."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"


def test_english_catalogue_has_no_untranslated_or_fuzzy_entries():
    catalogue = polib.pofile(str(EN_PO))
    missing = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    assert missing == [], f"untranslated: {missing[:20]}"


def test_english_catalogue_covers_every_string_in_the_code(tmp_path):
    """Re-extract the strings into a scratch copy and compare msgids with the committed catalogue."""
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext (xgettext) not installed: cannot re-extract strings (apt-get install gettext)")
    src = Path(__file__).resolve().parents[2]
    scratch = tmp_path / "gongzhi"
    shutil.copytree(src, scratch, ignore=shutil.ignore_patterns("static_build", "__pycache__", "*.mo"))
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-obsolete", "--no-location"],
        cwd=scratch,
        check=True,
        capture_output=True,
        env={"DJANGO_SETTINGS_MODULE": "gongzhi.config.settings", "PATH": "/usr/bin:/bin", "GONGZHI_VAR_DIR": str(tmp_path / "var")},
    )
    extracted = {e.msgid for e in polib.pofile(str(scratch / "locale/en/LC_MESSAGES/django.po")) if not e.obsolete}
    committed = {e.msgid for e in polib.pofile(str(EN_PO)) if not e.obsolete}
    assert sorted(extracted - committed) == [], "run: cd src/gongzhi && gongzhi makemessages -l en, then translate"
