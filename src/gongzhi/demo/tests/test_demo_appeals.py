"""The demo's appeal history: plausible states, complete event chains, DailyStat equal to a recount,
the same texts for the same seed, and the in-memory replay equal to the lifecycle functions."""

import datetime
import io
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.roles import Role
from gongzhi.appeals import actions, actions_defaults, routing
from gongzhi.appeals.calendar import WorkCalendar
from gongzhi.appeals.deadlines import clocks_for
from gongzhi.appeals.intake import appeal_submit
from gongzhi.appeals.models import Appeal, AppealEvent, Category, DailyStat, Rating, ReplyTemplate
from gongzhi.appeals.workflow import OPEN_STATES, Action, Status
from gongzhi.demo.appeal_story import SYSTEM, Actor, Story, daily_stats
from gongzhi.demo.tests.helpers import loaded_twice
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.people.tests.factories import make_person

RESIDENTS = 300
APPEALS = 400
IN_A = {"lon": 113.9012, "lat": 22.7012}  # inside community A's first grid (territory factories)


def load(seed: int = 20180919) -> str:
    out = io.StringIO()
    # the history alone: other apps' demos add live appeals (dispatch triage, service conversions)
    call_command(
        "demo", residents=RESIDENTS, appeals=APPEALS, seed=seed, net_and_appeals_only=True, stdout=out
    )
    return out.getvalue()


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """One load for the read-only tests in TestLoadedDemo, rolled back after the class."""
    with django_db_blocker.unblock(), transaction.atomic():
        load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def db_demo(demo, db):  # type: ignore[no-untyped-def]
    return demo


def _recount() -> dict[tuple[datetime.date, int, int | None], tuple[int, int, int, int, int]]:
    """DailyStat from the rows: dispatch and reopen events, signs within the clock, ratings."""
    counts: dict[tuple[datetime.date, int, int | None], list[int]] = {}

    def add(day: datetime.date, department: int, community: int | None, column: int) -> None:
        counts.setdefault((day, department, community), [0, 0, 0, 0, 0])[column] += 1

    appeals = {a.pk: a for a in Appeal.objects.select_related("category")}
    department: int | None = None
    dispatched_at: datetime.datetime | None = None
    for event in AppealEvent.objects.order_by("appeal_id", "at", "id"):
        appeal = appeals[event.appeal_id]
        if event.action == Action.SUBMIT:
            department = dispatched_at = None
        if event.action == Action.DISPATCH:
            department, dispatched_at = event.data["department_id"], event.at
        if event.action == Action.REOPEN:
            dispatched_at = event.at
        if event.action == Action.RETURN:
            department = None
        if event.action in {Action.DISPATCH, Action.REOPEN}:
            assert department is not None
            add(timezone.localdate(event.at), department, appeal.community_id, 0)
        if event.action == Action.SIGN:
            assert department is not None
            assert dispatched_at is not None
            hours = clocks_for(appeal.category, appeal.urgency).sign_hours
            if event.at <= dispatched_at + datetime.timedelta(hours=hours):
                add(timezone.localdate(dispatched_at), department, appeal.community_id, 1)
    for rating in Rating.objects.all():
        key = (timezone.localdate(rating.at), rating.department_id, appeals[rating.appeal_id].community_id)
        row = counts.setdefault(key, [0, 0, 0, 0, 0])
        row[2] += 1
        row[3] += rating.solved
        row[4] += rating.satisfaction != "unsatisfied"
    return {k: tuple(v) for k, v in counts.items()}  # type: ignore[misc]


