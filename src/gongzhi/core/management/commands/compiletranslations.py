"""Compile .po → .mo with polib, so a fresh machine needs no GNU gettext (Django's compilemessages does)."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile translation catalogues (.po) into .mo files without GNU gettext."

    def handle(self, *args: object, **options: object) -> None:
        count = 0
        # The project catalogue (LOCALE_PATHS) and each app's own locale/ folder.
        bases = [Path(p) for p in settings.LOCALE_PATHS] + list(Path(settings.BASE_DIR).glob("*/locale"))
        for base in bases:
            for po_path in base.glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                count += 1
        self.stdout.write(f"compiled {count} catalogue(s)")
