"""`gongzhi demo`: load the Guangming demo (territory, organisations, residents, demo logins)."""

import importlib
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from gongzhi.demo.appeals import APPEALS_PER_RESIDENT, install_demo_appeals
from gongzhi.demo.facts import DISTRICT_CODE
from gongzhi.demo.load import load_plan
from gongzhi.demo.outline import load_outline
from gongzhi.demo.plan import DEFAULT_RESIDENTS, DEFAULT_SEED, make_plan
from gongzhi.territory.models import TerritoryNode

# Apps that add their own demo on top of the net, in dependency order. Each has a `demo` module with
# install_demo(*, seed, progress) -> dict of counts, working on the Guangming data loaded before it.
DEMO_EXTENSIONS = [
    "dispatch",
    "points",
    "service",
    "places",
    "circles",
    "parking",
    "projects",
    "councils",
    "assemblies",
    "needs",
]


def install_extensions(*, seed: int, progress: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for app in DEMO_EXTENSIONS:
        try:
            module = importlib.import_module(f"gongzhi.{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"gongzhi.{app}.demo":
                raise
            continue
        counts |= module.install_demo(seed=seed, progress=progress)
    return counts


class Command(BaseCommand):
    help = "载入光明区演示数据 / Load the deterministic Guangming demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if district 440311 already exists"
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
        )
        parser.add_argument(
            "--residents",
            type=int,
            default=DEFAULT_RESIDENTS,
            help=f"number of residents (default {DEFAULT_RESIDENTS}; 0 = territory, organisations and demo logins only)",
        )
        parser.add_argument(
            "--appeals",
            type=int,
            default=None,
            help="historical appeals over the past 90 days (default: 15%% of --residents, 3000 for 20000)",
        )
        parser.add_argument(
            "--net-and-appeals-only",
            action="store_true",
            help="skip the demos of services, places, co-governance and the dispatch model",
        )
        parser.add_argument(
            "--fallback-outline",
            action="store_true",
            help="use the built-in rough outline even if the published one is there",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            # the demo creates demo_admin and other sign-ins whose password is published in the README
            raise CommandError(
                "GONGZHI_ENV=production:演示数据会创建密码公开的演示账号(如 demo_admin),生产环境拒绝载入 / "
                "refusing to load the demo in production: it creates sign-ins with a published password"
            )
        if TerritoryNode.objects.filter(code=DISTRICT_CODE).exists():
            if options["if_empty"]:
                self.stdout.write(
                    "演示数据已存在(光明区 440311),跳过 / demo data already loaded, nothing to do"
                )
                return
            raise CommandError(
                "数据库中已有光明区(440311)。演示数据只能载入空数据库 / district 440311 exists: use an empty database"
            )
        if options["residents"] < 0:
            raise CommandError("--residents 不能为负数")
        started = time.monotonic()
        outline = load_outline(use_shared=not options["fallback_outline"])
        if outline.is_fallback:
            self.stdout.write(
                self.style.WARNING(
                    "注意:未找到光明区公开边界文件(shared/data/geo/shenzhen_440311_districts.geojson,"
                    "或设置 GONGZHI_SHARED_DATA),使用内置的简化轮廓 / published outline not found, using the rough built-in outline"
                )
            )
        else:
            self.stdout.write(f"区界 outline: {outline.source}")
        plan = make_plan(seed=options["seed"], residents=options["residents"], outline=outline)
        self.stdout.write(f"生成 generated in {time.monotonic() - started:.1f}s (seed {options['seed']})")
        appeals = options["appeals"]
        if appeals is None:
            appeals = round(options["residents"] * APPEALS_PER_RESIDENT)
        with transaction.atomic():
            counts = load_plan(plan, progress=self.stdout.write)
            counts |= install_demo_appeals(
                seed=options["seed"], count=max(appeals, 0), progress=self.stdout.write
            )
            if options["residents"] > 0 and not options["net_and_appeals_only"]:
                counts |= install_extensions(seed=options["seed"], progress=self.stdout.write)
        summary = ", ".join(f"{k} {v}" for k, v in counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"演示数据已载入 demo loaded in {time.monotonic() - started:.1f}s: {summary}")
        )
        self.stdout.write("登录账号 / sign-ins: gongzhi demo_logins")
