import datetime
import random
from decimal import Decimal

import pytest
import time_machine

from gongzhi.appeals import actions, actions_whistles, rates, whistles
from gongzhi.appeals.models import Appeal, Rating, RatingExclusion
from gongzhi.appeals.tests.helpers import IN_A, IN_B, at, backdate_roles, submit
from gongzhi.appeals.workflow import InvalidTransition
from gongzhi.core.models import AuditEntry

NOV = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))


@pytest.fixture(autouse=True)
def _roles_from_last_year(world):
    backdate_roles()


def rate(appeal, actors, satisfaction, solved):  # type: ignore[no-untyped-def]
    return actions.appeal_rate(
        appeal=appeal, actor=actors.resident_a, satisfaction=satisfaction, solved=solved
    )


def sign_reply(appeal, world):  # type: ignore[no-untyped-def]
    appeal = actions.appeal_sign(appeal=appeal, actor=world.urban_handler)
    return actions.appeal_reply(appeal=appeal, actor=world.urban_handler, text="已安排人员现场处理")


@pytest.fixture
def example(actors, world):
    """3 appeals dispatched on 2 Nov, signed on time; rated satisfied+solved, basic+solved,
    unsatisfied+unsolved — the last reopens, a 4th dispatch (not yet signed)."""
    with time_machine.travel(at(2026, 11, 2, 9), tick=False):
        a, b, c = (submit(actors, world) for _ in range(3))
        a, b, c = (sign_reply(x, world) for x in (a, b, c))
    with time_machine.travel(at(2026, 11, 3, 9), tick=False):
        rate(a, actors, "satisfied", True)
        rate(b, actors, "basic", True)
        c = rate(c, actors, "unsatisfied", False)
    return a, b, c


def test_the_hand_computed_example(example, world, actors):
    table = rates.rates(actors.street_officer, level="department", start=NOV[0], end=NOV[1])
    [row] = table.rows
    assert row.key == world.urban.pk
    assert row.counts() == (4, 3, 3, 2, 2)
    assert (row.response, row.resolution, row.satisfaction) == (
        Decimal("75.0"),
        Decimal("66.7"),
        Decimal("66.7"),
    )
    assert rates.matches_recount(start=NOV[0], end=NOV[1])


def test_an_empty_denominator_is_no_rate_not_zero():
    assert rates.percent(0, 0) is None
    assert rates.percent(2, 3) == Decimal("66.7")
    assert rates.percent(1, 8) == Decimal("12.5")


def test_a_late_signature_counts_as_dispatched_but_not_as_responded(actors, world):
    with time_machine.travel(at(2026, 11, 2, 9), tick=False):
        appeal = submit(actors, world)
    with time_machine.travel(at(2026, 11, 2, 12), tick=False):  # sign clock was 2 hours
        actions.appeal_sign(appeal=appeal, actor=world.urban_handler)
    [row] = rates.rates(None, level="street", start=NOV[0], end=NOV[1]).rows
    assert row.counts()[:2] == (1, 0)
    assert row.response == Decimal("0.0")
    assert row.resolution is None


def test_the_ranking_sorts_by_satisfaction_then_resolution(actors, world):
    with time_machine.travel(at(2026, 11, 2, 9), tick=False):
        a = sign_reply(submit(actors, world, where=IN_A), world)
        b = sign_reply(submit(actors, world, where=IN_B), world)
        rate(a, actors, "basic", False)
        rate(b, actors, "satisfied", True)
    table = rates.rates(None, level="community", start=NOV[0], end=NOV[1])
    assert [r.key for r in table.rows] == [actors.net.b.community.pk, actors.net.a.community.pk]
    assert table.total.counts() == (2, 2, 2, 1, 2)


def test_an_approved_exclusion_takes_the_rating_out_and_is_audited(example, actors, world):
    _a, _b, c = example
    rating = Rating.objects.get(appeal=c)
    with pytest.raises(PermissionError):
        actions_whistles.exclusion_request(actor=world.housing_handler, rating=rating, reason="恶意差评")
    request = actions_whistles.exclusion_request(
        actor=world.urban_handler, rating=rating, reason="诉求人与邻居纠纷,恶意差评"
    )
    with pytest.raises(PermissionError):
        actions_whistles.exclusion_decide(actor=actors.staff_a, exclusion=request, approve=True)
    actions_whistles.exclusion_decide(actor=actors.street_officer, exclusion=request, approve=True)
    [row] = rates.rates(actors.street_officer, level="department", start=NOV[0], end=NOV[1]).rows
    assert row.counts() == (4, 3, 2, 2, 2)
    assert (row.resolution, row.satisfaction) == (Decimal("100.0"), Decimal("100.0"))
    assert Rating.objects.get(pk=rating.pk).excluded
    assert rates.matches_recount(start=NOV[0], end=NOV[1])
    entry = AuditEntry.objects.get(action="appeals.rating_exclusion_approve")
    assert (entry.actor, entry.object_id) == (actors.street_officer, str(request.pk))
    with pytest.raises(whistles.WhistleError):
        actions_whistles.exclusion_decide(actor=actors.street_officer, exclusion=request, approve=True)


def test_a_refused_exclusion_changes_nothing_but_is_audited(example, actors, world):
    rating = Rating.objects.get(appeal=example[2])
    request = actions_whistles.exclusion_request(actor=world.urban_handler, rating=rating, reason="恶意差评")
    actions_whistles.exclusion_decide(actor=actors.street_officer, exclusion=request, approve=False)
    [row] = rates.rates(None, level="department", start=NOV[0], end=NOV[1]).rows
    assert row.counts() == (4, 3, 3, 2, 2)
    assert RatingExclusion.objects.get(pk=request.pk).state == RatingExclusion.State.REFUSED
    assert AuditEntry.objects.filter(action="appeals.rating_exclusion_refuse").count() == 1


