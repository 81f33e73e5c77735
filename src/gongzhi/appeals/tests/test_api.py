import base64
import json

import pytest

from gongzhi.accounts.actions import token_create
from gongzhi.appeals.intake import appeal_submit
from gongzhi.appeals.models import Appeal, AppealEvent
from gongzhi.appeals.tests.helpers import IN_A, submit
from gongzhi.appeals.workflow import Action, Status

URL = "/api/v1/appeals/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def post(client, url, data=None, **headers):
    return client.post(url, json.dumps(data or {}), content_type="application/json", headers=headers)


def as_user(client, user):
    client.force_login(user)
    return client


def snapshot(appeal_id):
    row = Appeal.objects.get(pk=appeal_id)
    return row.status, row.department_id, row.events.count()


# --- intake ------------------------------------------------------------------------------------


def test_a_resident_submits_as_themselves_on_the_resident_channel_and_gets_201(client, actors, world):
    body = {
        "text": "路灯坏了一个月",
        "category": world.cat_urban.path,
        "contact_phone": "13800138000",
        **IN_A,
    }
    response = post(as_user(client, actors.resident_a), URL, body)
    assert response.status_code == 201, response.content
    data = response.json()
    appeal = Appeal.objects.get(pk=data["id"])
    assert appeal.channel == "resident_app"
    assert appeal.submitter == actors.resident_a.person
    assert data["number"] == appeal.number
    assert data["status"] == Status.DISPATCHED
    assert data["department"] == world.urban.name
    assert data["community"] == actors.net.a.community.name
    assert data["resolve_due_at"]
    assert data["sign_due_at"]
    assert data["contact_phone_masked"] == "138****8000"
    assert "13800138000" not in response.content.decode()
    assert "cipher" not in response.content.decode()
    assert data["links"]["self"] == f"/api/v1/appeals/{appeal.pk}"


def test_a_resident_may_not_pick_another_channel(client, actors, world):
    response = post(as_user(client, actors.resident_a), URL, {"text": "热线", "channel": "hotline", **IN_A})
    assert response.status_code == 403
    assert Appeal.objects.count() == 0


def test_staff_with_report_capability_records_a_hotline_call_with_a_bearer_token(client, actors, world):
    _token, raw = token_create(actor=actors.staff_a, name="12345")
    body = {
        "text": "来电反映噪音扰民",
        "channel": "hotline",
        "contact_name": "张先生",
        "contact_phone": "13912345678",
        **IN_A,
    }
    response = post(client, URL, body, Authorization=f"Bearer {raw}")
    assert response.status_code == 201, response.content
    appeal = Appeal.objects.get()
    assert (appeal.channel, appeal.submitter) == ("hotline", None)
    assert appeal.events.first().actor == actors.staff_a


