"""`gongzhi import_taxonomy FILE [--dry-run]`: load a three-level appeal taxonomy from CSV."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.appeals.actions_taxonomy import import_taxonomy
from gongzhi.appeals.taxonomy import TaxonomyError


class Command(BaseCommand):
    help = "导入诉求分类(CSV:level1,level2,level3;UTF-8或GB18030;可重复导入,不删除已有分类)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file with columns level1,level2,level3")
        parser.add_argument("--dry-run", action="store_true", help="check and count only, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}: {exc.strerror}") from exc
        try:
            report = import_taxonomy(content, dry_run=options["dry_run"])
        except TaxonomyError as exc:
            raise CommandError(
                f"未导入任何分类,请修正以下{len(exc.errors)}处错误:\n" + "\n".join(exc.errors)
            ) from exc
        prefix = "(试运行,未写入)" if options["dry_run"] else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}{report.summary()}"))
