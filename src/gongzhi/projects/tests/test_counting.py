"""Counting rules on hand-computed elections (no database), checked against pabutools as well."""

from fractions import Fraction

import pytest

from gongzhi.projects.counting import greedy, mes
from gongzhi.projects.counting.pabulib import PbError, parse_pb, write_pb
from gongzhi.projects.tests.pabutools_ref import outcome_from_text


def pb(
    budget: int, vote_type: str, projects: dict[str, int], votes: list[str], points: list[str] | None = None
) -> str:
    lines = [
        "META",
        "key;value",
        f"budget;{budget}",
        f"vote_type;{vote_type}",
        f"num_projects;{len(projects)}",
        f"num_votes;{len(votes)}",
        "PROJECTS",
        "project_id;cost;name",
    ]
    lines += [f"{pid};{cost};{pid}" for pid, cost in projects.items()]
    lines += ["VOTES", "voter_id;vote;points" if points else "voter_id;vote"]
    for i, v in enumerate(votes):
        lines.append(f"{i + 1};{v};{points[i]}" if points else f"{i + 1};{v}")
    return "\n".join(lines) + "\n"


# Budget 100, four voters (25 each). A=60 (voters 1-3), B=40 (voter 4), C=30 (everyone).
ABC = pb(100, "approval", {"A": 60, "B": 40, "C": 30}, ["A,C", "A,C", "A,C", "B,C"])


def test_greedy_takes_most_supported_first_and_skips_what_no_longer_fits() -> None:
    out = greedy(parse_pb(ABC))
    assert out.selected == ["C", "A"]
    skipped = [s for s in out.steps if not s.selected]
    assert [(s.project_id, s.remaining_before) for s in skipped] == [("B", Fraction(10))]
    assert sorted(out.selected) == outcome_from_text(ABC, "greedy")


def test_mes_selects_c_then_needs_the_add_one_completion_to_afford_a() -> None:
    # Shares of 25: C costs each voter 7.5 (ρ=1/4), then A's supporters hold 3 × 17.5 = 52.5 < 60.
    # {C} is not exhaustive (A and B still fit), so shares grow by 1 until 3 × (b − 7.5) ≥ 60: b = 28.
    out = mes(parse_pb(ABC))
    assert out.selected == ["A", "C"]
    assert out.initial_voter_budget == 25
    assert out.final_voter_budget == 28
    assert out.completion_steps == 3
    assert [p.project_id for p in out.run.picks] == ["C", "A"]
    assert out.run.picks[0].rho == pytest.approx(0.25)
    assert out.selected == outcome_from_text(ABC, "mes")


def test_mes_without_completion_stops_at_c() -> None:
    assert mes(parse_pb(ABC), completion=False).selected == ["C"]


def test_mes_completion_returns_the_previous_outcome_when_the_next_one_overspends() -> None:
    # Shares of 50 buy nothing (each project costs 51); shares of 51 buy both = 102 > 100.
    text = pb(100, "approval", {"A": 51, "B": 51}, ["A", "B"])
    out = mes(parse_pb(text))
    assert out.selected == []
    assert out.final_voter_budget == 50
    assert outcome_from_text(text, "mes") == []


def test_mes_completion_skips_shares_that_buy_nothing_without_changing_the_outcome() -> None:
    # Shares of 25 buy nothing: A (90) needs its two supporters to hold 45 each, B (100) 50 each.
    # The shares 26…44 buy nothing either and are skipped; 45 buys A, and B no longer fits: exhaustive.
    text = pb(100, "approval", {"A": 90, "B": 100}, ["A", "A", "B", "B"])
    out = mes(parse_pb(text))
    assert out.selected == ["A"]
    assert out.final_voter_budget == 45
    assert out.completion_steps == 20
    assert out.supporter_money_left == {"B": 90.0}
    assert outcome_from_text(text, "mes") == ["A"]


def test_mes_completion_after_skipped_shares_reports_the_share_before_the_overspending_one() -> None:
    # Shares of 50 buy nothing until 80, which buys both (160 > 100): the outcome is that of 79,
    # whose supporters' money is reported (79 each), not that of the last share computed.
    text = pb(100, "approval", {"A": 80, "B": 80}, ["A", "B"])
    out = mes(parse_pb(text))
    assert out.selected == []
    assert out.final_voter_budget == 79
    assert out.supporter_money_left == {"A": 79.0, "B": 79.0}
    assert outcome_from_text(text, "mes") == []