class TestLoadedDemo:
    def test_states_are_mixed_like_a_real_queue(self, db_demo) -> None:
        states = Counter(Appeal.objects.values_list("status", flat=True))
        total = sum(states.values())
        assert total == APPEALS
        assert 0.65 <= states[Status.CLOSED] / total <= 0.85
        for status in (
            Status.REPLIED,
            Status.IN_PROGRESS,
            Status.DISPATCHED,
            Status.SUBMITTED,
            Status.ACCEPTED,
        ):
            assert states[status] > 0, status
        assert Appeal.objects.overdue().exists()
        assert Appeal.objects.filter(reopen_count__gt=0, status=Status.CLOSED).exists()
        assert Appeal.objects.filter(extensions__isnull=False).exists()
        assert len(set(Appeal.objects.values_list("channel", flat=True))) >= 8
        ratings = Counter(Rating.objects.values_list("satisfaction", flat=True))
        happy = (ratings["satisfied"] + ratings["basic"]) / sum(ratings.values())
        assert 0.75 <= happy <= 0.95

    def test_every_appeal_starts_with_submit_and_has_an_event_per_status_change(self, db_demo) -> None:
        events: dict[int, list[AppealEvent]] = {}
        for event in AppealEvent.objects.order_by("appeal_id", "at", "id"):
            events.setdefault(event.appeal_id, []).append(event)
        now = timezone.now()
        for appeal in Appeal.objects.all():
            chain = events[appeal.pk]
            assert chain[0].action == Action.SUBMIT
            assert chain[0].at == appeal.created_at
            status = ""
            for event in chain:
                assert event.from_status == status, (appeal.number, event.action)
                status = event.to_status
            assert status == appeal.status
            assert chain[-1].at <= now
            assert appeal.created_at >= now - datetime.timedelta(days=95)
            if appeal.dispatched_at is not None:  # a returned appeal keeps its clocks, loses its department
                assert appeal.sign_due_at
                assert appeal.resolve_due_at
                assert appeal.department_id or appeal.status == Status.ACCEPTED
            if appeal.status in OPEN_STATES - {Status.SUBMITTED}:
                assert appeal.community_id is not None
            assert appeal.number == f"GZ{timezone.localdate(appeal.created_at):%Y%m%d}{appeal.pk:07d}"

    def test_pins_lie_in_the_appeals_grid(self, db_demo) -> None:
        from gongzhi.territory.geo_index import build_index, current_version

        index = build_index(current_version())  # not the process cache: other tests roll back loads
        for appeal in Appeal.objects.exclude(lon=None).select_related("territory")[:100]:
            assert index.lookup(appeal.lon, appeal.lat)["grid"] == appeal.territory_id

    def test_daily_stats_equal_a_recount_from_events_and_ratings(self, db_demo) -> None:
        stored = {
            (s.day, s.department_id, s.community_id): (
                s.dispatched,
                s.signed_on_time,
                s.rated,
                s.solved,
                s.satisfied,
            )
            for s in DailyStat.objects.all()
        }
        assert stored == _recount()
        assert sum(v[0] for v in stored.values()) > APPEALS * 0.9

    def test_demo_resident_has_three_appeals_in_different_states_and_the_department_has_templates(
        self, db_demo
    ) -> None:
        resident = User.objects.get(username="demo_resident")
        mine = Appeal.objects.filter(submitter=resident.person)
        assert set(mine.values_list("status", flat=True)) >= {
            Status.CLOSED,
            Status.REPLIED,
            Status.IN_PROGRESS,
        }
        assert Appeal.objects.visible_to(resident).count() >= 3
        assert AppealEvent.objects.filter(actor=resident, action=Action.SUBMIT).count() >= 3
        handler = User.objects.get(username="demo_department")
        org = RoleAssignment.objects.get(person=handler.person).organisation
        assert ReplyTemplate.objects.filter(department=org).count() >= 3
        assert Appeal.objects.filter(department=org).exists()
        assert AppealEvent.objects.filter(actor=handler, action=Action.REPLY).exists()


def _snapshot() -> list[tuple[object, ...]]:
    return list(
        Appeal.objects.order_by("created_at", "title", "text").values_list(
            "title", "text", "channel", "category__path", "external_id", "urgency", "lon", "lat"
        )
    )


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_appeals() -> None:
    snapshots = loaded_twice(lambda: load(seed=11), lambda: sorted(_snapshot(), key=repr))
    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0]) == APPEALS


