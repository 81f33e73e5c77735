"""A labelled file from the city board (taxonomy.csv's classes) on a deployment whose own category
tree names its classes differently — the Guangming demo (decision 0037): the model is trained and
used, the command says which classes cannot be routed, and appeals predicted as those wait in
triage instead of being dispatched."""

import pytest
from django.core.management import CommandError, call_command

from gongzhi.appeals.models import Category
from gongzhi.appeals.workflow import Status
from gongzhi.dispatch import actions
from gongzhi.dispatch.models import AutoDispatchThreshold, DispatchModel, Suggestion
from gongzhi.dispatch.tests.data import ROWS, _write, resident_appeal


@pytest.fixture
def board(world, tmp_path, monkeypatch):
    """A board taxonomy naming 城乡建设 and 教育文体; the deployment's tree has neither (its level-1
    class is called 城市建设 here, as the demo's are 城市管理, 住房物业, …)."""
    Category.objects.filter(level=1, name="城乡建设").update(name="城市建设")
    shared = tmp_path / "shared"
    (shared / "appeals").mkdir(parents=True)
    (shared / "appeals/taxonomy.csv").write_text(
        "level1,level2,level3\n城乡建设,城市建设和市政管理,小区管理\n教育文体,教育,学校管理\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("GONGZHI_SHARED_DATA", str(shared))
    return shared


def test_board_classes_train_when_the_tree_names_its_classes_differently(board, world, tmp_path, capsys):
    assert not Category.objects.filter(level=1, name__in=ROWS).exists()
    call_command("dispatch", "train", str(_write(tmp_path, ROWS)), "--no-tune")
    out = capsys.readouterr().out
    assert "已训练并启用分拨模型 v1" in out
    assert "2个类别不在本系统的诉求分类中(城乡建设、教育文体)" in out
    model = DispatchModel.objects.get()
    assert model.is_active
    assert model.metrics["unrouted_labels"] == ["城乡建设", "教育文体"]


def test_a_label_in_neither_the_tree_nor_the_board_taxonomy_is_still_refused(board, world, tmp_path):
    rows = {**ROWS, "城乡建没": ROWS["城乡建设"]}  # a typo
    with pytest.raises(CommandError, match="城乡建没"):
        call_command("dispatch", "train", str(_write(tmp_path, rows)))
    assert not DispatchModel.objects.exists()


def test_a_confident_prediction_of_an_unrouted_class_waits_in_triage(board, world, actors, tmp_path):
    actions.model_train(actor=None, file=_write(tmp_path, ROWS), tune=False)
    AutoDispatchThreshold.objects.create(territory=actors.net.district, threshold=0.0)  # always confident
    appeal = resident_appeal(actors, "学校乱收费,老师补课")
    appeal.refresh_from_db()
    assert appeal.status == Status.SUBMITTED
    assert appeal.category is None
    assert appeal.department is None
    top = Suggestion.objects.get(appeal=appeal, rank=1)
    assert (top.label, top.category, top.department) == ("教育文体", None, None)


def test_no_warning_when_every_class_is_in_the_tree(model, capsys, labelled):
    call_command("dispatch", "train", str(labelled), "--no-tune")
    assert "不在本系统的诉求分类中" not in capsys.readouterr().out
