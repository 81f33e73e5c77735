"""`gongzhi appeals_sweep`: one deadline sweep (near-due, overdue, report-ins); for a timer."""

import json
from typing import Any

from django.core.management.base import BaseCommand

from gongzhi.appeals.actions_sweeps import sweep


class Command(BaseCommand):
    help = "扫描诉求与报到时限一次:临期提醒、超期升级、报到超时(可重复运行)"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(sweep().as_dict(), ensure_ascii=False))
