"""`gongzhi service_sweep`: overdue orders, missed pairing visits, expired wishes (see sweeps.py)."""

from django.core.management.base import BaseCommand

from gongzhi.service.actions_sweeps import run_all


class Command(BaseCommand):
    help = "标记超期服务单、结对探访逾期预警、过期微心愿"

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        result = run_all()
        self.stdout.write(
            f"overdue_orders={result.overdue_orders} pairing_alerts={result.pairing_alerts} "
            f"expired_wishes={result.expired_wishes}"
        )
