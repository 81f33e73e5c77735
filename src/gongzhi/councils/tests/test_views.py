"""Pages: staff run it, members read it, outsiders get 404, the public sees seats and units only."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gongzhi.councils import actions
from gongzhi.councils.models import AgendaItem, Decision, DecisionStatus, Meeting, Seat
from gongzhi.councils.tests.conftest import held, passed_decision


def test_staff_run_a_meeting_end_to_end_through_the_pages(client, actors, world):
    client.force_login(actors.staff_a)
    m = world.meeting
    assert (
        client.post(
            reverse("councils:agenda_add", args=[m.pk]),
            {"title": "停车难", "source_kind": "appeal", "source_id": 42, "source_text": "居民反映"},
        ).status_code
        == 302
    )
    present = [s.pk for s in world.seats[:4]]
    assert client.post(reverse("councils:attendance", args=[m.pk]), {"present": present}).status_code == 302
    client.post(reverse("councils:minutes", args=[m.pk]), {"minutes": "与会人员充分讨论。"})
    deadline = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = client.post(
        reverse("councils:decision_add", args=[m.pk]),
        {
            "text": "夜间开放学校操场停车",
            "rule": "majority_members",
            "yes": 3,
            "no": 1,
            "abstain": 0,
            "agenda_item": AgendaItem.objects.get().pk,
            "owner_org": world.property_company.pk,
            "deadline": deadline,
        },
    )
    assert response.status_code == 302
    d = Decision.objects.get()
    assert (d.members, d.present, d.needed, d.passed) == (5, 4, 3, True)
    page = client.get(reverse("councils:meeting", args=[m.pk])).content.decode()
    assert "与会人员充分讨论" in page
    assert "代表张" in page


def test_a_bad_vote_gets_422_with_the_reason_and_nothing_is_stored(client, actors, world):
    actions.attendance_record(actor=None, meeting=world.meeting, present_seat_ids={world.seats[0].pk})
    client.force_login(actors.staff_a)
    response = client.post(
        reverse("councils:decision_add", args=[world.meeting.pk]),
        {"text": "x", "rule": "majority_present", "yes": 2, "no": 0, "abstain": 0},
    )
    assert response.status_code == 422
    assert "超过实到人数1" in response.content.decode()
    assert not Decision.objects.exists()


def test_staff_of_another_community_gets_404_and_nothing_changes(client, actors, world):
    client.force_login(actors.staff_b)
    assert client.get(reverse("councils:council", args=[world.council.pk])).status_code == 404
    response = client.post(
        reverse("councils:meeting_add", args=[world.council.pk]),
        {"title": "x", "starts_at": "2026-12-01T10:00"},
    )
    assert response.status_code == 404
    response = client.post(
        reverse("councils:attendance", args=[world.meeting.pk]), {"present": [world.seats[0].pk]}
    )
    assert response.status_code == 404
    assert Meeting.objects.count() == 1
    assert not world.meeting.attendance.exists()
    assert world.council.name not in client.get(reverse("councils:index")).content.decode()


def test_a_member_sees_their_council_but_cannot_manage_it(client, world):
    client.force_login(world.member_user)
    assert world.council.name in client.get(reverse("councils:index")).content.decode()
    page = client.get(reverse("councils:council", args=[world.council.pk]))
    assert page.status_code == 200
    assert "召集会议" not in page.content.decode()
    assert (
        client.post(
            reverse("councils:meeting_add", args=[world.council.pk]),
            {"title": "x", "starts_at": "2026-12-01T10:00"},
        ).status_code
        == 404
    )
    assert Meeting.objects.count() == 1


def test_a_resident_who_is_not_a_member_gets_404(client, actors, world):
    client.force_login(actors.resident_a)
    assert client.get(reverse("councils:council", args=[world.council.pk])).status_code == 404


def test_the_public_pages_name_seats_and_units_never_persons(client, world):
    held(world)
    actions.minutes_save(actor=None, meeting=world.meeting, minutes="代表张发言:……")
    actions.agenda_add(
        actor=None,
        meeting=world.meeting,
        title="临时停车",
        source_kind="resident",
        source_text="居民代表张提议",
    )
    passed_decision(world, "设立临时停车区", days=-3, owner_name="", owner_org=world.property_company)
    public = client.get(reverse("councils:public", args=[world.council.community_id]))
    html = public.content.decode()
    assert public.status_code == 200
    assert "设立临时停车区" in html
    assert "甲物业公司" in html
    assert "代表张" not in html
    meeting = client.get(reverse("councils:meeting", args=[world.meeting.pk])).content.decode()
    assert "设立临时停车区" in meeting
    assert "代表张" not in meeting


def test_overdue_page_lists_what_was_decided_but_not_done(client, actors, world):
    held(world)
    passed_decision(world, "维修化粪池", days=-3)
    client.force_login(actors.secretary_a)
    html = client.get(reverse("councils:overdue"), {"community": actors.net.a.community.pk}).content.decode()
    assert "维修化粪池" in html
    client.force_login(actors.staff_b)
    assert "维修化粪池" not in client.get(reverse("councils:overdue")).content.decode()
    assert (
        client.get(reverse("councils:overdue"), {"community": actors.net.a.community.pk}).status_code == 404
    )


def test_the_api_lists_overdue_decisions_only_to_their_staff(client, actors, world):
    held(world)
    d = passed_decision(world, "修补破损路面", days=-1)
    client.force_login(actors.staff_a)
    rows = client.get("/api/v1/councils/overdue").json()
    assert [(r["id"], r["needed"], r["overdue"]) for r in rows] == [(d.pk, 3, True)]
    assert (
        client.get(f"/api/v1/councils/meetings/{world.meeting.pk}").json()["decisions"][0]["passed"] is True
    )
    client.force_login(actors.staff_b)
    assert client.get("/api/v1/councils/overdue").json() == []
    assert client.get(f"/api/v1/councils/meetings/{world.meeting.pk}").status_code == 404


def test_a_member_whose_seat_ended_no_longer_sees_the_council(client, world):
    actions.seat_end(actor=None, seat=world.seats[1], on=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(world.member_user)
    assert client.get(reverse("councils:council", args=[world.council.pk])).status_code == 404


def test_a_resident_finds_the_public_page_of_their_community(client, actors, world):
    client.force_login(actors.resident_a)
    html = client.get(reverse("councils:index")).content.decode()
    assert reverse("councils:public", args=[actors.net.a.community.pk]) in html


def test_seats_steps_and_evidence_through_the_pages_and_a_refused_form_keeps_its_input(client, actors, world):
    client.force_login(actors.staff_a)
    url = reverse("councils:seat_add", args=[world.council.pk])
    refused = client.post(url, {"kind": "resident_rep", "organisation": "", "phone": ""})
    assert refused.status_code == 422
    assert "居民代表席位须填写代表手机号" in refused.content.decode()
    seats = Seat.objects.count()
    response = client.post(url, {"kind": "property_company", "organisation": world.property_company.pk})
    assert response.status_code == 302
    assert Seat.objects.latest("pk").organisation == world.property_company
    assert Seat.objects.count() == seats + 1
    held(world)
    d = passed_decision(world, "更换路灯", days=5)
    step = reverse("councils:decision_transition", args=[d.pk])
    refused = client.post(step, {"to": "done", "note": "已换好"})
    assert refused.status_code == 422
    assert "已换好" in refused.content.decode()  # the note the user typed is still in the form
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    added = client.post(reverse("councils:evidence_add", args=[d.pk]), {"upload": pdf, "note": "照片"})
    assert added.status_code == 302
    evidence = d.evidence.get()
    assert client.get(reverse("councils:evidence_file", args=[d.pk, evidence.pk])).status_code == 200
    assert client.get(reverse("councils:evidence_file", args=[d.pk, evidence.pk + 1])).status_code == 404
    assert client.post(step, {"to": "done", "note": "已换好"}).status_code == 302
    d.refresh_from_db()
    assert d.status == DecisionStatus.DONE