def test_scope_other_community_staff_see_nothing_and_a_department_sees_its_own(example, actors, world):
    assert rates.rates(actors.staff_b, level="community", start=NOV[0], end=NOV[1]).rows == []
    assert [r.key for r in rates.rates(actors.staff_a, level="community", start=NOV[0], end=NOV[1]).rows] == [
        actors.net.a.community.pk
    ]
    assert len(rates.rates(world.urban_handler, level="department", start=NOV[0], end=NOV[1]).rows) == 1
    assert rates.rates(world.housing_handler, level="department", start=NOV[0], end=NOV[1]).rows == []


def test_the_rollup_equals_a_recount_after_a_random_sequence_of_actions(actors, world):
    rng = random.Random(20261127)
    handlers = {world.urban.pk: world.urban_handler, world.housing.pk: world.housing_handler}
    moment = at(2026, 11, 2, 8)
    appeals: list[int] = []
    for _step in range(160):
        moment += datetime.timedelta(minutes=rng.choice([5, 30, 90, 200]))
        with time_machine.travel(moment, tick=False):
            if not appeals or rng.random() < 0.25:
                category = rng.choice([world.cat_urban, world.cat_other])
                appeals.append(submit(actors, world, where=rng.choice([IN_A, IN_B]), category=category).pk)
                continue
            appeal = Appeal.objects.get(pk=rng.choice(appeals))
            handler = handlers.get(appeal.department_id)
            try:
                if appeal.status == "dispatched" and rng.random() < 0.15:
                    actions.appeal_return(appeal=appeal, actor=handler, reason="不属于本部门职责")
                elif appeal.status == "dispatched":
                    actions.appeal_sign(appeal=appeal, actor=handler)
                elif appeal.status == "accepted":
                    dept = rng.choice([world.urban, world.housing])
                    actions.appeal_dispatch(appeal=appeal, actor=actors.street_officer, department=dept)
                elif appeal.status in ("signed", "in_progress"):
                    actions.appeal_reply(appeal=appeal, actor=handler, text="已现场核实并处理完毕")
                elif appeal.status == "replied":
                    sat = rng.choice(["satisfied", "basic", "unsatisfied"])
                    rate(appeal, actors, sat, rng.random() < 0.7)
                elif appeal.status == "closed" and rng.random() < 0.3:
                    rating = appeal.ratings.order_by("-round").first()
                    if rating and not hasattr(rating, "exclusion"):
                        handler = handlers[rating.department_id]
                        request = actions_whistles.exclusion_request(
                            actor=handler, rating=rating, reason="恶意评价"
                        )
                        actions_whistles.exclusion_decide(
                            actor=actors.street_officer, exclusion=request, approve=rng.random() < 0.6
                        )
            except InvalidTransition:
                pass
    rollup = rates.rollup_counts(start=NOV[0], end=NOV[1])
    assert rollup == rates.recount(start=NOV[0], end=NOV[1])
    assert sum(v[0] for v in rollup.values()) > len(appeals)  # reopens and re-dispatches happened
    assert Rating.objects.filter(excluded=True).exists()


# --- pages ---------------------------------------------------------------------------------------


def test_the_rates_page_ranks_and_shows_the_chart_data(
    example, actors, client, django_assert_max_num_queries
):
    client.force_login(actors.street_officer)
    with django_assert_max_num_queries(12):
        response = client.get(
            "/appeals/rates/", {"start": "2026-11-01", "end": "2026-11-30", "level": "department"}
        )
    body = response.content.decode()
    assert response.status_code == 200
    assert "75.0%" in body
    assert "66.7%" in body
    assert 'id="rates-data"' in body
    assert "appeals/rates.js" in body
    assert "<script>" not in body  # no inline script under the CSP


def test_the_rates_page_of_another_community_is_empty_and_rates_with_no_ratings_show_a_dash(
    actors, world, client
):
    with time_machine.travel(at(2026, 11, 2, 9), tick=False):
        submit(actors, world)
    client.force_login(actors.staff_b)
    body = client.get(
        "/appeals/rates/", {"start": "2026-11-01", "end": "2026-11-30", "level": "community"}
    ).content.decode()
    assert "甲社区" not in body
    client.force_login(actors.staff_a)
    body = client.get(
        "/appeals/rates/", {"start": "2026-11-01", "end": "2026-11-30", "level": "community"}
    ).content.decode()
    assert "甲社区" in body
    assert "—" in body


def test_exclusion_pages_request_then_approve(example, actors, world, client):
    rating = Rating.objects.get(appeal=example[2])
    client.force_login(world.housing_handler)
    assert (
        client.post(f"/appeals/rates/exclusions/request/{rating.pk}/", {"reason": "恶意"}).status_code == 404
    )
    client.force_login(world.urban_handler)
    assert "本部门的不满意评价" in client.get("/appeals/rates/exclusions/").content.decode()
    client.post(f"/appeals/rates/exclusions/request/{rating.pk}/", {"reason": "恶意差评,与办理无关"})
    request = RatingExclusion.objects.get()
    assert client.post(f"/appeals/rates/exclusions/{request.pk}/", {"decision": "approve"}).status_code == 404
    client.force_login(actors.street_officer)
    client.post(f"/appeals/rates/exclusions/{request.pk}/", {"decision": "approve"})
    assert Rating.objects.get(pk=rating.pk).excluded