def test_the_same_idempotency_key_returns_the_same_appeal_with_200(client, actors, world):
    client = as_user(client, actors.resident_a)
    body = {"text": "垃圾桶满了没人清", **IN_A}
    first = post(client, URL, body, **{"Idempotency-Key": "abc-123"})
    second = post(client, URL, {**body, "text": "改了内容也一样"}, **{"Idempotency-Key": "abc-123"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Appeal.objects.count() == 1
    assert AppealEvent.objects.filter(action=Action.SUBMIT).count() == 1


def test_idempotency_keys_are_per_account(client, actors, world):
    body = {"text": "垃圾桶满了没人清", **IN_A}
    post(as_user(client, actors.resident_a), URL, body, **{"Idempotency-Key": "same"})
    _token, raw = token_create(actor=actors.staff_a, name="bridge")
    client.logout()
    other = post(client, URL, body, **{"Idempotency-Key": "same", "Authorization": f"Bearer {raw}"})
    assert other.status_code == 201
    assert Appeal.objects.count() == 2


def test_an_external_id_used_by_someone_out_of_sight_is_409_without_showing_it(client, actors, world):
    appeal_submit(
        actor=None, channel="api", text="外部系统工单", external_id="X-1", lon=113.9212, lat=22.7012
    )
    response = post(as_user(client, actors.staff_a), URL, {"text": "同一编号", "external_id": "X-1", **IN_A})
    assert response.status_code == 409
    assert "外部系统工单" not in response.content.decode()
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"text": "   ", **IN_A}, "text", "请描述"),
        ({"text": "没有位置"}, "location", "地图上选点"),
        ({"text": "界外", "lon": 100.0, "lat": 10.0}, "location", "服务范围"),
        ({"text": "长" * 5001, **IN_A}, "text", "最多"),
        ({"text": "分类不存在", "category": "不存在/的/分类", **IN_A}, "category", "未知的诉求分类"),
        (
            {
                "text": "不是图片",
                "photos": [{"name": "a.txt", "content_base64": base64.b64encode(b"hello").decode()}],
                **IN_A,
            },
            "photos",
            "不是图片",
        ),
        (
            {"text": "坏编码", "photos": [{"name": "a.png", "content_base64": "!!!"}], **IN_A},
            "photos",
            "base64",
        ),
        (
            {
                "text": "太多照片",
                "photos": [{"name": "p.png", "content_base64": base64.b64encode(PNG).decode()}] * 10,
                **IN_A,
            },
            "photos",
            "最多上传9张",
        ),
        ({"text": "电话不对", "contact_phone": "123", **IN_A}, "contact_phone", ""),
        ({"text": "紧急程度不对", "urgency": "asap", **IN_A}, "urgency", "紧急程度"),
    ],
)
def test_bad_input_is_400_with_a_chinese_message_and_nothing_is_stored(
    client, actors, world, body, field, words
):
    response = post(as_user(client, actors.staff_a), URL, body)
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["field"] == field
    assert words in data["detail"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in data["detail"])
    assert Appeal.objects.count() == 0


