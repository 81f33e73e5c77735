"""Read and write pabulib .pb files (https://pabulib.org/format): META, PROJECTS and VOTES
sections, `;`-separated. Reading follows pabutools' parser (the same project ids, costs, ballots,
empty ballots counted as voters) and refuses what pabutools would silently accept: unknown
sections, counts that disagree with the file, votes for unknown projects — every error names its line.
"""

import csv
import io
from fractions import Fraction
from pathlib import Path

from gongzhi.core.errors import BadInput
from gongzhi.projects.counting.election import VOTE_TYPES, Election, Project

SECTIONS = ("meta", "projects", "votes")
KNOWN_VOTE_TYPES = {
    "approval": "approval",
    "choose-1": "approval",
    "cumulative": "cumulative",
    "ordinal": "ordinal",
}


class PbError(BadInput, ValueError):
    """A malformed .pb file (400), naming its line; still a ValueError for callers that parse."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


def _number(text: str, line: int, what: str) -> Fraction:
    try:
        value = Fraction(text.strip().replace(",", "."))
    except (ValueError, ZeroDivisionError):
        raise PbError(f"{what} is not a number: {text!r}", line) from None
    if value < 0:
        raise PbError(f"{what} is negative: {text!r}", line)
    return value


def read_pb(path: str | Path) -> Election:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return parse_pb(fh.read())


def parse_pb(text: str) -> Election:  # noqa: C901 — one pass over the file, one branch per section
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    projects: list[Project] = []
    project_ids: set[str] = set()
    extra: dict[str, dict[str, str]] = {}
    raw_votes: list[tuple[int, list[str]]] = []
    vote_header: list[str] = []
    seen: set[str] = set()
    section, header, header_line = "", [], 0
    reader = csv.reader(text.splitlines(), delimiter=";")
    expect_header = False
    for row in reader:
        line = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        first = row[0].strip()
        # a section title: a known name or an upper-case word alone on its line (tested in the
        # cheap order — vote rows, most of a file, fail the first test)
        if (first.lower() in SECTIONS or (first.isupper() and first.isalpha())) and all(
            not c.strip() for c in row[1:]
        ):
            name = first.lower()
            if name not in SECTIONS:
                raise PbError(f"unknown section {first!r} (expected META, PROJECTS or VOTES)", line)
            if name in seen:
                raise PbError(f"section {first} appears twice", line)
            seen.add(name)
            section, expect_header = name, True
            continue
        if not section:
            raise PbError("data before the first section (expected META)", line)
        if expect_header:
            header, header_line, expect_header = [h.strip() for h in row], line, False
            if section == "projects" and header[:2] != ["project_id", "cost"]:
                raise PbError("PROJECTS header must start with project_id;cost", line)
            if section == "votes":
                if "vote" not in header:
                    raise PbError("VOTES header has no 'vote' column", line)
                vote_header = header
            continue
        # Shorter rows are padded (pabutools reads them); longer ones would lose data.
        if len(row) > len(header) and section != "meta":
            raise PbError(f"{len(row)} fields but the header on line {header_line} has {len(header)}", line)
        if len(row) < len(header):
            row = row + [""] * (len(header) - len(row))
        if section == "votes":
            raw_votes.append((line, row))
        elif section == "meta":
            if len(row) < 2:
                raise PbError("META rows need a key and a value", line)
            meta[first], meta_lines[first] = row[1].strip(), line
        else:
            pid = first
            if pid in project_ids:
                raise PbError(f"project {pid!r} listed twice", line)
            project_ids.add(pid)
            cells = {h: c.strip() for h, c in zip(header, row, strict=False)}
            projects.append(Project(pid, _number(cells["cost"], line, "cost"), cells.get("name", "")))
            extra[pid] = {h: v for h, v in cells.items() if h not in ("project_id", "cost")}
    for needed in ("meta", "projects", "votes"):
        if needed not in seen:
            raise PbError(f"section {needed.upper()} is missing")
    return _assemble(meta, meta_lines, projects, extra, vote_header, raw_votes)


def _assemble(meta, meta_lines, projects, extra, vote_header, raw_votes) -> Election:  # type: ignore[no-untyped-def]  # noqa: C901
    vote_type = KNOWN_VOTE_TYPES.get(meta.get("vote_type", ""))
    if vote_type is None:
        raise PbError(
            f"vote_type {meta.get('vote_type')!r} is not one of approval, cumulative, ordinal",
            meta_lines.get("vote_type"),
        )
    if "budget" not in meta:
        raise PbError("META has no budget")
    budget = _number(meta["budget"], meta_lines["budget"], "budget")
    ids = {p.id for p in projects}
    # Column positions (a repeated column name: the last one, as a dict of the row would keep).
    column = {h: i for i, h in enumerate(vote_header)}
    vote_at, points_at, voter_at = column["vote"], column.get("points"), column.get("voter_id")
    points_seen: dict[str, Fraction] = {}  # a file uses a handful of point values: parse each once
    ballots: list = []
    voters: list[str] = []
    for line, row in raw_votes:
        names = [v.strip() for v in row[vote_at].strip().split(",") if v and v.lower() != "none"]
        if not ids.issuperset(names):
            unknown = next(n for n in names if n not in ids)
            raise PbError(f"vote for unknown project {unknown!r}", line)
        if vote_type == "cumulative":
            points_text = row[points_at].strip() if points_at is not None else ""
            points = [p for p in points_text.split(",") if p] if points_text.lower() != "none" else []
            if len(points) != len(names):
                raise PbError(f"{len(names)} projects but {len(points)} points", line)
            ballot = {}
            for n, p in zip(names, points, strict=True):
                value = points_seen.get(p)
                if value is None:
                    value = points_seen[p] = _number(p, line, "points")
                ballot[n] = value
            ballots.append(ballot)
        elif vote_type == "ordinal":
            if len(set(names)) != len(names):
                raise PbError("a project is ranked twice", line)
            ballots.append(tuple(names))
        else:
            ballots.append(tuple(dict.fromkeys(names)))
        voters.append(row[voter_at].strip() if voter_at is not None else str(len(voters) + 1))
    for key, actual in (("num_projects", len(projects)), ("num_votes", len(ballots))):
        if key in meta and meta[key].strip().isdigit() and int(meta[key]) != actual:
            raise PbError(f"META says {key} = {meta[key]} but the file has {actual}", meta_lines[key])
    assert vote_type in VOTE_TYPES
    return Election(budget, vote_type, projects, ballots, dict(meta), extra, voters)


def _fmt(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else format(float(value), "g")


def write_pb(election: Election) -> str:
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\n")
    meta = dict(election.meta)
    meta.update(
        num_projects=str(len(election.projects)),
        num_votes=str(len(election.ballots)),
        budget=_fmt(election.budget),
        vote_type=election.vote_type,
    )
    w.writerow(["META"])
    w.writerow(["key", "value"])
    for k, v in meta.items():
        w.writerow([k, v])
    extra_cols = sorted({k for e in election.project_extra.values() for k in e} - {"name"})
    w.writerow(["PROJECTS"])
    w.writerow(["project_id", "cost", "name", *extra_cols])
    for p in election.projects:
        e = election.project_extra.get(p.id, {})
        w.writerow([p.id, _fmt(p.cost), p.name or e.get("name", ""), *[e.get(c, "") for c in extra_cols]])
    w.writerow(["VOTES"])
    cumulative = election.vote_type == "cumulative"
    w.writerow(["voter_id", "vote", "points"] if cumulative else ["voter_id", "vote"])
    for i, ballot in enumerate(election.ballots):
        voter = election.voter_ids[i] if i < len(election.voter_ids) else str(i + 1)
        if cumulative:
            assert isinstance(ballot, dict)
            w.writerow([voter, ",".join(ballot), ",".join(_fmt(v) for v in ballot.values())])
        else:
            w.writerow([voter, ",".join(ballot)])
    return out.getvalue()
