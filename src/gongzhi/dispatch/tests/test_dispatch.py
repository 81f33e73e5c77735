"""秒拨: training and refusing, evaluation, threshold behaviour at intake, corrections, switching."""

import json

import pytest
from django.core.management import CommandError, call_command

from gongzhi.appeals import actions as appeal_actions
from gongzhi.appeals.models import Category
from gongzhi.appeals.workflow import Status
from gongzhi.dispatch import actions, predict, training
from gongzhi.dispatch.models import (
    AutoDispatchThreshold,
    DispatchModel,
    LabelSource,
    Suggestion,
    TrainingLabel,
)
from gongzhi.dispatch.tests.data import ROWS, _write, resident_appeal


def test_training_from_a_labelled_file_stores_and_activates_a_version(model):
    assert model.version == 1
    assert model.is_active
    assert set(model.labels) == {"城乡建设", "教育文体"}
    ranked = predict.predict([training.compose("学校收费", "学校乱收费,老师补课")])[0]
    assert len(ranked) == 2
    assert ranked[0][0] == "教育文体"
    assert abs(sum(p for _, p in ranked) - 1) < 1e-6


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({"城乡建设": ROWS["城乡建设"] * 2}, "只有一个类别"),
        ({**ROWS, "不存在的分类": ROWS["城乡建设"]}, "不在分类目录中"),
        ({**ROWS, "": ROWS["城乡建设"][:1]}, "没有标签"),
        ({"城乡建设": ROWS["城乡建设"][:2], "教育文体": ROWS["教育文体"][:2]}, "至少需要"),
    ],
)
def test_a_bad_training_file_is_refused_and_the_active_model_stays(model, tmp_path, rows, message):
    bad = _write(tmp_path, rows, "bad.csv")
    with pytest.raises(CommandError, match=message):
        call_command("dispatch", "train", str(bad))
    assert list(DispatchModel.objects.values_list("version", "is_active")) == [(1, True)]


def test_evaluate_prints_a_report_and_ends_with_one_json_line(model, labelled, capsys):
    call_command("dispatch", "evaluate", str(labelled))
    out = capsys.readouterr().out.strip().splitlines()
    assert "混淆矩阵" in "\n".join(out)
    summary = json.loads(out[-1])
    assert summary["n"] == 12
    assert summary["accuracy"] > 0.8


def test_cross_validation_trains_fresh_models_on_the_file(labelled, capsys):
    call_command("dispatch", "evaluate", str(labelled), "--folds", "3")
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["n"] == 12
    assert set(summary) == {"accuracy", "macro_f1", "n"}
    assert not DispatchModel.objects.exists()


def test_evaluate_with_no_active_model_is_a_clear_error(labelled):
    with pytest.raises(CommandError, match="没有启用的分拨模型"):
        call_command("dispatch", "evaluate", str(labelled))


def test_activate_and_rollback_switch_the_model_in_use(model, labelled):
    second = actions.model_train(actor=None, file=labelled, tune=False)
    assert predict.active_version() == second.version == 2
    call_command("dispatch", "rollback")
    assert predict.active_version() == 1
    call_command("dispatch", "activate", "2")
    assert predict.active_version() == 2
    assert DispatchModel.objects.filter(is_active=True).count() == 1
    with pytest.raises(CommandError, match="v9"):
        call_command("dispatch", "activate", "9")


def test_rollback_without_an_older_version_is_refused(model):
    with pytest.raises(CommandError, match="无法回滚"):
        call_command("dispatch", "rollback")


def _submit(actors, text: str, title: str = ""):
    return resident_appeal(actors, text, title)


def test_a_confident_prediction_sets_the_category_and_the_rules_dispatch(model, actors, world):
    AutoDispatchThreshold.objects.create(territory=actors.net.district, threshold=0.0)
    appeal = _submit(actors, "小区门口占道经营,路灯也不亮")
    appeal.refresh_from_db()
    assert appeal.category == Category.objects.get(path="城乡建设")
    assert appeal.status == Status.DISPATCHED
    assert appeal.department == world.housing  # the level-1 category falls to the catch-all rule


