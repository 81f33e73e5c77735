"""The matching score on hand-computed cases, and the pairing record."""

from fractions import Fraction

import pytest

from gongzhi.needs import actions, matching
from gongzhi.needs.actions import LibraryError
from gongzhi.needs.models import Need, NeedStatus, Resource


def need(actors, **kw) -> Need:
    base = {
        "title": "长者助餐志愿者",
        "category": "elderly",
        "tags": "助餐 长者 配送",
        "quantity": 10,
        "measure": "people",
    }
    return actions.need_create(actor=None, community=actors.net.a.community, **(base | kw))


def offer(
    organisation, title: str = "A", kind: str = "volunteers", category: str = "elderly", **kw
) -> Resource:
    return actions.resource_add(
        actor=None, organisation=organisation, title=title, kind=kind, category=category, **kw
    )


def test_score_adds_category_tags_community_and_quantity(actors, units):
    n = need(actors)
    r = offer(units.firm, "员工志愿队", tags="志愿 助餐 长者", quantity=5, measure="people")
    total, parts = matching.score(n, r)
    # tags {助餐,长者,配送} vs {志愿,助餐,长者}: 2 shared of 4 distinct → 30 × 2/4 = 15
    assert parts == {"category": 40, "tags": Fraction(15), "community": 20, "quantity": 5}
    assert total == 80
    assert r.community == actors.net.a.community  # a unit in a grid belongs to its community


def test_quantity_counts_only_in_the_same_measure_and_caps_at_full(actors, units):
    n = need(actors, tags="")
    money = offer(units.school, "捐款", "money", "other", quantity=5000, measure="yuan")
    plenty = offer(units.school, "大批志愿者", "volunteers", "other", quantity=50, measure="people")
    assert matching.score(n, money)[1]["quantity"] == 0
    assert matching.score(n, plenty)[1]["quantity"] == 10
    assert matching.score(n, plenty)[0] == 30  # other category, no tags, same community 20 + quantity 10


def test_suggestions_rank_by_score_and_skip_unavailable_or_paired(actors, units):
    n = need(actors)
    best = offer(units.firm, tags="助餐 长者 配送", quantity=10, measure="people")
    far = offer(units.other, "B", tags="助餐")
    off = offer(units.school, "C", "space")
    Resource.objects.filter(pk=off.pk).update(available=False)
    ranked = matching.suggest(n, Resource.objects.all())
    assert [s.resource for s in ranked] == [best, far]
    assert [s.score for s in ranked] == [100, 50]  # 40+30+20+10; 40 + 30×1/3 = 50
    actions.pairing_create(actor=None, need=n, resource=best)
    assert [s.resource for s in matching.suggest(n, Resource.objects.all())] == [far]


def test_pairing_lifecycle_updates_the_need_and_records_the_outcome(actors, units):
    n = need(actors)
    r = offer(units.firm)
    p = actions.pairing_create(actor=None, need=n, resource=r)
    n.refresh_from_db()
    assert n.status == NeedStatus.PAIRED
    with pytest.raises(LibraryError):
        actions.pairing_create(actor=None, need=n, resource=r)
    actions.pairing_transition(actor=None, pairing=p, to="agreed")
    with pytest.raises(LibraryError, match="成效"):
        actions.pairing_transition(actor=None, pairing=p, to="done")
    actions.pairing_transition(actor=None, pairing=p, to="done", outcome="每周三送餐20份")
    n.refresh_from_db()
    assert n.status == NeedStatus.MET


def test_cancelling_the_only_pairing_reopens_the_need(actors, units):
    n = need(actors)
    p = actions.pairing_create(actor=None, need=n, resource=offer(units.firm))
    actions.pairing_transition(actor=None, pairing=p, to="cancelled")
    n.refresh_from_db()
    assert n.status == NeedStatus.OPEN


def test_only_offering_organisations_register_resources(actors):
    from gongzhi.orgs.models import Organisation, OrgKind

    committee = Organisation.objects.create(
        name="甲居委会", kind=OrgKind.RESIDENTS_COMMITTEE, territory=actors.net.a.community
    )
    with pytest.raises(LibraryError):
        offer(committee, "x", "space", "other")


def test_promoting_the_same_source_twice_gives_one_need(actors):
    a, b = (
        actions.need_create(
            actor=None,
            community=actors.net.a.community,
            title="x",
            category="other",
            source="wish",
            source_id=7,
        )
        for _ in range(2)
    )
    assert a == b
    assert Need.objects.count() == 1
