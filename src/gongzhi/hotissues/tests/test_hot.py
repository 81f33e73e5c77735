"""Hot issues: grouping on constructed examples, score order, the page for staff and 404 for outsiders."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.appeals.tests.helpers import IN_A, IN_B, submit
from gongzhi.hotissues.clustering import HotIssue, Item, cluster, hotness
from gongzhi.hotissues.models import Support

NOW = datetime.datetime(2026, 6, 28, tzinfo=datetime.UTC)
LAMPS = ["幸福路路灯坏了晚上很黑", "幸福路的路灯不亮,晚上太黑", "幸福路路灯坏了好几天", "幸福路路灯一直不亮"]
TRASH = ["小区垃圾站没人清运,很臭", "垃圾站垃圾没人清运,臭气熏天"]
OTHER = ["学校门口家长接孩子乱停车"]


def _items(texts, start_id=0, community=1, days_ago=1):  # type: ignore[no-untyped-def]
    return [
        Item(
            id=start_id + i,
            title=t[:10],
            text=t,
            at=NOW - datetime.timedelta(days=days_ago),
            person=start_id + i,
            community=community,
        )
        for i, t in enumerate(texts)
    ]


def test_two_clear_topics_two_clusters_ordered_by_score():
    issues = cluster(_items(LAMPS) + _items(TRASH, 10) + _items(OTHER, 20), now=NOW)
    assert len(issues) == 2
    assert sorted(m.id for m in issues[0].members) == [0, 1, 2, 3]
    assert sorted(m.id for m in issues[1].members) == [10, 11]
    assert issues[0].score > issues[1].score
    assert "路灯" in issues[0].title


def test_place_separates_same_text():
    issues = cluster(_items(LAMPS[:2], community=1) + _items(LAMPS[2:], 10, community=2), now=NOW)
    assert len(issues) == 2


def test_hotness_recency_and_growth():
    fresh = HotIssue(title="a", members=_items(LAMPS), residents=4, last=NOW, this_week=4, last_week=0)
    stale = HotIssue(title="b", members=_items(LAMPS), residents=4, last=NOW - datetime.timedelta(days=28))
    assert hotness(fresh, NOW) == (4 + 8) * 2
    assert hotness(stale, NOW) == pytest.approx(12 * 0.25)


def test_tiny_or_empty_input():
    assert cluster([], now=NOW) == []
    assert cluster(_items(["灯", "😀", "light broken"]), now=NOW) == []


@pytest.mark.django_db
def test_page_for_staff_404_for_outsiders(actors, world, client):
    for text in LAMPS:
        submit(actors, world, text=text, where=IN_A)
    other = submit(actors, world, text="乙社区路灯坏了晚上很黑", where=IN_B)
    first = submit(actors, world, text=LAMPS[0], where=IN_A)
    Support.objects.create(appeal=first, person=actors.person_b)
    month = timezone.localtime().strftime("%Y-%m")
    client.force_login(actors.staff_a)
    page = client.get(reverse("hotissues:hot"), {"node": actors.net.a.community.pk, "month": month})
    assert page.status_code == 200
    assert "幸福路" in page.content.decode()
    assert other.title not in page.content.decode()
    xlsx = client.get(
        reverse("hotissues:hot"), {"node": actors.net.a.community.pk, "month": month, "format": "xlsx"}
    )
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    client.force_login(actors.staff_b)
    assert client.get(reverse("hotissues:hot"), {"node": actors.net.a.community.pk}).status_code == 404
    client.force_login(actors.resident_a)
    assert client.get(reverse("hotissues:hot"), {"node": actors.net.street.pk}).status_code == 404
    assert client.get(reverse("hotissues:hot")).status_code == 404
    client.logout()
    assert client.get(reverse("hotissues:hot")).status_code == 302
