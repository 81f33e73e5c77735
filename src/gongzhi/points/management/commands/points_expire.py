"""Yearly: expire points by the areas' expiry policies, and sweep redemptions past their pickup date."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from gongzhi.points.actions_redemption import expire_redemptions
from gongzhi.points.expiry import expire_points


class Command(BaseCommand):
    help = "Expire points (PointsPolicy.expiry_years) and uncollected redemptions; idempotent."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--as-of", type=datetime.date.fromisoformat, default=None, help="YYYY-MM-DD (default today)"
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        as_of = options["as_of"] or timezone.localdate()
        result = expire_points(as_of=as_of)
        swept = expire_redemptions()
        self.stdout.write(
            f"expired {result['points']} points on {result['accounts']} accounts; {swept} redemptions refunded"
        )
