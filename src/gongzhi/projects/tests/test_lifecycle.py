"""Proposal phases end to end, their guards, and the public page (公示)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongzhi.projects import actions
from gongzhi.projects.errors import ProjectError
from gongzhi.projects.models import Proposal, ProposalEvent
from gongzhi.projects.tests.conftest import deliberated
from gongzhi.projects.workflow import TRANSITIONS, InvalidTransition, Phase

pytestmark = pytest.mark.django_db


def test_every_phase_in_the_table_is_reachable_and_terminal_phases_lead_nowhere() -> None:
    reachable = {Phase.COLLECTING} | {t for targets in TRANSITIONS.values() for t in targets}
    assert reachable == set(Phase.values)
    for end in (Phase.CLOSED, Phase.REJECTED, Phase.WITHDRAWN, Phase.NOT_SELECTED):
        assert TRANSITIONS[end] == frozenset()


def test_resident_proposes_and_the_public_page_masks_the_name(actors, rnd) -> None:
    p = actions.proposal_submit(
        actor=actors.resident_a, round=rnd, title="楼道照明", description="三栋楼道太暗"
    )
    page = Client().get(reverse("projects:proposal", args=[p.pk]))  # anonymous: no sign-in needed
    assert page.status_code == 200
    body = page.content.decode()
    assert "楼道照明" in body
    assert "居**" in body
    assert "居民甲" not in body


def test_resident_of_another_community_cannot_propose(actors, rnd) -> None:
    from conftest import make_user

    from gongzhi.accounts.roles import Role

    outsider = make_user(
        "outsider", "外人", Role.RESIDENT, actors.net.b.household, household=actors.net.b.household
    )
    with pytest.raises(ProjectError) as err:
        actions.proposal_submit(actor=outsider, round=rnd, title="x", description="y")
    assert err.value.status_code == 403
    assert not Proposal.objects.exists()


def test_proposing_after_the_collection_window_is_refused(actors, rnd) -> None:
    rnd.collect_until = timezone.localdate() - datetime.timedelta(days=1)
    rnd.collect_from = rnd.collect_until - datetime.timedelta(days=5)
    rnd.save()
    with pytest.raises(ProjectError) as err:
        actions.proposal_submit(actor=actors.resident_a, round=rnd, title="x", description="y")
    assert err.value.status_code == 409


def test_a_proposal_over_the_yearly_budget_fails_review_and_stays_in_review(actors, rnd) -> None:
    p = actions.proposal_submit(actor=actors.resident_a, round=rnd, title="新建广场", description="很大")
    with pytest.raises(ProjectError) as err:
        actions.proposal_review(
            actor=actors.staff_a, proposal=p, feasible=True, cost_estimate=1_500_000, responsible_unit="街道"
        )
    assert err.value.status_code == 422
    assert "超过年度预算" in err.value.message
    p.refresh_from_db()
    assert p.phase == Phase.COLLECTING  # the whole review rolled back
    assert p.cost_estimate is None


def test_rejection_needs_a_reason_which_is_shown_publicly(actors, rnd) -> None:
    p = actions.proposal_submit(actor=actors.resident_a, round=rnd, title="修高速", description="不属于社区")

    def reject(reason: str) -> None:
        actions.proposal_review(
            actor=actors.staff_a,
            proposal=p,
            feasible=False,
            cost_estimate=None,
            responsible_unit="",
            reason=reason,
        )

    with pytest.raises(ProjectError):
        reject(" ")
    reject("不属于社区事权")
    p.refresh_from_db()
    assert p.phase == Phase.REJECTED
    assert "不属于社区事权" in Client().get(reverse("projects:proposal", args=[p.pk])).content.decode()


def test_selected_cannot_be_set_by_hand(actors, rnd) -> None:
    p = deliberated(actors, rnd, "花园", 100_000)
    with pytest.raises(ProjectError):
        actions.proposal_transition(actor=actors.staff_a, proposal=p, to=Phase.SELECTED)


def test_implementation_to_evaluation_with_milestones_spending_and_ratings(actors, rnd) -> None:
    p = deliberated(actors, rnd, "健身角", 100_000)
    Proposal.objects.filter(pk=p.pk).update(phase=Phase.SELECTED)  # as a published vote leaves it
    actions.proposal_transition(actor=actors.staff_a, proposal=p, to=Phase.APPROVED)
    with pytest.raises(ProjectError):  # no contractor yet
        actions.proposal_transition(actor=actors.staff_a, proposal=p, to=Phase.IMPLEMENTATION)
    actions.proposal_plan(actor=actors.staff_a, proposal=p, contractor="光明建设队")
    m = actions.milestone_add(actor=actors.staff_a, proposal=p, title="器材进场", due_on=timezone.localdate())
    actions.proposal_transition(actor=actors.staff_a, proposal=p, to=Phase.IMPLEMENTATION)
    actions.spending_record(
        actor=actors.staff_a, proposal=p, amount=60_000, note="器材", spent_on=timezone.localdate()
    )
    with pytest.raises(ProjectError) as err:  # 60,000 + 50,000 > approved 100,000
        actions.spending_record(
            actor=actors.staff_a, proposal=p, amount=50_000, note="安装", spent_on=timezone.localdate()
        )
    assert err.value.status_code == 422
    actions.progress_set(actor=actors.staff_a, proposal=p, progress=100)
    with pytest.raises(ProjectError):  # a milestone is still open
        actions.proposal_transition(actor=actors.staff_a, proposal=p, to=Phase.ACCEPTANCE)
    actions.milestone_done(actor=actors.staff_a, proposal=p, milestone_id=m.pk)
    actions.proposal_transition(actor=actors.staff_a, proposal=p, to=Phase.ACCEPTANCE, note="验收合格")
    with pytest.raises(ProjectError):  # not yet open for evaluation
        actions.evaluation_add(actor=actors.resident_a, proposal=p, rating=5)
    actions.proposal_transition(actor=actors.staff_a, proposal=p, to=Phase.EVALUATION)
    actions.evaluation_add(actor=actors.resident_a, proposal=p, rating=4, comment="很好")
    actions.evaluation_add(actor=actors.resident_a, proposal=p, rating=5, comment="改成五星")
    assert p.evaluations.get().rating == 5
    actions.proposal_transition(actor=actors.staff_a, proposal=p, to=Phase.CLOSED)
    with pytest.raises(InvalidTransition):
        actions.proposal_transition(actor=actors.staff_a, proposal=p, to=Phase.IMPLEMENTATION)
    phases = list(ProposalEvent.objects.filter(proposal=p).values_list("to_phase", flat=True))
    assert phases[-5:] == [
        Phase.APPROVED,
        Phase.IMPLEMENTATION,
        Phase.ACCEPTANCE,
        Phase.EVALUATION,
        Phase.CLOSED,
    ]
    body = Client().get(reverse("projects:proposal", args=[p.pk])).content.decode()
    assert "光明建设队" in body
    assert "60000" in body
    assert "居**" in body


def test_staff_of_another_community_gets_404_and_nothing_changes(actors, rnd) -> None:
    p = deliberated(actors, rnd, "花园", 100_000)
    c = Client()
    c.force_login(actors.staff_b)
    r = c.post(
        reverse("projects:manage_proposal", args=[p.pk]), {"op": "move", "to": "rejected", "note": "x"}
    )
    assert r.status_code == 404
    p.refresh_from_db()
    assert p.phase == Phase.DELIBERATION


def test_staff_move_a_proposal_on_the_desk_and_bad_moves_get_409(actors, rnd) -> None:
    p = deliberated(actors, rnd, "花园", 100_000)
    c = Client()
    c.force_login(actors.staff_a)
    r = c.post(reverse("projects:manage_proposal", args=[p.pk]), {"op": "move", "to": "closed"})
    assert r.status_code == 409
    r = c.post(
        reverse("projects:manage_proposal", args=[p.pk]),
        {"op": "document", "title": "议事纪要", "body": "同意进入投票"},
    )
    assert r.status_code == 302
    assert "议事纪要" in Client().get(reverse("projects:proposal", args=[p.pk])).content.decode()


def test_staff_promote_an_appeal_of_their_community_with_a_link_back(actors, rnd) -> None:
    from gongzhi.appeals.models import Appeal

    a = Appeal.objects.create(
        number="A-1",
        channel="resident",
        title="小区门口积水",
        text="下雨就积水",
        path=actors.net.a.household.path,
        community=actors.net.a.community,
    )
    p = actions.proposal_promote(actor=actors.staff_a, round=rnd, source_kind="appeal", source_id=a.pk)
    assert (p.source_kind, p.source_id, p.title) == ("appeal", a.pk, "小区门口积水")
    body = Client().get(reverse("projects:proposal", args=[p.pk])).content.decode()
    assert reverse("appeals:detail", args=[a.pk]) in body
    with pytest.raises(ProjectError) as err:
        actions.proposal_promote(actor=actors.staff_a, round=rnd, source_kind="appeal", source_id=a.pk)
    assert err.value.status_code == 409


def test_staff_open_a_round_on_the_desk_and_a_bad_date_gets_400(actors) -> None:
    from gongzhi.projects.models import Round

    today = timezone.localdate()
    c = Client()
    c.force_login(actors.staff_a)
    form = {"community": actors.net.a.community.pk, "year": today.year, "budget": "500,000"}
    form |= {
        k: today.isoformat() for k in ("collect_from", "collect_until", "review_until", "deliberate_until")
    }
    assert c.post(reverse("projects:manage"), form | {"review_until": "soon"}).status_code == 400
    assert not Round.objects.exists()
    r = c.post(reverse("projects:manage"), form)
    rnd = Round.objects.get()
    assert r.status_code == 302
    assert r["Location"] == reverse("projects:manage_round", args=[rnd.pk])
    assert (rnd.community, rnd.budget) == (actors.net.a.community, 500_000)
