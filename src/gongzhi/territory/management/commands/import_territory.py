"""gongzhi import_territory FILE [--dry-run]: load boundaries from GeoJSON or CSV, print the report."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.territory.actions import import_csv, import_geojson


class Command(BaseCommand):
    help = "从GeoJSON或CSV导入区划/网格边界并输出校验报告 (import territory from GeoJSON or CSV)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只校验,不写入 (validate only)")

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)
        if not path.is_file():
            raise CommandError(f"文件不存在:{path}")
        data = path.read_bytes()
        importer = import_csv if path.suffix.lower() == ".csv" else import_geojson
        report = importer(actor=None, data=data, dry_run=bool(options["dry_run"]))
        for number, column, reason in report.errors:
            self.stderr.write(f"第{number}条 [{column}] {reason}")
        verb = "将" if options["dry_run"] or report.errors else "已"
        self.stdout.write(
            f"{verb}新增 {report.created},{verb}更新 {report.updated},未变 {report.unchanged},错误 {len(report.errors)}"
        )
        if report.errors:
            raise CommandError("文件有错误,未写入任何数据 (nothing written)")
