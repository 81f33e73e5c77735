"""`gongzhi pb import|outcome|export`: pabulib interoperability (issue 7, item 3)."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.projects.actions_pbio import import_election
from gongzhi.projects.counting import SatisfactionTable, greedy, mes
from gongzhi.projects.counting.pabulib import PbError, read_pb, write_pb
from gongzhi.projects.models import Vote
from gongzhi.projects.pbio import export_election
from gongzhi.territory.models import Level, TerritoryNode


class Command(BaseCommand):
    help = "pabulib .pb 文件：import 导入投票，outcome 计算结果（一行 JSON），export 导出"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="load an election as a vote")
        imp.add_argument("file")
        imp.add_argument("--community", help="community code (default: the first community)")
        imp.add_argument("--rule", choices=["greedy", "mes"], default="mes")
        out = sub.add_parser("outcome", help="print the selected project ids as one JSON line")
        out.add_argument("file")
        out.add_argument("--rule", choices=["greedy", "mes"], required=True)
        exp = sub.add_parser("export", help="write a vote (or a re-checked .pb file) as a .pb file")
        exp.add_argument("output")
        exp.add_argument("--vote", type=int, help="vote id")
        exp.add_argument("--from-file", help="re-write this .pb file (normalised)")

    def _read(self, path: str) -> Any:
        if not Path(path).is_file():
            raise CommandError(f"{path}: no such file")
        try:
            return read_pb(path)
        except PbError as exc:
            raise CommandError(f"{path}: {exc}") from exc

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "outcome":
            election = self._read(options["file"])
            table = SatisfactionTable.build(election)
            chosen = (
                greedy(election, table).selected
                if options["rule"] == "greedy"
                else mes(election, table).selected
            )
            self.stdout.write(json.dumps(sorted(chosen)))
        elif action == "import":
            self._import(options)
        else:
            self._export(options)

    def _import(self, options: dict[str, Any]) -> None:

        election = self._read(options["file"])
        nodes = TerritoryNode.objects.filter(level=Level.COMMUNITY)
        community = nodes.filter(code=options["community"]).first() if options["community"] else nodes.first()
        if community is None:
            raise CommandError("no such community (load the territory first, or pass --community CODE)")
        vote = import_election(election, community=community, rule=options["rule"])
        self.stdout.write(
            json.dumps(
                {
                    "vote": vote.pk,
                    "community": community.code,
                    "projects": len(election.projects),
                    "ballots": len(election.ballots),
                }
            )
        )

    def _export(self, options: dict[str, Any]) -> None:
        if options["from_file"]:
            election = self._read(options["from_file"])
        elif options["vote"]:
            vote = Vote.objects.select_related("round__community").filter(pk=options["vote"]).first()
            if vote is None:
                raise CommandError(f"no vote {options['vote']}")
            election = export_election(vote)
        else:
            raise CommandError("pass --vote ID or --from-file FILE.pb")
        Path(options["output"]).write_text(write_pb(election), encoding="utf-8")
        self.stdout.write(
            json.dumps(
                {
                    "written": options["output"],
                    "projects": len(election.projects),
                    "ballots": len(election.ballots),
                }
            )
        )
