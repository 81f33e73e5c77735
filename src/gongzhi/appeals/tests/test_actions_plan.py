"""lifecycle.plan: what an action produces, computed without the database (issue 14 step 1)."""

import datetime

import pytest
from django.utils import timezone

from gongzhi.appeals import lifecycle
from gongzhi.appeals.deadlines import DueTimes
from gongzhi.appeals.models import Appeal
from gongzhi.appeals.workflow import Action, InvalidTransition, Status

AT = timezone.make_aware(datetime.datetime(2026, 11, 27, 9, 0))  # noqa: DTZ001
DUE = DueTimes(
    AT + datetime.timedelta(hours=2), AT + datetime.timedelta(hours=24), AT + datetime.timedelta(days=7)
)


def _appeal(**fields: object) -> Appeal:
    base = {
        "status": Status.SUBMITTED,
        "number": "GZ1",
        "title": "路灯不亮",
        "community_id": 11,
        "street_id": 12,
    }
    return Appeal(channel="hotline", **{**base, **fields})


@pytest.mark.django_db
def test_auto_dispatch_is_accept_then_dispatch_by_the_system_and_reads_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        outcome = lifecycle.auto_dispatch(_appeal(), at=AT, department_id=5, version=3, clock=lambda _at: DUE)
    assert outcome.status == Status.DISPATCHED
    assert [
        (e.action, e.from_status, e.to_status, e.note, e.data, e.actor_label) for e in outcome.events
    ] == [
        (Action.ACCEPT, Status.SUBMITTED, Status.ACCEPTED, "系统自动受理", {}, "系统"),
        (
            Action.DISPATCH,
            Status.ACCEPTED,
            Status.DISPATCHED,
            "按分拨规则v3自动派单",
            {"department_id": 5},
            "系统",
        ),
    ]
    assert outcome.fields["department_id"] == 5
    assert outcome.fields["resolve_due_at"] == DUE.resolve_due_at
    assert outcome.stats == [lifecycle.StatDelta(AT.date(), 5, 11, 12, {"dispatched": 1})]
    assert outcome.department_texts("GZ1", "路灯不亮") == [("assigned", "新派单:GZ1 路灯不亮")]
    assert outcome.resident_notices == ["accepted", "dispatched"]


def test_an_unsatisfied_rating_reopens_until_the_limit_then_closes():
    replied = _appeal(status=Status.REPLIED, department_id=5, submitter_id=None)
    args = {"satisfaction": "unsatisfied", "solved": False, "clock": lambda _at: DUE, "rating_round": 1}
    reopened = lifecycle.plan(replied, Action.RATE, at=AT, **args)
    assert reopened.status == Status.DISPATCHED
    assert [e.action for e in reopened.events] == [Action.RATE, Action.REOPEN]
    assert reopened.fields["reopen_count"] == 1
    assert [d.counts for d in reopened.stats] == [
        {"rated": 1, "solved": 0, "satisfied": 0},
        {"dispatched": 1},
    ]
    replied.reopen_count = lifecycle.MAX_REOPENS
    closed = lifecycle.plan(replied, Action.RATE, at=AT, **args)
    assert closed.status == Status.CLOSED
    assert closed.fields["closed_at"] == AT


def test_an_action_the_table_does_not_allow_is_refused_with_both_labels():
    with pytest.raises(InvalidTransition, match="当前状态“已办结”不能执行“签收”"):
        lifecycle.plan(_appeal(status=Status.CLOSED), Action.SIGN, at=AT)


def test_total_sums_the_deltas_of_one_row():
    a = lifecycle.StatDelta(AT.date(), 5, 11, 12, {"dispatched": 1})
    b = lifecycle.StatDelta(AT.date(), 5, 11, 12, {"dispatched": 1, "rated": 1})
    assert lifecycle.total([a, b]) == [
        lifecycle.StatDelta(AT.date(), 5, 11, 12, {"dispatched": 2, "rated": 1})
    ]
