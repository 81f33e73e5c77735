"""Meetings, votes and follow-through through the actions."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.councils import actions, queries
from gongzhi.councils.models import Council, Decision, DecisionEvent, DecisionStatus
from gongzhi.councils.tests.conftest import held, passed_decision, vote
from gongzhi.councils.workflow import CouncilError


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("整改照片.pdf", b"%PDF-1.4 done", content_type="application/pdf")


def test_votes_are_counted_by_the_stated_rule_against_frozen_attendance(world):
    held(world, 4)  # 4 of 5 present
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    passed = vote(world, 3, 1, text="错时共享停车位", owner_org=world.property_company, deadline=deadline)
    assert (passed.members, passed.present, passed.needed, passed.passed, passed.status) == (
        5,
        4,
        3,
        True,
        "todo",
    )
    tie = vote(world, 2, 2, text="加装道闸")
    assert (tie.needed, tie.passed, tie.status) == (3, False, DecisionStatus.REJECTED)
    two_thirds = vote(
        world, 4, text="调整议事规则", rule="two_thirds_members", owner_name="居委会", deadline=deadline
    )
    assert (two_thirds.needed, two_thirds.passed) == (4, True)  # ceil(2×5/3) = 4


def test_without_quorum_nothing_passes(world):
    held(world, 2)  # 2 of 5 is not more than half
    d = vote(world, 2)
    assert (d.quorum_met, d.passed) == (False, False)


def test_more_votes_than_present_is_refused_and_nothing_stored(world):
    held(world, 3)
    with pytest.raises(CouncilError, match="超过实到人数3"):
        vote(world, 3, 1)
    assert not Decision.objects.exists()


def test_a_vote_before_attendance_is_refused(world):
    with pytest.raises(CouncilError) as refused:
        vote(world, 1)
    assert refused.value.status == 409


def test_a_passed_decision_needs_an_owner_and_a_deadline(world):
    held(world, 5)
    with pytest.raises(CouncilError, match="责任人"):
        vote(world, 5)


def test_done_needs_evidence_and_every_step_is_in_the_history(world):
    held(world, 5)
    d = passed_decision(world, "清理楼道杂物", days=7, owner_name="网格员")
    with pytest.raises(CouncilError, match="佐证"):
        actions.decision_transition(actor=None, decision=d, to="done")
    actions.decision_transition(actor=None, decision=d, to="doing")
    actions.evidence_add(actor=None, decision=d, upload=pdf(), note="清理后照片")
    d = actions.decision_transition(actor=None, decision=d, to="done")
    assert d.status == "done"
    assert d.done_at is not None
    assert list(DecisionEvent.objects.filter(decision=d).values_list("to_status", flat=True)) == [
        "todo",
        "doing",
        "doing",
        "done",
    ]
    with pytest.raises(CouncilError):
        actions.decision_transition(actor=None, decision=d, to="todo")


def test_evidence_must_be_an_image_or_pdf(world):
    held(world, 5)
    d = passed_decision(world, "y", days=0, owner_name="居委会")
    with pytest.raises(CouncilError, match="PDF"):
        actions.evidence_add(
            actor=None,
            decision=d,
            upload=SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-msdownload"),
        )


def test_overdue_decisions_are_listed_per_community_and_counted_on_the_council(world, actors):
    held(world, 5)
    late = passed_decision(world, "修复路灯", days=-1)
    passed_decision(world, "绿化补种", days=0)  # due today: not yet overdue
    assert list(queries.overdue_decisions(Decision.objects.all(), actors.net.a.community)) == [late]
    assert list(queries.overdue_decisions(Decision.objects.all(), actors.net.b.community)) == []
    council = queries.with_counters(Council.objects.filter(pk=world.council.pk)).get()
    assert (council.open_decisions, council.overdue_decisions) == (2, 1)
    assert queries.public_counts(actors.net.a.community) == {"passed": 2, "done": 0, "open": 2, "overdue": 1}


def test_attendance_is_frozen_once_a_vote_is_recorded(world):
    held(world, 5)
    vote(world, 1, 4, text="z")
    with pytest.raises(CouncilError):
        held(world, 3)


def test_an_ended_seat_no_longer_counts_as_a_member(world):
    actions.seat_end(actor=None, seat=world.seats[4], on=timezone.localdate() - datetime.timedelta(days=1))
    meeting = held(world, 4)
    assert meeting.attendance.count() == 4
