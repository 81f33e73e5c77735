"""`gongzhi pb import|outcome|export`: a file becomes a vote whose count equals the file's outcome,
and an exported vote reads back (here and in pabutools) to the same outcome."""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from gongzhi.projects import actions_vote
from gongzhi.projects.counting import mes
from gongzhi.projects.counting.pabulib import read_pb
from gongzhi.projects.models import Ballot, Proposal, Vote
from gongzhi.projects.tests.pabutools_ref import reference_outcome
from gongzhi.projects.tests.test_counting import ABC, pb

pytestmark = pytest.mark.django_db


def test_import_count_and_export_round_trip(actors, tmp_path, capsys) -> None:
    src = tmp_path / "in.pb"
    src.write_text(
        pb(
            100_000,
            "cumulative",
            {"11": 60_000, "12": 40_000, "13": 30_000},
            ["11,13", "11,13", "11,13", "12,13"],
            ["3,2", "4,1", "5,0", "2,3"],
        ),
        encoding="utf-8",
    )
    call_command("pb", "import", str(src), "--community", actors.net.a.community.code)
    info = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    vote = Vote.objects.get(pk=info["vote"])
    assert (info["projects"], info["ballots"], vote.ballot_type) == (3, 4, "cumulative")
    assert Ballot.objects.filter(vote=vote).count() == 4
    assert sorted(Proposal.objects.filter(vote=vote).values_list("pb_id", flat=True)) == ["11", "12", "13"]
    past = timezone.now() - datetime.timedelta(days=2)
    Vote.objects.filter(pk=vote.pk).update(opens_at=past, closes_at=past + datetime.timedelta(days=1))
    vote.refresh_from_db()
    counted = actions_vote.vote_count(actor=actors.staff_a, vote=vote)
    by_pb = dict(Proposal.objects.filter(vote=vote).values_list("pk", "pb_id"))
    assert sorted(by_pb[int(s)] for s in counted.result["selected"]) == mes(read_pb(src)).selected
    out = tmp_path / "out.pb"
    call_command("pb", "export", str(out), "--vote", str(vote.pk))
    assert read_pb(out).ballots == read_pb(src).ballots
    assert reference_outcome(out, "mes") == reference_outcome(src, "mes")


def test_outcome_prints_one_json_line(tmp_path, capsys) -> None:
    f = tmp_path / "abc.pb"
    f.write_text(ABC, encoding="utf-8")
    call_command("pb", "outcome", str(f), "--rule", "greedy")
    assert capsys.readouterr().out == '["A", "C"]\n'


def test_a_bad_file_is_a_command_error_with_the_line(tmp_path) -> None:
    f = tmp_path / "bad.pb"
    f.write_text(ABC.replace("4;B,C", "4;B,Z"), encoding="utf-8")
    with pytest.raises(CommandError, match=r"line 17: vote for unknown project 'Z'"):
        call_command("pb", "outcome", str(f), "--rule", "mes")
    with pytest.raises(CommandError, match="no such file"):
        call_command("pb", "outcome", str(tmp_path / "missing.pb"), "--rule", "mes")
    assert not Vote.objects.exists()
