"""Duplicate suggestions at intake, their scoping, and "me too"."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.appeals.tests.helpers import IN_A, submit
from gongzhi.hotissues import actions
from gongzhi.hotissues.actions import fingerprint_appeal, fingerprint_missing
from gongzhi.hotissues.duplicates import similar_appeals, suggested_merges
from gongzhi.hotissues.models import AppealFingerprint, Support

LAMP = "幸福路18号路灯坏了,晚上一片漆黑"
NEAR = {"lon": 113.9013, "lat": 22.7013}  # ~15 m from IN_A
FAR = {"lon": 113.9112, "lat": 22.7012}  # ~1 km east


def _appeal(actors, world, text=LAMP, where=IN_A, **kw):  # type: ignore[no-untyped-def]
    appeal = submit(actors, world, where=where, text=text, **kw)
    fingerprint_appeal(appeal)
    return appeal


@pytest.mark.django_db
def test_same_place_similar_text_is_suggested(actors, world):
    first = _appeal(actors, world)
    found = similar_appeals(actor=actors.street_officer, text="幸福路18号的路灯坏了,晚上很黑", **NEAR)
    assert [s.appeal_id for s in found] == [first.pk]
    assert found[0].number == first.number
    assert found[0].distance_m < 50


@pytest.mark.django_db
def test_far_away_or_different_text_or_outside_window_not_suggested(actors, world):
    _appeal(actors, world)
    assert similar_appeals(actor=actors.street_officer, text=LAMP, **FAR) == []
    assert similar_appeals(actor=actors.street_officer, text="小区垃圾站无人清运,臭气熏天", **NEAR) == []
    later = timezone.now() + datetime.timedelta(days=31)
    assert similar_appeals(actor=actors.street_officer, text=LAMP, at=later, **NEAR) == []
    assert similar_appeals(actor=actors.street_officer, text="灯", **NEAR) == []


@pytest.mark.django_db
def test_resident_sees_masked_title_only(actors, world):
    _appeal(actors, world, text="幸福路18号路灯坏了 联系13800138000")
    found = similar_appeals(actor=actors.resident_a, text=LAMP, **NEAR)
    assert len(found) == 1
    assert found[0].number == ""
    assert "13800138000" not in found[0].title


@pytest.mark.django_db
def test_outsider_staff_sees_nothing_of_another_community(actors, world):
    _appeal(actors, world)
    assert similar_appeals(actor=actors.staff_b, text=LAMP, **NEAR) == []
    assert len(similar_appeals(actor=actors.staff_a, text=LAMP, **NEAR)) == 1


@pytest.mark.django_db
def test_private_appeals_hidden_from_residents(actors, world):
    appeal = _appeal(actors, world)
    appeal.__class__.objects.filter(pk=appeal.pk).update(public=False)
    assert similar_appeals(actor=actors.resident_a, text=LAMP, **NEAR) == []


@pytest.mark.django_db
def test_backfill_and_merge_suggestion(actors, world):
    first = submit(actors, world, text=LAMP)
    second = submit(actors, world, text="幸福路18号路灯不亮了,晚上一片漆黑", where=NEAR)
    assert AppealFingerprint.objects.count() == 2  # intake fingerprints pinned appeals itself
    AppealFingerprint.objects.all().delete()  # appeals from before the hook existed
    assert fingerprint_missing() == 2
    assert AppealFingerprint.objects.count() == 2
    assert [s.appeal_id for s in suggested_merges(actor=actors.street_officer, appeal=second)] == [first.pk]


@pytest.mark.django_db
def test_me_too_is_idempotent(actors, world, client):
    appeal = _appeal(actors, world)
    _, n1 = actions.support_add(actor=actors.resident_a, appeal_id=appeal.pk)
    _, n2 = actions.support_add(actor=actors.resident_a, appeal_id=appeal.pk)
    assert n1 == n2 == 1
    assert Support.objects.count() == 1
    client.force_login(actors.staff_b)
    response = client.post(reverse("hotissues:support", args=[appeal.pk]))
    assert response.status_code == 200
    assert response.json()["supports"] == 2


@pytest.mark.django_db
def test_similar_json_and_api(actors, world, client):
    appeal = _appeal(actors, world)
    client.force_login(actors.resident_a)
    data = client.get(reverse("hotissues:similar"), {"text": LAMP, **NEAR}).json()
    assert [r["id"] for r in data["results"]] == [appeal.pk]
    assert "number" not in data["results"][0]
    assert (
        client.get(reverse("hotissues:similar"), {"text": LAMP, "lon": "nan", "lat": "x"}).json()["results"]
        == []
    )
    api = client.get("/api/v1/hot/similar", {"text": LAMP, **NEAR})
    assert api.status_code == 200
    assert api.json()["results"][0]["id"] == appeal.pk


@pytest.mark.django_db
def test_submit_page_includes_script(actors, world, client):
    client.force_login(actors.resident_a)
    assert b"hotissues/similar.js" in client.get(reverse("appeals:submit")).content


@pytest.mark.django_db
def test_detail_page_lists_merge_suggestions_for_dispatchers(actors, world, client):
    first = _appeal(actors, world)
    second = _appeal(actors, world, text="幸福路18号路灯不亮了,晚上一片漆黑", where=NEAR)
    client.force_login(actors.staff_a)
    page = client.get(reverse("appeals:detail", args=[second.pk])).content.decode()
    assert "merge-suggestions" in page
    assert first.number in page
    client.force_login(actors.resident_a)
    assert "merge-suggestions" not in client.get(reverse("appeals:detail", args=[second.pk])).content.decode()
    client.force_login(actors.staff_a)
    client.post(reverse("appeals:act", args=[second.pk, "merge"]), {"into": first.number})
    second.refresh_from_db()
    assert second.parent_id == first.pk


ADDRESS = {"address_text": "甲社区花园1栋楼下"}  # matches community A's compound and its building 1栋


@pytest.mark.django_db
def test_an_address_only_appeal_is_checked_at_its_building(actors, world):
    first = submit(actors, world, text=LAMP, where=ADDRESS)
    assert first.lon is None
    fp = AppealFingerprint.objects.get(appeal=first)  # intake fingerprints it at the building's point
    assert (fp.lon, fp.lat) == (actors.net.a.building.centroid_lon, actors.net.a.building.centroid_lat)
    # a later pinned report next to the building, and a later address-only report, both find it
    found = similar_appeals(
        actor=actors.street_officer, text="幸福路18号的路灯坏了,晚上很黑", lon=113.9011, lat=22.7011
    )
    assert [s.appeal_id for s in found] == [first.pk]
    second = submit(actors, world, text="幸福路18号路灯不亮了,晚上一片漆黑", where=ADDRESS)
    assert [s.appeal_id for s in suggested_merges(actor=actors.street_officer, appeal=second)] == [first.pk]


@pytest.mark.django_db
def test_an_unmatched_or_coarse_address_is_not_fingerprinted(actors, world):
    appeal = submit(
        actors,
        world,
        text=LAMP,
        where={"address_text": "不知道哪里的一条路"},
        fallback_territory=actors.net.a.community,
    )
    assert not AppealFingerprint.objects.filter(appeal=appeal).exists()
    assert suggested_merges(actor=actors.street_officer, appeal=appeal) == []


@pytest.mark.django_db
def test_the_draft_check_accepts_an_address_and_sends_translated_texts(actors, world, client):
    appeal = submit(actors, world, text=LAMP, where=ADDRESS)
    client.force_login(actors.resident_a)
    data = client.get(reverse("hotissues:similar"), {"text": LAMP, "address": "甲社区花园1栋"}).json()
    assert [r["id"] for r in data["results"]] == [appeal.pk]
    assert data["labels"]["me_too"] == "附议"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(reverse("hotissues:similar"), {"text": LAMP, "address": "甲社区花园1栋"}).json()
    assert english["labels"]["me_too"] != "附议"
    assert all(ord(ch) < 0x3000 for ch in english["labels"]["heading"])  # no Chinese left in English
    assert client.get(reverse("hotissues:similar"), {"text": LAMP, "address": "火星"}).json()["results"] == []


def test_the_script_holds_no_ui_text():
    from pathlib import Path

    script = (Path(__file__).resolve().parents[1] / "static/hotissues/similar.js").read_text(encoding="utf-8")
    code = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("//"))
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in code)
