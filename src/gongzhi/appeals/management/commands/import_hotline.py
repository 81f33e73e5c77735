"""`gongzhi import_hotline FILE`: bulk import of a 12345 hotline export (CSV/XLSX)."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.appeals.hotline_import import import_file
from gongzhi.appeals.hotline_rows import BadFile

MAX_SHOWN_ERRORS = 200


class Command(BaseCommand):
    help = "导入12345热线工单导出文件(CSV/XLSX),按工单编号幂等 / Import a 12345 hotline export."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV或XLSX文件")
        parser.add_argument(
            "--mapping",
            help='列映射JSON(或JSON文件路径),表头→字段,如 {"工单号": "external_id", "内容": "text"};'
            "字段:external_id created_at contact_name contact_phone text title address_text category lon lat urgency",
        )
        parser.add_argument("--valid-rows-only", action="store_true", help="有错误行时仍导入其余正确的行")
        parser.add_argument("--dry-run", action="store_true", help="只校验,不写入")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在:{path}")
        mapping = None
        if options["mapping"]:
            raw = options["mapping"]
            try:
                mapping = json.loads(Path(raw).read_text() if Path(raw).is_file() else raw)
            except (OSError, ValueError) as exc:
                raise CommandError(f"列映射不是有效的JSON:{exc}") from exc
            if not isinstance(mapping, dict):
                raise CommandError("列映射应为 {表头: 字段} 形式的JSON对象")
        try:
            report = import_file(
                path.name,
                path.read_bytes(),
                mapping=mapping,
                valid_rows_only=options["valid_rows_only"],
                dry_run=options["dry_run"],
            )
        except BadFile as exc:
            raise CommandError(str(exc)) from exc
        for error in report.errors[:MAX_SHOWN_ERRORS]:
            self.stderr.write(str(error))
        if len(report.errors) > MAX_SHOWN_ERRORS:
            self.stderr.write(f"……另有{len(report.errors) - MAX_SHOWN_ERRORS}处错误")
        summary = (
            f"共{report.rows}行:新建{report.created}件(自动派单{report.dispatched}件),"
            f"已导入过{report.existing}件,错误{len(report.errors)}处,用时{report.seconds:.1f}秒"
        )
        if options["dry_run"]:
            self.stdout.write(f"校验完成(未写入)。{summary}")
        elif not report.written:
            raise CommandError(
                f"文件有错误,未写入任何数据。{summary}。可修正后重试,或加 --valid-rows-only 只导入正确的行"
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"导入完成。{summary}"))
