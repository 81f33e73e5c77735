import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from gongzhi.projects import actions, actions_vote
from gongzhi.projects.workflow import Phase


def pytest_configure(config: pytest.Config) -> None:
    # Registered here (pyproject is not ours): the pabutools comparisons that take minutes.
    config.addinivalue_line("markers", "slow: minutes long (pabutools on a large instance); runs in CI")


def shared_pabulib() -> Path | None:
    """$GONGZHI_SHARED_DATA/pabulib first, then ../shared/data/pabulib next to the repository."""
    candidates = []
    if os.environ.get("GONGZHI_SHARED_DATA"):
        candidates.append(Path(os.environ["GONGZHI_SHARED_DATA"]) / "pabulib")
    candidates.append(Path(__file__).resolve().parents[5] / "shared" / "data" / "pabulib")
    for c in candidates:
        if c.is_dir() and any(c.glob("*.pb")):
            return c
    return None


@pytest.fixture
def rnd(actors):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return actions.round_create(
        actor=actors.staff_a,
        community=actors.net.a.community,
        year=today.year,
        title="A社区民生微实事",
        budget=1_000_000,
        dates={
            "collect_from": today - datetime.timedelta(days=10),
            "collect_until": today + datetime.timedelta(days=10),
            "review_until": today + datetime.timedelta(days=20),
            "deliberate_until": today + datetime.timedelta(days=30),
        },
    )


def deliberated(actors, rnd, title: str, cost: int):  # type: ignore[no-untyped-def]
    p = actions.proposal_submit(actor=actors.resident_a, round=rnd, title=title, description=f"{title}的说明")
    return actions.proposal_review(
        actor=actors.staff_a, proposal=p, feasible=True, cost_estimate=cost, responsible_unit="社区工作站"
    )


def vote_on(actors, rnd, props, *, title="2026 投票", ballot_type="approval", rule="mes", hours=24, **kw):  # type: ignore[no-untyped-def]
    """A vote on `props` in community A, opened an hour ago and closing in `hours`."""
    now = timezone.now()
    vote = actions_vote.vote_create(
        actor=actors.staff_a,
        round=rnd,
        title=title,
        area=actors.net.a.community,
        ballot_type=ballot_type,
        rule=rule,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(hours=hours),
        **kw,
    )
    return actions_vote.vote_open(actor=actors.staff_a, vote=vote, proposal_ids=[p.pk for p in props])


@pytest.fixture
def open_vote(actors, rnd):  # type: ignore[no-untyped-def]
    """An open approval vote (MES) on three deliberated proposals, budget 1,000,000."""
    props = [
        deliberated(actors, rnd, t, c)
        for t, c in (("加装电梯扶手", 300_000), ("长者饭堂", 600_000), ("儿童游乐区", 200_000))
    ]
    vote = vote_on(actors, rnd, props)
    for p in props:
        p.refresh_from_db()
        assert p.phase == Phase.VOTING
    return vote, props
