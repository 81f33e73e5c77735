"""Secret ballots: census, window, changes, allowance, paper double entry, count, publish, results."""

import datetime

import pytest
from conftest import make_user
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.people.models import ResidenceType
from gongzhi.people.tests.factories import make_person
from gongzhi.projects import actions_vote
from gongzhi.projects.errors import NotInCensus, OverAllowance, ProjectError, VoteClosed
from gongzhi.projects.models import Ballot, Vote, VoterRoll
from gongzhi.projects.tests.conftest import deliberated, vote_on
from gongzhi.projects.workflow import Phase, VoteStatus

pytestmark = pytest.mark.django_db


def residents(actors, n: int) -> list:  # type: ignore[no-untyped-def]
    return [make_person(name=f"居民{i}", household=actors.net.a.household) for i in range(n)]


def close(vote: Vote) -> None:
    Vote.objects.filter(pk=vote.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=2),
        closes_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    vote.refresh_from_db()


def test_a_ballot_can_be_changed_and_stays_one_ballot(actors, open_vote) -> None:
    vote, (a, b, c) = open_vote
    actions_vote.ballot_cast(actor=actors.resident_a, vote=vote, choices=[a.pk])
    actions_vote.ballot_cast(actor=actors.resident_a, vote=vote, choices=[b.pk, c.pk])
    assert VoterRoll.objects.filter(vote=vote).count() == 1
    assert list(Ballot.objects.filter(vote=vote).values_list("choices", flat=True)) == [sorted([b.pk, c.pk])]
    assert actions_vote.my_ballot(vote, actors.resident_a.person) == sorted([b.pk, c.pk])


def test_ballots_cannot_be_joined_to_voters(actors, open_vote) -> None:
    vote, (a, _b, _c) = open_vote
    actions_vote.ballot_cast(actor=actors.resident_a, vote=vote, choices=[a.pk])
    ballot_fields = {f.name for f in Ballot._meta.get_fields()}
    assert not ballot_fields & {"person", "voter", "user", "created_at", "updated_at", "id"}
    token = Ballot.objects.get(vote=vote).token
    assert len(token) == 64
    assert token == actions_vote.ballot_token(vote.pk, actors.resident_a.person.pk)  # needs the server key
    assert token != actions_vote.ballot_token(vote.pk, actors.person_a.pk)


def test_outside_the_census_gets_403_with_a_message_and_nothing_is_stored(actors, open_vote) -> None:
    vote, (a, _b, _c) = open_vote
    outsider = make_user(
        "b_res", "乙居民", Role.RESIDENT, actors.net.b.household, household=actors.net.b.household
    )
    with pytest.raises(NotInCensus) as err:
        actions_vote.ballot_cast(actor=outsider, vote=vote, choices=[a.pk])
    assert err.value.status_code == 403
    assert "选民范围" in err.value.message
    floating = make_person(name="流动甲", household=actors.net.a.household)
    floating.residence_type = ResidenceType.FLOATING
    floating.save(update_fields=["residence_type"])
    with pytest.raises(NotInCensus):
        actions_vote.ballot_cast(actor=actors.resident_a, vote=vote, choices=[a.pk], person=floating)
    assert not VoterRoll.objects.exists()
    assert not Ballot.objects.exists()
    c = Client()
    c.force_login(outsider)
    r = c.get(reverse("projects:ballot", args=[vote.pk]))
    assert r.status_code == 403
    assert "选民范围" in r.content.decode()


def test_voting_outside_the_window_is_refused(actors, open_vote) -> None:
    vote, (a, _b, _c) = open_vote
    close(vote)
    with pytest.raises(VoteClosed) as err:
        actions_vote.ballot_cast(actor=actors.resident_a, vote=vote, choices=[a.pk])
    assert err.value.status_code == 409
    Vote.objects.filter(pk=vote.pk).update(
        opens_at=timezone.now() + datetime.timedelta(hours=1),
        closes_at=timezone.now() + datetime.timedelta(days=1),
    )
    vote.refresh_from_db()
    with pytest.raises(VoteClosed):
        actions_vote.ballot_cast(actor=actors.resident_a, vote=vote, choices=[a.pk])
    assert not Ballot.objects.exists()


