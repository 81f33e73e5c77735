"""The demo's dispatch step: a model from the demo's own history, and held appeals on the triage page."""

from conftest import make_user
from django.urls import reverse

from gongzhi.accounts.roles import Role
from gongzhi.appeals.models import Appeal
from gongzhi.appeals.tests.helpers import submit
from gongzhi.dispatch import demo
from gongzhi.dispatch.models import DispatchModel, Suggestion
from gongzhi.dispatch.tests.data import ROWS
from gongzhi.territory.models import TerritoryNode


def test_the_demo_trains_on_its_history_and_holds_unclear_appeals_for_triage(
    world, actors, client, monkeypatch
):
    # two classes make a confident model: a higher bar than the demo's 0.8 holds most of the texts
    monkeypatch.setattr(demo, "THRESHOLD", 0.99)
    for subject, detail in ROWS["城乡建设"]:
        submit(actors, world, text=detail, title=subject, category=world.cat_urban)
    for subject, detail in ROWS["教育文体"]:
        submit(actors, world, text=detail, title=subject, category=world.cat_other)
    TerritoryNode.objects.filter(pk=actors.net.a.community.pk).update(name=demo.HOME)
    make_user(
        "demo_resident", "演示居民", Role.RESIDENT, actors.net.a.household, household=actors.net.a.household
    )
    lines: list[str] = []
    counts = demo.install_demo(seed=1, progress=lines.append)
    model = DispatchModel.objects.get(is_active=True)
    assert model.source == "demo:history"
    assert model.label_kind == "category"
    assert set(model.labels) == {world.cat_urban.path, world.cat_other.path}
    assert counts["dispatch_held"] + counts["dispatch_auto"] == len(demo.INTAKE_TEXTS)
    assert counts["dispatch_held"] >= 1
    held = Appeal.objects.filter(category__isnull=True, title__in=[t for t, _ in demo.INTAKE_TEXTS])
    assert held.count() == counts["dispatch_held"]
    assert Suggestion.objects.filter(appeal__in=held, rank=1).count() == held.count()
    client.force_login(actors.staff_a)
    page = client.get(reverse("appeals:triage")).content.decode()
    assert "智能分拨建议" in page
    assert held.first().title in page
    assert "秒拨" in lines[-1]


def test_too_little_history_trains_nothing(world):
    lines: list[str] = []
    assert demo.install_demo(seed=1, progress=lines.append) == {"dispatch_models": 0}
    assert not DispatchModel.objects.exists()
