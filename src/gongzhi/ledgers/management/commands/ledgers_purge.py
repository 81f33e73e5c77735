"""Run daily (cron / systemd timer): uploaded ledgers hold plaintext ID numbers (encrypted at rest),
so previews nobody confirmed are not kept longer than needed."""

import datetime

from django.core.management.base import BaseCommand, CommandParser

from gongzhi.ledgers.actions import purge_stale_previews


class Command(BaseCommand):
    help = "Cancel ledger import previews older than --days and delete their stored files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args: object, **options: object) -> None:
        days = options["days"]
        assert isinstance(days, int)
        count = purge_stale_previews(older_than=datetime.timedelta(days=days))
        self.stdout.write(f"cancelled {count} stale preview(s)")