# --- the in-memory replay writes what the lifecycle functions write ---------------------------


def _handler(org: Organisation) -> User:
    person = make_person(name="办理人")
    user = User.objects.create_user(username=f"h{org.pk}", password="x-long-password-1", person=person)
    RoleAssignment.objects.create(person=person, role=Role.DEPARTMENT_HANDLER, organisation=org)
    return user


def _events(events: list[AppealEvent]) -> list[tuple[object, ...]]:
    return [
        (e.action, e.from_status, e.to_status, e.note, e.data, e.actor_id, e.actor_label, e.at)
        for e in events
    ]


CLOCK_FIELDS = [
    "status", "department_id", "dispatched_at", "sign_due_at", "signed_at", "signed_on_time", "contact_due_at",
    "first_contact_at", "resolve_due_at", "replied_at", "closed_at", "reopen_count", "routed_by_ruleset",
    "community_id", "street_id", "territory_id", "path",
]  # fmt: skip


@dataclass
class Cast:
    urban: Organisation
    housing: Organisation
    urban_h: User
    housing_h: User
    category: Category


def _cast(actors) -> Cast:  # type: ignore[no-untyped-def]
    district = actors.net.district
    urban = Organisation.objects.create(
        name=f"{district.name}城市管理和综合执法局", kind=OrgKind.DEPARTMENT, territory=district
    )
    housing = Organisation.objects.create(
        name=f"{district.name}住房和建设局", kind=OrgKind.DEPARTMENT, territory=district
    )
    actions_defaults.install_defaults(district)
    category = Category.objects.get(path="城市管理/市容环境/占道经营")
    return Cast(urban, housing, _handler(urban), _handler(housing), category)


def _moments() -> list[datetime.datetime]:
    """A Friday afternoon (so the resolution clock runs over a weekend) after today, when the roles
    of the actors fixture are active, and the minutes of the steps after it."""
    day = timezone.localdate() + datetime.timedelta(days=7)
    day += datetime.timedelta(days=(4 - day.weekday()) % 7)
    t0 = timezone.make_aware(datetime.datetime.combine(day, datetime.time(15, 0)))
    minutes = (0, 30, 50, 90, 600, 2000, 2100, 2200, 3000, 3100, 4000, 4100, 4200)
    return [t0 + datetime.timedelta(minutes=m) for m in minutes]


def _lived(actors, cast: Cast, at: list[datetime.datetime]) -> Appeal:  # type: ignore[no-untyped-def]
    """The history through intake and the lifecycle functions, each step at its moment."""
    resident, staff, housing_h = actors.resident_a, actors.staff_a, cast.housing_h
    with time_machine.travel(at[0], tick=False):
        real = appeal_submit(
            actor=resident, submitter=resident.person, channel="resident_app", text="门口占道经营",
            category=cast.category, **IN_A,
        ).appeal  # fmt: skip
    script = [
        lambda a: actions.appeal_return(appeal=a, actor=cast.urban_h, reason="不属于本局"),
        lambda a: actions.appeal_dispatch(appeal=a, actor=staff, department=cast.housing, note="重新派单"),
        lambda a: actions.appeal_sign(appeal=a, actor=housing_h),
        lambda a: actions.appeal_start(appeal=a, actor=housing_h),
        lambda a: actions.appeal_contact(appeal=a, actor=housing_h, note="已电话联系"),
        lambda a: actions.extension_request(appeal=a, actor=housing_h, workdays=3, reason="需协调"),
        lambda a: actions.extension_decide(
            request=a.extensions.get(), actor=actors.street_officer, approve=True
        ),
        lambda a: actions.appeal_reply(appeal=a, actor=housing_h, text="已现场处理完毕"),
        lambda a: actions.appeal_rate(appeal=a, actor=resident, satisfaction="unsatisfied", solved=False),
        lambda a: actions.appeal_sign(appeal=a, actor=housing_h),
        lambda a: actions.appeal_reply(appeal=a, actor=housing_h, text="已再次处理并回访"),
        lambda a: actions.appeal_rate(appeal=a, actor=resident, satisfaction="satisfied", solved=True),
    ]
    for moment, step in zip(at[1:], script, strict=True):
        with time_machine.travel(moment, tick=False):
            step(Appeal.objects.get(pk=real.pk))
    real.refresh_from_db()
    return real


