"""From stored ballots to a counted result with a reason for every project (issue 7, item 2).

The result is plain JSON kept on the vote; reasons are stored as codes with numbers and turned into
sentences in the reader's language when shown (queries.explain)."""

from fractions import Fraction
from typing import Any

from gongzhi.projects.counting import Election, Project, SatisfactionTable, greedy, mes
from gongzhi.projects.models import Ballot, PaperEntry, Proposal, Vote


def paper_sheets(vote: Vote) -> tuple[list[Any], list[dict]]:
    """(agreed choices, mismatches): a sheet counts when two clerks typed it identically."""
    by_sheet: dict[int, list[PaperEntry]] = {}
    for e in vote.paper_entries.select_related("entered_by").order_by("sheet_no", "id"):
        by_sheet.setdefault(e.sheet_no, []).append(e)
    agreed, mismatched = [], []
    for sheet, entries in sorted(by_sheet.items()):
        if len(entries) < 2:
            mismatched.append({"sheet_no": sheet, "state": "single", "entries": len(entries)})
        elif entries[0].choices != entries[1].choices:
            mismatched.append({"sheet_no": sheet, "state": "differ", "entries": len(entries)})
        else:
            agreed.append(entries[0].choices)
    return agreed, mismatched


def election_of(vote: Vote, proposals: list[Proposal]) -> Election:
    ids = {str(p.pk) for p in proposals}
    ballots: list = []
    raw = list(Ballot.objects.filter(vote=vote).values_list("choices", flat=True))
    raw += paper_sheets(vote)[0]
    for choices in raw:
        if vote.ballot_type == "cumulative":
            # Listed with 0 points still counts as support (pabutools: `project in ballot`); our own
            # ballots never list zeros, imported ones may.
            ballots.append({k: Fraction(v) for k, v in choices.items() if k in ids})
        else:
            ballots.append(tuple(str(c) for c in choices if str(c) in ids))
    projects = [Project(str(p.pk), Fraction(p.cost_estimate or 0), p.title) for p in proposals]
    return Election(Fraction(vote.budget), vote.ballot_type, projects, ballots)


def count(vote: Vote, proposals: list[Proposal]) -> dict[str, Any]:
    election = election_of(vote, proposals)
    table = SatisfactionTable.build(election)
    points: dict[str, Fraction] = {p.id: Fraction(0) for p in election.projects}
    for b in election.ballots:
        if isinstance(b, dict):
            for k, v in b.items():
                points[k] += v
    rows: dict[str, dict[str, Any]] = {}
    for j, p in enumerate(election.projects):
        rows[p.id] = {
            "id": p.id,
            "cost": int(p.cost),
            "supporters": len(table.supporters[j]),
            "points": float(points[p.id]) if vote.ballot_type == "cumulative" else None,
            "borda": int(table.total_sat[j]) if vote.ballot_type == "ordinal" else None,
        }
    result: dict[str, Any] = {"rule": vote.rule, "ballots": len(election.ballots), "budget": vote.budget}
    if vote.rule == "greedy":
        out = greedy(election, table)
        for s in out.steps:
            r = rows[s.project_id]
            r["rank"] = s.rank
            r["selected"] = s.selected
            r["reason"] = {
                "code": "greedy_selected" if s.selected else "greedy_skipped",
                "rank": s.rank,
                "cost": int(election.project(s.project_id).cost),
                "remaining": float(s.remaining_before),
            }
        selected = out.selected
    else:
        out_m = mes(election, table)
        picks = {pk.project_id: pk for pk in (out_m.run.picks if out_m.run else [])}
        for pid, r in rows.items():
            r["selected"] = pid in out_m.selected
            if pid in picks:
                pk = picks[pid]
                r["reason"] = {"code": "mes_selected", "round": pk.round, "rho": pk.rho, "payers": pk.paid_by}
                if vote.ballot_type != "ordinal":  # cost satisfaction: a supporter pays at most ρ × cost
                    r["reason"]["share"] = pk.rho * r["cost"]
            elif pid in out_m.free:
                r["reason"] = {"code": "mes_free"}
            elif r["supporters"] == 0:
                r["reason"] = {"code": "no_support"}
            else:
                r["reason"] = {
                    "code": "mes_unaffordable",
                    "money": out_m.supporter_money_left.get(pid, 0.0),
                    "cost": r["cost"],
                    "rho": picks[max(picks, key=lambda k: picks[k].round)].rho if picks else None,
                }
        selected = out_m.selected
        result["completion"] = {
            "initial": float(out_m.initial_voter_budget),
            "final": float(out_m.final_voter_budget),
            "steps": out_m.completion_steps,
        }
    result["selected"] = sorted(selected, key=int)
    result["spent"] = sum(rows[s]["cost"] for s in selected)
    result["projects"] = sorted(
        rows.values(), key=lambda r: (not r["selected"], r.get("rank", 0), -r["supporters"])
    )
    return result
