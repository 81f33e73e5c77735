"""Backfill duplicate-check fingerprints for pinned appeals that have none."""

from typing import Any

from django.core.management.base import BaseCommand

from gongzhi.hotissues.actions import fingerprint_missing


class Command(BaseCommand):
    help = "为缺少查重指纹的有坐标诉求补建指纹"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"fingerprinted {fingerprint_missing()}")
