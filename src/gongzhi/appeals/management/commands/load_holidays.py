"""`gongzhi load_holidays [--year Y]`: upsert the official holiday calendar into CalendarDay rows."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.appeals.actions_calendar import load_days
from gongzhi.appeals.holidays import HOLIDAYS, PROVISIONAL_YEARS, days_for


class Command(BaseCommand):
    help = "载入国务院公布的法定节假日与调休上班日(幂等)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", help="only this year (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        years = options["year"] or sorted(HOLIDAYS)
        for year in years:
            if year not in HOLIDAYS:
                raise CommandError(
                    f"没有 {year} 年的节假日数据(已有:{', '.join(map(str, sorted(HOLIDAYS)))})"
                )
            rows = list(days_for(year))
            created = load_days(rows)
            note = "(暂定:国务院通知尚未发布)" if year in PROVISIONAL_YEARS else ""
            self.stdout.write(f"{year}: {len(rows)} days, {created} new{note}")