def test_photos_are_stored_from_base64(client, actors, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    body = {
        "text": "井盖丢了",
        "photos": [{"name": "p.png", "content_base64": base64.b64encode(PNG).decode()}],
        **IN_A,
    }
    response = post(as_user(client, actors.resident_a), URL, body)
    assert response.status_code == 201
    assert Appeal.objects.get().photos.get().content_type == "image/png"


def test_anonymous_requests_are_401(client, world):
    assert post(client, URL, {"text": "x", **IN_A}).status_code == 401
    assert client.get(URL).status_code == 401


# --- list and detail ---------------------------------------------------------------------------


def test_the_list_is_scoped_filtered_and_shows_masked_phones_only(
    client, actors, world, django_assert_max_num_queries
):
    mine = submit(actors, world, title="占道经营", contact_phone="13800138000")
    appeal_submit(actor=None, channel="api", text="乙社区的事", lon=113.9212, lat=22.7012)
    client = as_user(client, actors.staff_a)
    with django_assert_max_num_queries(8):
        data = client.get(URL).json()
    assert [row["id"] for row in data["items"]] == [mine.pk]
    assert data["items"][0]["contact_phone_masked"] == "138****8000"
    assert "cipher" not in json.dumps(data)
    assert client.get(URL, {"q": "占道"}).json()["count"] == 1
    assert client.get(URL, {"q": "没有"}).json()["count"] == 0
    assert client.get(URL, {"status": "dispatched", "department": world.urban.pk}).json()["count"] == 1
    assert client.get(URL, {"community": actors.net.b.community.pk}).json()["count"] == 0
    assert client.get(URL, {"overdue": "true"}).json()["count"] == 0
    Appeal.objects.filter(pk=mine.pk).update(resolve_due_at="2020-01-01T00:00:00Z")
    assert client.get(URL, {"overdue": "true"}).json()["count"] == 1
    assert as_user(client, actors.staff_b).get(URL).json()["count"] == 1


def test_detail_has_the_timeline_and_residents_see_only_public_events(client, actors, world):
    appeal = submit(actors, world)
    AppealEvent.objects.create(
        appeal=appeal, action=Action.NOTE, note="内部备注", public=False, actor_label="社工甲"
    )
    staff = as_user(client, actors.staff_a).get(f"{URL}{appeal.pk}").json()
    assert [e["action"] for e in staff["timeline"]] == ["submit", "accept", "dispatch", "note"]
    resident = as_user(client, actors.resident_a).get(f"{URL}{appeal.pk}").json()
    assert [e["action"] for e in resident["timeline"]] == ["submit", "accept", "dispatch"]
    assert all(e["actor_label"] == "" for e in resident["timeline"])
    assert resident["text"] == appeal.text


def test_outsiders_get_404_on_detail(client, actors, world):
    appeal = submit(actors, world)
    for outsider in (actors.staff_b, world.housing_handler):
        assert as_user(client, outsider).get(f"{URL}{appeal.pk}").status_code == 404
    assert client.get(f"{URL}999999").status_code == 404


# --- actions -----------------------------------------------------------------------------------


def test_the_whole_loop_through_the_api(client, actors, world):
    appeal = submit(actors, world)
    url = f"{URL}{appeal.pk}/"
    handler = as_user(client, world.urban_handler)
    assert post(handler, url + "sign").json()["status"] == Status.SIGNED
    assert post(handler, url + "start").json()["status"] == Status.IN_PROGRESS
    assert post(handler, url + "contact", {"note": "电话联系了诉求人"}).status_code == 200
    extended = post(handler, url + "extend", {"workdays": 3, "reason": "需协调多个部门"})
    assert extended.status_code == 200
    assert post(handler, url + "reply", {"text": "已联系城管中队现场劝离"}).json()["status"] == Status.REPLIED
    resident = as_user(client, actors.resident_a)
    rated = post(resident, url + "rate", {"satisfaction": "satisfied", "solved": True, "comment": "很好"})
    assert rated.json()["status"] == Status.CLOSED
    actions_seen = list(AppealEvent.objects.filter(appeal=appeal).values_list("action", flat=True))
    assert actions_seen == [
        "submit",
        "accept",
        "dispatch",
        "sign",
        "start",
        "contact",
        "extend_request",
        "reply",
        "rate",
        "close",
    ]


def test_dispatcher_actions_accept_reject_dispatch_return_merge(client, actors, world):
    from gongzhi.appeals.models import RoutingRuleSet

    RoutingRuleSet.objects.update(is_active=False)  # nothing routes: the community dispatches by hand
    first, second, third = (submit(actors, world, text=f"第{n}件") for n in range(3))
    staff = as_user(client, actors.staff_a)
    assert post(staff, f"{URL}{first.pk}/accept").json()["status"] == Status.ACCEPTED
    hidden = post(staff, f"{URL}{first.pk}/dispatch", {"department_id": 999999})
    assert (hidden.status_code, hidden.json()["field"]) == (400, "department_id")
    dispatched = post(staff, f"{URL}{first.pk}/dispatch", {"department_id": world.urban.pk})
    assert (dispatched.json()["status"], dispatched.json()["department"]) == (
        Status.DISPATCHED,
        world.urban.name,
    )
    returned = post(
        as_user(client, world.urban_handler), f"{URL}{first.pk}/return", {"reason": "不属于本部门"}
    )
    assert returned.json()["status"] == Status.ACCEPTED
    staff = as_user(client, actors.staff_a)
    assert post(staff, f"{URL}{second.pk}/reject", {"reason": "重复反映"}).json()["status"] == Status.REJECTED
    merged = post(staff, f"{URL}{third.pk}/merge", {"into_id": first.pk})
    assert merged.json()["status"] == Status.MERGED
    assert post(staff, f"{URL}{first.pk}/merge", {"into_id": 999999}).status_code == 400


def test_double_sign_is_409_with_a_chinese_message_and_one_event(client, actors, world):
    appeal = submit(actors, world)
    handler = as_user(client, world.urban_handler)
    assert post(handler, f"{URL}{appeal.pk}/sign").status_code == 200
    again = post(handler, f"{URL}{appeal.pk}/sign")
    assert again.status_code == 409
    assert "不能执行“签收”" in again.json()["detail"]
    assert AppealEvent.objects.filter(appeal=appeal, action=Action.SIGN).count() == 1


def test_bad_action_input_is_400_in_chinese(client, actors, world):
    appeal = submit(actors, world)
    handler = as_user(client, world.urban_handler)
    response = post(handler, f"{URL}{appeal.pk}/return", {"reason": "  "})
    assert response.status_code == 400
    assert response.json()["detail"] == "请填写退单理由"
    post(handler, f"{URL}{appeal.pk}/sign")
    assert post(handler, f"{URL}{appeal.pk}/reply", {"text": "好"}).json()["detail"] == "答复内容至少5个字"
    assert post(handler, f"{URL}{appeal.pk}/extend", {"workdays": 99, "reason": "x"}).status_code == 400


def test_someone_who_sees_but_may_not_act_gets_403_and_nothing_changes(client, actors, world):
    appeal = submit(actors, world)
    before = snapshot(appeal.pk)
    response = post(as_user(client, actors.staff_a), f"{URL}{appeal.pk}/sign")
    assert response.status_code == 403
    assert "无权" in response.json()["detail"]
    assert snapshot(appeal.pk) == before


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("accept", {}),
        ("reject", {"reason": "x"}),
        ("dispatch", {"department_id": 1}),
        ("sign", {}),
        ("return", {"reason": "x"}),
        ("start", {}),
        ("contact", {"note": "x"}),
        ("reply", {"text": "已处理完毕谢谢"}),
        ("rate", {"satisfaction": "satisfied", "solved": True}),
        ("merge", {"into_id": 1}),
        ("extend", {"workdays": 1, "reason": "x"}),
    ],
)
def test_every_action_gives_outsiders_404_and_changes_nothing(client, actors, world, action, body):
    appeal = submit(actors, world)
    before = snapshot(appeal.pk)
    for outsider in (actors.staff_b, world.housing_handler):
        response = post(as_user(client, outsider), f"{URL}{appeal.pk}/{action}", body)
        assert response.status_code == 404
    assert snapshot(appeal.pk) == before


