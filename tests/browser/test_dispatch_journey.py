"""Issue 4 on a phone: a community dispatcher opens 社区分拨, sees the 秒拨 suggestions of an appeal
the model was unsure of, and taps the second one: the appeal is accepted and dispatched to that
department with that category in one tap, and the choice is kept as a training label."""

import pytest
from conftest import PASSWORD
from django.urls import reverse

from gongzhi.appeals.workflow import Status
from gongzhi.dispatch import actions, predict
from gongzhi.dispatch.models import AutoDispatchThreshold, Suggestion, TrainingLabel
from gongzhi.dispatch.tests.data import ROWS, _write, resident_appeal

from .conftest import sign_in
from .test_appeals_journey import PHONE, category, fits_phone, world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_dispatcher_dispatches_by_a_suggestion_in_one_tap(
    browser, live_server, actors, tmp_path, results_dir
):
    urban, _occupying = world(actors)
    category("教育文体/教育/学校管理")
    predict.reset_cache()
    actions.model_train(actor=None, file=_write(tmp_path, ROWS), tune=False)
    AutoDispatchThreshold.objects.create(territory=actors.net.district, threshold=1.0)
    appeal = resident_appeal(actors, "学校门口占道经营,放学时很堵")
    second = Suggestion.objects.get(appeal=appeal, rank=2)
    assert appeal.status == Status.SUBMITTED
    assert second.department is not None

    page, problems = sign_in(browser, live_server.url, "staff_a", PASSWORD, **PHONE)
    page.goto(reverse("appeals:triage"))
    row = page.locator(f".triage-row[data-appeal='{appeal.pk}']")
    assert "智能分拨建议" in row.inner_text()
    fits_phone(page)
    page.screenshot(path=str(results_dir / "dispatch-triage-phone.png"), full_page=True)
    with page.expect_navigation():
        row.locator(".suggestion-dispatch[data-rank='2']").click()
    assert page.url.endswith(reverse("appeals:triage"))
    assert f"已派单至{second.department.name}" in page.inner_text("body")
    assert page.locator(f".triage-row[data-appeal='{appeal.pk}']").count() == 0  # gone from triage

    appeal.refresh_from_db()
    assert (appeal.status, appeal.department_id, appeal.category_id) == (
        Status.DISPATCHED,
        second.department_id,
        second.category_id,
    )
    assert TrainingLabel.objects.get().category_id == second.category_id
    assert problems.messages == []
    page.context.close()