def test_below_the_threshold_the_appeal_waits_in_triage_with_three_suggestions(model, actors):
    AutoDispatchThreshold.objects.create(territory=actors.net.district, threshold=1.0)
    appeal = _submit(actors, "小区门口占道经营,路灯也不亮")
    appeal.refresh_from_db()
    assert appeal.category is None
    assert appeal.status == Status.SUBMITTED
    suggestions = list(Suggestion.objects.filter(appeal=appeal))
    assert [s.rank for s in suggestions] == [1, 2]  # two classes in this model; three at most
    assert suggestions[0].label == "城乡建设"
    assert suggestions[0].model_version == 1


def test_the_nearest_threshold_wins(model, actors):
    AutoDispatchThreshold.objects.create(territory=actors.net.district, threshold=0.0)
    AutoDispatchThreshold.objects.create(territory=actors.net.a.community, threshold=0.99)
    assert predict.threshold_for(actors.net.a.community) == 0.99
    assert predict.threshold_for(actors.net.street) == 0.0


def test_without_an_active_model_intake_is_unchanged(world, actors):
    appeal = _submit(actors, "小区门口占道经营")
    assert appeal.category is None
    assert appeal.department == world.housing  # the catch-all rule, as before
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    "text", ["", "a", "。", "Street light broken near gate 3", "路灯坏了 light 🔦🔦🚧", "占道" * 3000]
)
def test_odd_text_predicts_safely(model, text):
    ranked = predict.predict([training.compose("", text)])[0]
    assert ranked
    assert all(0 <= p <= 1 for _, p in ranked)
    if len(text.strip()) <= 1 or text == "。":
        assert ranked[0][1] <= 0.5  # never confident enough to auto-dispatch


def test_a_human_dispatch_that_differs_from_the_suggestion_becomes_a_training_label(model, actors, world):
    AutoDispatchThreshold.objects.create(territory=actors.net.district, threshold=1.0)
    appeal = _submit(actors, "小区门口占道经营,路灯也不亮")
    top = Suggestion.objects.get(appeal=appeal, rank=1)
    assert top.department == world.housing
    appeal = appeal_actions.appeal_accept(appeal=appeal, actor=actors.staff_a)
    appeal_actions.appeal_dispatch(appeal=appeal, actor=actors.staff_a, department=world.urban)
    label = TrainingLabel.objects.get()
    assert label.source == LabelSource.CORRECTION
    assert label.department == world.urban
    assert label.appeal_id == appeal.pk
    assert "占道经营" in label.text


def test_a_human_dispatch_that_follows_the_suggestion_records_nothing(model, actors, world):
    AutoDispatchThreshold.objects.create(territory=actors.net.district, threshold=1.0)
    appeal = _submit(actors, "小区门口占道经营,路灯也不亮")
    appeal = appeal_actions.appeal_accept(appeal=appeal, actor=actors.staff_a)
    appeal_actions.appeal_dispatch(appeal=appeal, actor=actors.staff_a, department=world.housing)
    assert not TrainingLabel.objects.exists()


def test_training_from_history_uses_categorised_appeals(world, actors):
    from gongzhi.appeals.tests.helpers import submit

    for subject, detail in ROWS["城乡建设"]:
        submit(actors, world, text=detail, title=subject, category=world.cat_urban)
    for subject, detail in ROWS["教育文体"]:
        submit(actors, world, text=detail, title=subject, category=world.cat_other)
    model = actions.model_train(actor=None, tune=False)
    assert model.label_kind == "category"
    assert set(model.labels) == {world.cat_urban.path, world.cat_other.path}


def test_the_triage_page_and_the_appeal_page_show_the_suggestions(model, actors, client):
    from django.urls import reverse

    AutoDispatchThreshold.objects.create(territory=actors.net.district, threshold=1.0)
    appeal = _submit(actors, "学校乱收费,老师补课")
    client.force_login(actors.staff_a)
    triage = client.get(reverse("appeals:triage")).content.decode()
    assert "智能分拨建议" in triage
    assert "教育文体" in triage
    detail = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "智能分拨建议" in detail


def test_a_large_set_is_calibrated_on_a_held_out_tenth(monkeypatch):
    monkeypatch.setattr(training, "LARGE", 5)
    examples = [training.Example(s, d, label) for label, items in ROWS.items() for s, d in items * 20]
    pipeline, info = training.fit(examples, tune=True)
    assert info["C"] == 1.0  # no inner search on a large set
    ranked = pipeline.predict_proba([training.compose("学校乱收费", "")])[0]
    assert abs(sum(ranked) - 1) < 1e-6
