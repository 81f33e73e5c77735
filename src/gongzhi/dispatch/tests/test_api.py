"""/api/v1/dispatch/: predictions scoped to view_appeals staff, model versions, activate/rollback."""

import pytest
from conftest import make_user

from gongzhi.accounts.roles import Role
from gongzhi.dispatch import actions, predict
from gongzhi.dispatch.models import AutoDispatchThreshold, DispatchModel

API = "/api/v1/dispatch"


@pytest.fixture
def admin(actors):  # type: ignore[no-untyped-def]
    return make_user("district_admin", "区管理员", Role.DISTRICT_ADMIN, actors.net.district)


def _post(client, url, data=None):  # type: ignore[no-untyped-def]
    return client.post(url, data or {}, content_type="application/json")


def test_staff_get_the_top_suggestions_with_the_routed_department(model, actors, world, client):
    client.force_login(actors.staff_a)
    response = _post(
        client, f"{API}/predict", {"subject": "学校乱收费", "text": "学校向学生收取资料费,老师补课"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["model_version"] == model.version
    top = body["suggestions"][0]
    assert top["label"] == "教育文体"
    assert top["rank"] == 1
    assert 0.5 < top["probability"] <= 1
    assert abs(sum(s["probability"] for s in body["suggestions"]) - 1) < 0.01
    urban = next(s for s in body["suggestions"] if s["label"] == "城乡建设")
    assert urban["department_id"] == world.housing.pk  # what the routing rules pick in A's community
    assert urban["department_name"] == world.housing.name


def test_the_threshold_of_the_territory_decides_auto_dispatch(model, actors, client):
    AutoDispatchThreshold.objects.create(territory=actors.net.a.community, threshold=1.0)
    client.force_login(actors.staff_a)
    body = _post(client, f"{API}/predict", {"text": "小区门口占道经营,路灯也不亮"}).json()
    assert body["threshold"] == 1.0
    assert body["auto_dispatch"] is False


def test_outsiders_of_the_territory_get_404_and_residents_403(model, actors, client):
    client.force_login(actors.staff_b)
    response = _post(client, f"{API}/predict", {"text": "路灯坏了", "territory": actors.net.a.community.code})
    assert response.status_code == 404
    client.force_login(actors.resident_a)
    assert _post(client, f"{API}/predict", {"text": "路灯坏了"}).status_code == 403
    assert client.get(f"{API}/models").status_code == 403
    client.logout()
    assert _post(client, f"{API}/predict", {"text": "路灯坏了"}).status_code == 401


@pytest.mark.parametrize(
    ("text", "status"),
    [("", 400), ("   ", 400), ("灯", 200), ("Street light broken 🔦🚧", 200), ("占道" * 20_000, 422)],
)
def test_odd_input_is_answered_clearly(model, actors, client, text, status):
    client.force_login(actors.staff_a)
    response = _post(client, f"{API}/predict", {"text": text})
    assert response.status_code == status, response.content
    if status == 200 and len(text) == 1:
        assert response.json()["suggestions"][0]["probability"] <= 0.5  # nothing to go on
        assert response.json()["auto_dispatch"] is False
    if status == 400:
        assert "诉求内容" in response.json()["detail"]


def test_predicting_with_no_active_model_is_409(world, actors, client):
    client.force_login(actors.staff_a)
    response = _post(client, f"{API}/predict", {"text": "路灯坏了好几天"})
    assert response.status_code == 409
    assert "没有启用的分拨模型" in response.json()["detail"]


def test_models_are_listed_without_their_blobs(model, actors, client):
    client.force_login(actors.staff_a)
    rows = client.get(f"{API}/models").json()
    assert [(r["version"], r["is_active"]) for r in rows] == [(1, True)]
    assert "blob" not in rows[0]
    assert set(rows[0]["labels"]) == {"城乡建设", "教育文体"}


def test_only_policy_managers_activate_and_roll_back(model, labelled, actors, admin, client):
    actions.model_train(actor=None, file=labelled, tune=False)
    client.force_login(actors.staff_a)
    assert _post(client, f"{API}/rollback").status_code == 403
    assert _post(client, f"{API}/models/1/activate").status_code == 403
    assert DispatchModel.objects.get(is_active=True).version == 2
    client.force_login(admin)
    response = _post(client, f"{API}/rollback")
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert predict.active_version() == 1
    assert _post(client, f"{API}/rollback").status_code == 409  # nothing older than v1
    assert _post(client, f"{API}/models/9/activate").status_code == 404
    response = _post(client, f"{API}/models/2/activate")
    assert response.status_code == 200
    assert response.json()["is_active"] is True
    assert list(DispatchModel.objects.filter(is_active=True).values_list("version", flat=True)) == [2]