def _replayed(actors, cast: Cast, real: Appeal, at: list[datetime.datetime]) -> Story:  # type: ignore[no-untyped-def]
    """The same history replayed in memory by the demo's Story."""
    resident = actors.resident_a
    copy = Appeal(
        channel="resident_app", title=real.title, text=real.text, category=cast.category, urgency="normal",
        submitter=resident.person, lon=IN_A["lon"], lat=IN_A["lat"], territory=real.territory, path=real.path,
        community=real.community, street=real.street, routed_by_ruleset=real.routed_by_ruleset,
    )  # fmt: skip
    story = Story(copy, clocks_for(cast.category, "normal"), WorkCalendar.load(at[0].date()))
    me, urban_a, housing_a = Actor.of(resident, ""), Actor.of(cast.urban_h, ""), Actor.of(cast.housing_h, "")
    story.submit(at[0], me)
    story.accept(at[0])
    story.dispatch(at[0], cast.urban, SYSTEM, f"按分拨规则v{real.routed_by_ruleset}自动派单")
    story.return_(at[1], urban_a, "不属于本局")
    story.dispatch(at[2], cast.housing, Actor.of(actors.staff_a, ""), "重新派单")
    story.sign(at[3], housing_a)
    story.start(at[4], housing_a)
    story.contact(at[5], housing_a, "已电话联系")
    story.extension_request(at[6], housing_a, 3, "需协调")
    story.extension_decide(at[7], Actor.of(actors.street_officer, ""), approve=True)
    story.reply(at[8], housing_a, "已现场处理完毕")
    story.rate(at[9], me, "unsatisfied", False)
    story.sign(at[10], housing_a)
    story.reply(at[11], housing_a, "已再次处理并回访")
    story.rate(at[12], me, "satisfied", True)
    return story


STAT_COLUMNS = (
    "day", "department_id", "community_id", "street_id", "dispatched", "signed_on_time", "rated", "solved",
    "satisfied",
)  # fmt: skip


def _ratings(rows: Any) -> list[tuple[object, ...]]:
    return [(r.round, r.satisfaction, r.solved, r.rated_by_id, r.department_id, r.at) for r in rows]


def test_the_bulk_story_writes_what_the_lifecycle_functions_write(actors) -> None:
    cast, at = _cast(actors), _moments()
    real = _lived(actors, cast, at)
    story = _replayed(actors, cast, real, at)
    copy = story.appeal

    real_events = list(real.events.order_by("at", "id"))
    assert _events(story.events) == _events(real_events)
    assert [(f, getattr(copy, f)) for f in CLOCK_FIELDS] == [(f, getattr(real, f)) for f in CLOCK_FIELDS]
    assert _ratings(story.ratings) == _ratings(real.ratings.order_by("round"))
    extension = real.extensions.get()
    assert [(x.workdays, x.state, x.requested_by_id, x.decided_by_id) for x in story.extensions] == [
        (extension.workdays, extension.state, extension.requested_by_id, extension.decided_by_id)
    ]
    mine = sorted(tuple(getattr(s, c) for c in STAT_COLUMNS) for s in daily_stats([story]))
    assert mine == sorted(DailyStat.objects.values_list(*STAT_COLUMNS))


@pytest.mark.django_db
def test_appeals_zero_still_installs_the_defaults_so_new_appeals_route() -> None:
    call_command("demo", residents=0, appeals=0, stdout=io.StringIO())
    assert not Appeal.objects.exists()
    assert Category.objects.filter(level=1).count() == 8
    ruleset_rules = routing.active_rules()[1]
    assert ruleset_rules[-1].category_id is None  # the catch-all
    assert ruleset_rules[-1].territory_path is None