def test_a_bearer_token_needs_no_csrf_token_but_a_session_does(actors, world):
    from django.test import Client

    _token, raw = token_create(actor=actors.staff_a, name="bridge")
    strict = Client(enforce_csrf_checks=True)
    body = {"text": "令牌提交无需CSRF", **IN_A}
    assert post(strict, URL, body, Authorization=f"Bearer {raw}").status_code == 201
    strict.force_login(actors.staff_a)
    assert post(strict, URL, body).status_code == 403  # a cookie alone never authorises a write
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize(
    ("lon", "lat", "address"),
    [
        (113.9012, 22.7012, ""),
        (113.9212, 22.7012, ""),
        (113.945, 22.72, ""),
        (100.0, 10.0, "甲社区花园"),
        (None, None, "乙社区花园1栋"),
    ],
)
def test_intake_placement_in_one_query_equals_routing_place(actors, world, lon, lat, address):
    from gongzhi.appeals import intake, routing

    assert intake._place(lon=lon, lat=lat, address_text=address) == routing.place(
        lon=lon, lat=lat, address_text=address
    )


def test_a_rule_naming_an_organisation_that_cannot_handle_appeals_is_400_and_nothing_is_stored(
    client, actors, world
):
    from gongzhi.appeals.models import RoutingRule
    from gongzhi.orgs.models import OrgKind

    world.urban.kind = OrgKind.SOCIAL_ORG
    world.urban.save()
    response = post(
        as_user(client, actors.staff_a), URL, {"text": "占道", "category_id": world.cat_urban.pk, **IN_A}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "请选择承办部门"
    assert Appeal.objects.count() == 0
    assert RoutingRule.objects.filter(department=world.urban).exists()
