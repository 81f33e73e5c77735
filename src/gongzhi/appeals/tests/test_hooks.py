"""Appeals asks the apps above it through appeals.hooks (decision 0043): dispatch (秒拨) and hotissues
register their functions when they load; without them appeals still takes, routes and dispatches
appeals — no suggestions, no duplicate fingerprint, no training labels."""

import pytest

from gongzhi.appeals import actions, hooks, queries
from gongzhi.appeals.intake import appeal_submit
from gongzhi.appeals.models import Appeal
from gongzhi.appeals.tests.helpers import IN_A, submit
from gongzhi.appeals.workflow import Status
from gongzhi.dispatch.models import Suggestion, TrainingLabel
from gongzhi.hotissues.models import AppealFingerprint


@pytest.fixture
def bare(monkeypatch):
    """Appeals as if dispatch and hotissues were not installed."""
    for name, default in hooks.DEFAULTS.items():
        monkeypatch.setattr(hooks, name, default)


def test_dispatch_and_hotissues_register_their_hooks_when_they_load():
    from gongzhi.dispatch import actions as dispatch_actions
    from gongzhi.dispatch import predict
    from gongzhi.dispatch import queries as dispatch_queries
    from gongzhi.hotissues import duplicates

    assert hooks.registered() == {
        "predict_at_intake": predict.for_intake,
        "fingerprint_row": duplicates.fingerprint_row,
        "record_dispatch_choice": dispatch_actions.record_correction,
        "suggestion": dispatch_queries.suggestion,
    }


def test_an_unknown_hook_is_refused():
    with pytest.raises(TypeError, match="unknown"):
        hooks.register(fingerprint=lambda appeal: None)


def test_intake_takes_the_category_the_prediction_hook_is_sure_of(actors, world, monkeypatch):
    asked = []

    def sure(*, title, text, territory):
        asked.append((title, text, territory.path))
        return hooks.NoPrediction(category=world.cat_urban)

    monkeypatch.setattr(hooks, "predict_at_intake", sure)
    appeal = appeal_submit(
        actor=actors.resident_a,
        submitter=actors.resident_a.person,
        channel="resident_app",
        text="占道经营",
        **IN_A,
    ).appeal
    assert asked == [("占道经营", "占道经营", appeal.path)]
    assert (appeal.category, appeal.status) == (world.cat_urban, Status.DISPATCHED)


def test_a_given_category_is_not_second_guessed(actors, world, monkeypatch):
    def never(**kwargs):
        raise AssertionError("asked")

    monkeypatch.setattr(hooks, "predict_at_intake", never)
    assert submit(actors, world, category=world.cat_urban).category == world.cat_urban


def test_without_the_upper_apps_intake_routes_and_dispatches_without_a_fingerprint(bare, actors, world):
    appeal = submit(actors, world)
    assert Appeal.objects.get(pk=appeal.pk).status == Status.DISPATCHED
    assert not AppealFingerprint.objects.exists()
    assert not Suggestion.objects.exists()


def test_without_dispatch_a_manual_dispatch_writes_no_label_and_a_suggestion_tap_is_refused(
    bare, actors, world
):
    from gongzhi.appeals.models import RoutingRuleSet

    RoutingRuleSet.objects.update(is_active=False)
    appeal = submit(actors, world)
    assert appeal.status == Status.SUBMITTED
    assert queries.suggested_dispatch(appeal) == {}
    with pytest.raises(actions.AppealError):
        actions.appeal_dispatch_as_suggested(
            appeal=appeal,
            actor=actors.staff_a,
            rank=1,
            departments=queries.dispatch_departments(actors.staff_a),
        )
    accepted = actions.appeal_accept(appeal=appeal, actor=actors.staff_a)
    dispatched = actions.appeal_dispatch(appeal=accepted, actor=actors.staff_a, department=world.urban)
    assert dispatched.status == Status.DISPATCHED
    assert not TrainingLabel.objects.exists()