def test_ties_are_broken_by_project_id_as_text() -> None:
    # Same cost, same supporters, room for one: "10" < "9" as text, as pabutools orders names.
    text = pb(60, "approval", {"9": 50, "10": 50}, ["9,10", "9,10"])
    assert greedy(parse_pb(text)).selected == ["10"]
    assert mes(parse_pb(text)).selected == ["10"]
    assert outcome_from_text(text, "greedy") == ["10"] == outcome_from_text(text, "mes")


def test_ordinal_ballots_use_borda_and_the_last_ranked_project_is_no_support() -> None:
    # Borda: first of three gets 2, second 1, last 0. X: 2+2+1=5 per 50 yuan; Y: 1+1+2=4; Z: 0.
    text = pb(100, "ordinal", {"X": 50, "Y": 50, "Z": 10}, ["X,Y,Z", "X,Y,Z", "Y,X,Z"])
    g = greedy(parse_pb(text))
    assert g.selected == ["X", "Y"]  # Z has no Borda points: ranked last and then does not fit
    assert sorted(g.selected) == outcome_from_text(text, "greedy")
    m = mes(parse_pb(text))
    assert "Z" not in m.selected
    assert m.selected == outcome_from_text(text, "mes")


def test_cumulative_ballots_count_supporters_whatever_their_points() -> None:
    # Cost satisfaction ignores points: P has 2 supporters (9 points), Q has 3 (3 points).
    text = pb(100, "cumulative", {"P": 80, "Q": 80}, ["P,Q", "P,Q", "Q"], ["5,1", "4,1", "1"])
    assert greedy(parse_pb(text)).selected == ["Q"]
    assert outcome_from_text(text, "greedy") == ["Q"]
    assert mes(parse_pb(text)).selected == outcome_from_text(text, "mes")


def test_unsupported_projects_still_fill_the_budget_under_greedy_as_in_pabutools() -> None:
    text = pb(100, "approval", {"A": 60, "N": 30}, ["A", "A"])
    assert greedy(parse_pb(text)).selected == ["A", "N"]
    assert outcome_from_text(text, "greedy") == ["A", "N"]
    assert mes(parse_pb(text)).selected == ["A"]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("META\nkey;value\nbudget;10\nvote_type;approval\nFOO\nx;y\n", 5, "unknown section 'FOO'"),
        (ABC.replace("num_votes;4", "num_votes;5"), 6, "num_votes = 5 but the file has 4"),
        (ABC.replace("num_projects;3", "num_projects;2"), 5, "num_projects = 2"),
        (ABC.replace("4;B,C", "4;B,D"), 17, "unknown project 'D'"),
        (ABC.replace("C;30;C", "C;abc;C"), 11, "cost is not a number"),
        (ABC.replace("C;30;C", "C;30;C;extra"), 11, "4 fields but the header on line 8 has 3"),
        (ABC.replace("vote_type;approval", "vote_type;scoring"), 4, "vote_type 'scoring'"),
        (pb(10, "cumulative", {"A": 5}, ["A"], ["1,2"]), 12, "1 projects but 2 points"),
        ("key;value\n", 1, "data before the first section"),
    ],
)
def test_bad_pb_files_fail_with_the_line_number(text: str, line: int, words: str) -> None:
    with pytest.raises(PbError) as err:
        parse_pb(text)
    assert words in str(err.value)
    assert err.value.line == line
    assert str(err.value).startswith(f"line {line}:")


def test_written_files_read_back_to_the_same_outcomes() -> None:
    text = pb(100, "cumulative", {"P": 80, "Q": 80, "R": 20}, ["P,Q", "P,Q", "Q,R"], ["5,1", "4,1", "1,2"])
    again = write_pb(parse_pb(text))
    assert parse_pb(again).ballots == parse_pb(text).ballots
    assert outcome_from_text(again, "mes") == mes(parse_pb(text)).selected
