"""Dispatching by a 秒拨 suggestion (decision 0036): one tap accepts and dispatches with the
suggestion's department and category; a choice other than the top one becomes a training label
that names a category, so the next `gongzhi dispatch train` learns from it."""

import pytest
from django.db import connection
from django.urls import reverse

from gongzhi.appeals.models import AppealEvent, Category
from gongzhi.appeals.workflow import Action, Status
from gongzhi.dispatch import actions
from gongzhi.dispatch.models import AutoDispatchThreshold, LabelSource, Suggestion, TrainingLabel
from gongzhi.dispatch.tests.data import resident_appeal


@pytest.fixture
def held(model, actors):
    """An appeal the model was not sure of: submitted, waiting in triage with two suggestions."""
    AutoDispatchThreshold.objects.create(territory=actors.net.district, threshold=1.0)
    appeal = resident_appeal(actors, "小区门口占道经营,路灯也不亮")
    assert appeal.status == Status.SUBMITTED
    assert appeal.category is None
    assert Suggestion.objects.filter(appeal=appeal).count() == 2
    return appeal


def _tap(client, appeal, rank, **post):
    return client.post(reverse("appeals:dispatch_suggestion", args=[appeal.pk, rank]), post)


def _history_labels() -> dict[str, str]:
    return {e.detail: e.label for e in actions.history_examples()}


def test_the_top_suggestion_accepts_dispatches_and_categorises_in_one_tap(held, actors, client):
    top = Suggestion.objects.get(appeal=held, rank=1)
    client.force_login(actors.staff_a)
    response = _tap(client, held, 1, next=reverse("appeals:triage"))
    assert response.status_code == 302
    assert response["Location"] == reverse("appeals:triage")
    held.refresh_from_db()
    assert held.status == Status.DISPATCHED
    assert held.department_id == top.department_id
    assert held.category_id == top.category_id
    assert held.resolve_due_at is not None  # the clocks started
    actions_taken = list(AppealEvent.objects.filter(appeal=held).values_list("action", flat=True))
    assert actions_taken[-2:] == [Action.ACCEPT, Action.DISPATCH]
    assert AppealEvent.objects.get(appeal=held, action=Action.DISPATCH).data["category_id"] == top.category_id
    assert not TrainingLabel.objects.exists()  # the model was right: nothing to correct
    assert _history_labels()[held.text] == top.category.path  # but the appeal now teaches it


def test_another_suggestion_becomes_a_training_label_with_its_category(held, actors, client):
    second = Suggestion.objects.get(appeal=held, rank=2)
    assert second.category != Suggestion.objects.get(appeal=held, rank=1).category
    client.force_login(actors.staff_a)
    assert _tap(client, held, 2).status_code == 302
    held.refresh_from_db()
    assert (held.status, held.category_id) == (Status.DISPATCHED, second.category_id)
    label = TrainingLabel.objects.get()
    assert (label.source, label.category_id, label.appeal_id) == (
        LabelSource.CORRECTION,
        second.category_id,
        held.pk,
    )
    assert label.label == second.category.path.split("/")[0]
    assert second.category.path in _history_labels().values()


def test_a_second_tap_is_refused_and_changes_nothing(held, actors, client):
    client.force_login(actors.staff_a)
    _tap(client, held, 1)
    held.refresh_from_db()
    before = (held.status, held.department_id, held.category_id, held.dispatched_at)
    response = _tap(client, held, 2)
    assert response.status_code == 409
    held.refresh_from_db()
    assert (held.status, held.department_id, held.category_id, held.dispatched_at) == before
    assert not TrainingLabel.objects.exists()


def test_a_suggestion_without_a_department_or_rank_is_a_clear_400(held, actors, client):
    Suggestion.objects.filter(appeal=held, rank=2).update(department=None)
    client.force_login(actors.staff_a)
    for rank in (2, 3):
        response = _tap(client, held, rank)
        assert response.status_code == 400
        assert "请手动选择" in response.content.decode()
    held.refresh_from_db()
    assert held.status == Status.SUBMITTED


def test_staff_of_another_community_and_residents_cannot_tap(held, actors, client):
    client.force_login(actors.staff_b)
    assert _tap(client, held, 1).status_code == 404
    client.force_login(actors.resident_a)  # the appeal's own author: may see it, not dispatch it
    assert _tap(client, held, 1).status_code in (403, 404)
    held.refresh_from_db()
    assert held.status == Status.SUBMITTED


def test_the_dispatch_form_takes_a_category_and_is_prefilled_with_the_suggestion(held, actors, world, client):
    client.force_login(actors.staff_a)
    client.post(reverse("appeals:act", args=[held.pk, "accept"]), {"note": ""})
    page = client.get(reverse("appeals:detail", args=[held.pk])).content.decode()
    top = Suggestion.objects.get(appeal=held, rank=1)
    assert f'<option value="{top.department_id}" selected>' in page
    assert f'<option value="{top.category_id}" selected>' in page
    client.post(
        reverse("appeals:act", args=[held.pk, "dispatch"]),
        {"department": world.urban.pk, "category": world.cat_urban.pk, "note": ""},
    )
    held.refresh_from_db()
    assert (held.department, held.category) == (world.urban, world.cat_urban)
    label = TrainingLabel.objects.get()
    assert (label.department, label.category) == (world.urban, world.cat_urban)


def test_the_triage_page_offers_each_suggestion_as_a_button(held, actors, client):
    client.force_login(actors.staff_a)
    page = client.get(reverse("appeals:triage")).content.decode()
    for s in Suggestion.objects.filter(appeal=held):
        assert reverse("appeals:dispatch_suggestion", args=[held.pk, s.rank]) in page
    assert "派至" in page
    client.post(reverse("appeals:act", args=[held.pk, "accept"]), {"note": ""})
    page = client.get(reverse("appeals:triage")).content.decode()
    top = Suggestion.objects.get(appeal=held, rank=1)
    assert f'<option value="{top.department_id}" selected>' in page  # the select starts at the top one
    assert Category.objects.filter(pk=top.category_id).exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_two_dispatchers_tapping_different_suggestions_at_once_one_wins(held, actors):
    # the appeal row is locked before the accept/dispatch transitions are checked: the second tap
    # waits, then finds the appeal dispatched and gets InvalidTransition; nothing is half-done
    from gongzhi.accounts.models import User
    from gongzhi.appeals import actions as appeal_actions
    from gongzhi.appeals import queries
    from gongzhi.appeals.models import Appeal
    from gongzhi.appeals.workflow import InvalidTransition
    from gongzhi.core.testing import run_together

    def tap(i: int):
        staff = User.objects.get(pk=actors.staff_a.pk)
        return appeal_actions.appeal_dispatch_as_suggested(
            appeal=Appeal(pk=held.pk),
            actor=staff,
            rank=i + 1,
            departments=queries.dispatch_departments(staff),
        )

    results = run_together(2, tap)
    winners = [r for r in results if isinstance(r, Appeal)]
    assert len(winners) == 1, results
    assert sum(isinstance(r, InvalidTransition) for r in results) == 1, results
    held.refresh_from_db()
    assert (held.status, held.department_id, held.category_id) == (
        Status.DISPATCHED,
        winners[0].department_id,
        winners[0].category_id,
    )
    events = list(AppealEvent.objects.filter(appeal=held).values_list("action", flat=True))
    assert (events.count(Action.ACCEPT), events.count(Action.DISPATCH)) == (1, 1)
    assert TrainingLabel.objects.count() <= 1
