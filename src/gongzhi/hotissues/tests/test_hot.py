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


# A chain: each text shares most of its words with the next, but the two ends are different
# problems. Single linkage (connected components) makes one "hot issue" of all of it.
CHAIN = [
    "路灯坏了晚上很黑",
    "路灯坏了晚上很黑,井盖也松了",
    "井盖松了,路灯坏了",
    "井盖松了,车开过去哐哐响",
    "井盖松了车开过去响,下水道堵了",
    "下水道堵了,污水漫到路面",
    "下水道堵了污水漫到路面很臭",
]


def test_a_chain_of_topics_is_split_into_groups_that_belong_together():
    items = _items(CHAIN)
    issues = cluster(items, now=NOW, threshold=0.3)
    assert issues
    for issue in issues:
        ids = {m.id for m in issue.members}
        assert not ({0, 1} & ids and {5, 6} & ids), [m.text for m in issue.members]  # lamps never with sewage
    assert sorted(sorted(m.id for m in issue.members) for issue in issues) == [[0, 1, 2], [3, 4], [5, 6]]


def test_a_cohesive_group_is_kept_whole():
    issues = cluster(_items(LAMPS * 3, community=1), now=NOW)
    assert [issue.count for issue in issues] == [12]


def test_very_large_components_are_cut_at_a_stricter_link_first(monkeypatch):
    from gongzhi.hotissues import clustering

    monkeypatch.setattr(clustering, "AVERAGE_MAX_N", 3)
    issues = cluster(_items(CHAIN) + _items(TRASH, 10), now=NOW, threshold=0.3)
    for issue in issues:
        ids = {m.id for m in issue.members}
        assert not ({0, 1} & ids and {5, 6} & ids)
    assert any({10, 11} == {m.id for m in issue.members} for issue in issues)


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