@pytest.mark.parametrize(
    ("choices", "error"),
    [([], ProjectError), ([999999], ProjectError), ("x", ProjectError), ({"1": 1}, ProjectError)],
)
def test_malformed_approval_ballots_are_refused(actors, open_vote, choices, error) -> None:
    vote, _props = open_vote
    with pytest.raises(error):
        actions_vote.ballot_cast(actor=actors.resident_a, vote=vote, choices=choices)
    assert not Ballot.objects.exists()


def test_cumulative_over_the_allowance_is_422(actors, rnd) -> None:
    props = [deliberated(actors, rnd, t, 100_000) for t in ("甲", "乙")]
    vote = vote_on(
        actors, rnd, props, title="累积", ballot_type="cumulative", rule="greedy", hours=1, allowance=5
    )
    with pytest.raises(OverAllowance) as err:
        actions_vote.ballot_cast(
            actor=actors.resident_a, vote=vote, choices={str(props[0].pk): 4, str(props[1].pk): 2}
        )
    assert err.value.status_code == 422
    assert "5" in err.value.message
    actions_vote.ballot_cast(
        actor=actors.resident_a, vote=vote, choices={str(props[0].pk): 3, str(props[1].pk): 2}
    )
    assert Ballot.objects.get().choices == {str(props[0].pk): 3, str(props[1].pk): 2}


def test_paper_sheets_count_only_when_two_clerks_agree(actors, open_vote) -> None:
    vote, (a, b, _c) = open_vote
    clerk2 = actors.secretary_a
    actions_vote.paper_enter(actor=actors.staff_a, vote=vote, sheet_no=1, choices=[a.pk])
    actions_vote.paper_enter(actor=clerk2, vote=vote, sheet_no=1, choices=[a.pk])
    actions_vote.paper_enter(actor=actors.staff_a, vote=vote, sheet_no=2, choices=[a.pk])
    actions_vote.paper_enter(actor=clerk2, vote=vote, sheet_no=2, choices=[b.pk])
    actions_vote.paper_enter(actor=actors.staff_a, vote=vote, sheet_no=3, choices=[b.pk])
    with pytest.raises(ProjectError):  # a third clerk on sheet 1
        actions_vote.paper_enter(actor=actors.street_officer, vote=vote, sheet_no=1, choices=[b.pk])
    from gongzhi.projects.tally import paper_sheets

    agreed, mismatched = paper_sheets(vote)
    assert agreed == [[a.pk]]
    assert [(m["sheet_no"], m["state"]) for m in mismatched] == [(2, "differ"), (3, "single")]
    c = Client()
    c.force_login(actors.staff_a)
    page = c.get(reverse("projects:manage_vote", args=[vote.pk])).content.decode()
    assert "两次录入不一致" in page
    assert "只录入了一次" in page
    close(vote)
    with pytest.raises(ProjectError) as err:
        actions_vote.vote_count(actor=actors.staff_a, vote=vote)
    assert err.value.status_code == 409
    # The clerk who typed sheet 2 wrong corrects their own entry; sheet 3 gets its second entry.
    Vote.objects.filter(pk=vote.pk).update(status=VoteStatus.OPEN)
    actions_vote.paper_enter(actor=clerk2, vote=vote, sheet_no=2, choices=[a.pk])
    actions_vote.paper_enter(actor=clerk2, vote=vote, sheet_no=3, choices=[b.pk])
    counted = actions_vote.vote_count(actor=actors.staff_a, vote=vote)
    assert counted.result["ballots"] == 3


