import pytest
from django.http import Http404

from gongzhi.appeals import actions
from gongzhi.appeals.access import access_appeal
from gongzhi.appeals.intake import IntakeError, appeal_submit
from gongzhi.appeals.models import Appeal, AppealEvent, DailyStat
from gongzhi.appeals.tests.helpers import IN_A, submit
from gongzhi.appeals.workflow import TRANSITIONS, Action, InvalidTransition, Status, next_status


def test_every_action_in_the_table_refuses_states_outside_its_sources():
    for action, (sources, _target) in TRANSITIONS.items():
        for status in Status.values:
            if status in sources:
                next_status(status, action)
            else:
                with pytest.raises(InvalidTransition):
                    next_status(status, action)


def test_a_pinned_appeal_is_placed_routed_and_dispatched_in_seconds(actors, world):
    appeal = submit(actors, world)
    assert appeal.status == Status.DISPATCHED
    assert appeal.territory == actors.net.a.grid
    assert appeal.community == actors.net.a.community
    assert appeal.street == actors.net.street
    assert appeal.department == world.urban
    assert appeal.number.startswith("GZ")
    assert appeal.sign_due_at is not None
    assert appeal.resolve_due_at is not None
    actions_seen = list(appeal.events.values_list("action", flat=True))
    assert actions_seen == [Action.SUBMIT, Action.ACCEPT, Action.DISPATCH]


def test_the_closed_loop_with_an_unsatisfied_rating_reopens_then_closes(actors, world):
    appeal = submit(actors, world)
    handler = world.urban_handler
    appeal = actions.appeal_sign(appeal=appeal, actor=handler)
    appeal = actions.appeal_reply(appeal=appeal, actor=handler, text="已联系城管中队现场劝离")
    appeal = actions.appeal_rate(
        appeal=appeal, actor=actors.resident_a, satisfaction="unsatisfied", solved=False
    )
    assert appeal.status == Status.DISPATCHED
    assert appeal.reopen_count == 1
    appeal = actions.appeal_sign(appeal=appeal, actor=handler)
    appeal = actions.appeal_reply(appeal=appeal, actor=handler, text="已设置固定疏导点并每晚巡查")
    appeal = actions.appeal_rate(
        appeal=appeal, actor=actors.resident_a, satisfaction="satisfied", solved=True
    )
    assert appeal.status == Status.CLOSED
    stat = DailyStat.objects.get(department=world.urban)
    assert (stat.dispatched, stat.signed_on_time, stat.rated, stat.solved, stat.satisfied) == (2, 2, 2, 1, 1)


def test_a_department_returns_a_wrong_dispatch_with_a_reason(actors, world):
    appeal = submit(actors, world)
    with pytest.raises(actions.AppealError):
        actions.appeal_return(appeal=appeal, actor=world.urban_handler, reason=" ")
    appeal = actions.appeal_return(appeal=appeal, actor=world.urban_handler, reason="属于物业管理范畴")
    assert appeal.status == Status.ACCEPTED
    assert appeal.department is None
    appeal = actions.appeal_dispatch(appeal=appeal, actor=actors.staff_a, department=world.housing)
    assert appeal.department == world.housing


def test_the_second_of_two_identical_actions_gets_invalid_transition_and_one_event_is_written(actors, world):
    appeal = submit(actors, world)
    actions.appeal_sign(appeal=appeal, actor=world.urban_handler)
    with pytest.raises(InvalidTransition):
        actions.appeal_sign(appeal=appeal, actor=world.urban_handler)
    assert AppealEvent.objects.filter(appeal=appeal, action=Action.SIGN).count() == 1


def test_an_unrelated_department_and_another_communitys_staff_get_404_and_change_nothing(actors, world):
    appeal = submit(actors, world)
    for outsider in (world.housing_handler, actors.staff_b):
        with pytest.raises(Http404):
            access_appeal(outsider, appeal.pk)
    with pytest.raises(PermissionError):
        actions.appeal_sign(appeal=appeal, actor=world.housing_handler)
    assert Appeal.objects.get(pk=appeal.pk).status == Status.DISPATCHED
    assert access_appeal(world.urban_handler, appeal.pk) == appeal
    assert access_appeal(actors.staff_a, appeal.pk) == appeal
    assert access_appeal(actors.resident_a, appeal.pk) == appeal


def test_only_the_resident_who_submitted_may_rate(actors, world):
    appeal = submit(actors, world)
    actions.appeal_sign(appeal=appeal, actor=world.urban_handler)
    actions.appeal_reply(appeal=appeal, actor=world.urban_handler, text="已处理完毕,请查看")
    with pytest.raises(PermissionError):
        actions.appeal_rate(appeal=appeal, actor=actors.staff_a, satisfaction="satisfied", solved=True)


def test_unroutable_appeals_wait_in_the_community_triage_queue(actors, world):
    from gongzhi.appeals.models import RoutingRuleSet

    RoutingRuleSet.objects.update(is_active=False)
    appeal = submit(actors, world)
    assert appeal.status == Status.SUBMITTED
    assert appeal.community == actors.net.a.community
    assert appeal.department is None


def test_same_idempotency_key_or_external_id_never_creates_a_second_appeal(actors, world):
    first = submit(actors, world, idempotency_key="k-1")
    again = appeal_submit(actor=None, channel="resident_app", text="重复提交", idempotency_key="k-1", **IN_A)
    assert again.appeal == first
    assert not again.created
    hot1 = appeal_submit(actor=None, channel="hotline", text="热线工单", external_id="12345-0001", **IN_A)
    hot2 = appeal_submit(actor=None, channel="hotline", text="热线工单", external_id="12345-0001", **IN_A)
    assert hot1.created
    assert not hot2.created
    assert Appeal.objects.count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"lon": None, "lat": None, "address_text": ""}, "location"),
        ({"lon": 100.0, "lat": 10.0}, "location"),
        ({"text": "长" * 10001}, "text"),
        ({"text": "   "}, "text"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_stored(actors, world, kwargs, field):
    with pytest.raises(IntakeError) as caught:
        submit(actors, world, **kwargs)
    assert caught.value.field == field
    assert Appeal.objects.count() == 0


def test_address_text_without_a_pin_is_matched_to_the_compound_and_building(actors, world):
    appeal = submit(actors, world, lon=None, lat=None, address_text="甲社区花园1栋楼下")
    assert appeal.territory == actors.net.a.building
    assert appeal.community == actors.net.a.community