def test_count_publish_and_the_results_page_explains_every_project(actors, open_vote) -> None:
    vote, (lift, canteen, play) = open_vote  # 300k, 600k, 200k; budget 1,000,000
    people = residents(actors, 6)
    for person in people[:4]:
        actions_vote.ballot_cast(
            actor=actors.resident_a, vote=vote, choices=[lift.pk, canteen.pk], person=person
        )
    for person in people[4:]:
        actions_vote.ballot_cast(actor=actors.resident_a, vote=vote, choices=[play.pk], person=person)
    with pytest.raises(VoteClosed):  # still open
        actions_vote.vote_count(actor=actors.staff_a, vote=vote)
    close(vote)
    vote = actions_vote.vote_count(actor=actors.staff_a, vote=vote)
    assert (
        Client().get(reverse("projects:vote", args=[vote.pk])).content.decode().count("why") == 0
    )  # not yet public
    actions_vote.vote_publish(actor=actors.staff_a, vote=vote)
    # MES: shares of 1,000,000/6. Four voters hold 666,667: lift (300k) at ρ... then canteen would need
    # 600k from the 366,667 they have left; the two play voters hold 333,333 ≥ 200k.
    selected = set(vote.result["selected"])
    assert str(lift.pk) in selected
    assert str(play.pk) in selected
    for p in (lift, canteen, play):
        p.refresh_from_db()
    assert canteen.phase == Phase.NOT_SELECTED
    assert lift.phase == Phase.SELECTED
    body = Client().get(reverse("projects:vote", args=[vote.pk])).content.decode()
    assert "付不起费用" in body  # why the canteen lost
    assert "平摊" in body  # why the others won
    assert "每次加 1 元" in body  # the completion is stated
    api = Client().get(f"/api/v1/projects/votes/{vote.pk}/results").json()
    assert sorted(api["selected"]) == sorted(selected)


def test_greedy_results_say_which_project_was_skipped_for_lack_of_budget(actors, rnd) -> None:
    props = [
        deliberated(actors, rnd, t, c)
        for t, c in (("大项目", 800_000), ("中项目", 300_000), ("小项目", 150_000))
    ]
    vote = vote_on(actors, rnd, props, title="贪心", rule="greedy", hours=1)
    for i, person in enumerate(residents(actors, 3)):
        actions_vote.ballot_cast(
            actor=actors.resident_a, vote=vote, choices=[p.pk for p in props[: 3 - i]], person=person
        )
    close(vote)
    vote = actions_vote.vote_count(actor=actors.staff_a, vote=vote)
    actions_vote.vote_publish(actor=actors.staff_a, vote=vote)
    assert vote.result["selected"] == [str(props[0].pk), str(props[2].pk)] or set(
        vote.result["selected"]
    ) == {str(props[0].pk), str(props[2].pk)}
    body = Client().get(reverse("projects:vote", args=[vote.pk])).content.decode()
    assert "费用 300,000 元超过了剩余预算 200,000 元" in body


def test_staff_see_totals_but_no_ballot_of_anyone(actors, open_vote) -> None:
    vote, (a, _b, _c) = open_vote
    actions_vote.ballot_cast(actor=actors.resident_a, vote=vote, choices=[a.pk])
    c = Client()
    c.force_login(actors.staff_a)
    page = c.get(reverse("projects:manage_vote", args=[vote.pk])).content.decode()
    assert 'id="voted">1<' in page
    assert "居民甲" not in page


def test_resident_votes_on_the_phone_form_and_sees_their_choice(actors, open_vote) -> None:
    vote, (a, b, _c) = open_vote
    c = Client()
    c.force_login(actors.resident_a)
    r = c.post(reverse("projects:ballot", args=[vote.pk]), {"choice": [str(a.pk), str(b.pk)]})
    assert r.status_code == 302
    page = c.get(reverse("projects:ballot", args=[vote.pk])).content.decode()
    assert "您已投票" in page
    assert f'value="{a.pk}" checked' in page


def test_the_ballot_page_says_the_vote_is_closed_instead_of_offering_a_form(actors, open_vote) -> None:
    vote, _props = open_vote
    close(vote)
    c = Client()
    c.force_login(actors.resident_a)
    page = c.get(reverse("projects:ballot", args=[vote.pk])).content.decode()
    assert 'id="vote-closed"' in page
    assert 'id="ballot-form"' not in page
