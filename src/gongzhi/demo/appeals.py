"""The demo's appeal history: a few thousand appeals over the past 90 days, so queues, timelines and
the three rates are not empty (docs/decisions/0009-appeals-demo-and-taxonomy.md).

Texts, places, channels, people and the shape of each appeal's story come from the demo seed
(one random.Random per appeal, so one story cannot shift another); the timestamps are offsets from
the real clock at load time, so queues look current the day the demo is loaded.

The lifecycle functions (intake.appeal_submit, actions.*) cost ~40 queries per appeal; instead each
story is replayed in memory (demo/appeal_story.py, one method per lifecycle function) and the rows
they would have written are bulk-inserted. A test holds the two paths together."""

import datetime
import io
import random
from collections.abc import Callable
from typing import Any

import numpy as np
import shapely
from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.appeals import routing
from gongzhi.appeals.actions_defaults import install_defaults
from gongzhi.appeals.calendar import WorkCalendar
from gongzhi.appeals.deadlines import Clocks, clocks_for
from gongzhi.appeals.models import (
    Appeal,
    AppealEvent,
    Category,
    Channel,
    DailyStat,
    ExtensionRequest,
    Rating,
    ReplyTemplate,
    Satisfaction,
)
from gongzhi.appeals.workflow import Status
from gongzhi.demo import appeal_texts as texts
from gongzhi.demo.appeal_story import SYSTEM, Actor, Place, Story, daily_stats, own_timestamps
from gongzhi.demo.geography import random_inside
from gongzhi.demo.orgs import ROADS
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.people.models import Person
from gongzhi.territory.geo_index import build_index, current_version
from gongzhi.territory.models import Level, TerritoryNode

DEFAULT_APPEALS = 3000
APPEALS_PER_RESIDENT = 0.15  # 3,000 for the default 20,000 residents; tests at 300 residents get 45
HISTORY_DAYS = 90
BATCH = 2000

CHANNELS: list[tuple[str, int]] = [
    (Channel.HOTLINE, 30),
    (Channel.RESIDENT_APP, 25),
    (Channel.PATROL, 14),
    (Channel.WECHAT, 8),
    (Channel.MAILBOX, 5),
    (Channel.VISIT, 5),
    (Channel.IMPORT, 5),
    (Channel.OPEN311, 3),
    (Channel.RECEPTION, 2),
    (Channel.API, 3),
]
# What happens to an appeal; weights in per mille. "closed" includes the reopened ones.
SCENARIOS: list[tuple[str, int]] = [
    ("closed", 725),
    ("replied", 50),
    ("in_progress", 55),
    ("signed", 20),
    ("dispatched", 30),
    ("overdue", 30),
    ("extension", 20),
    ("returned", 30),  # returned, re-dispatched by the community, then closed
    ("returned_waiting", 10),  # returned, waiting in the community's dispatch queue
    ("triage", 20),  # address matched no compound: unplaced, waiting for a dispatcher
    ("merged", 10),
]
COMMENTS: dict[str, list[str]] = {
    Satisfaction.SATISFIED: texts.SATISFIED_COMMENTS,
    Satisfaction.BASIC: texts.BASIC_COMMENTS,
    Satisfaction.UNSATISFIED: texts.UNSATISFIED_COMMENTS,
}
URGENCIES: list[tuple[str, int]] = [("normal", 90), ("urgent", 8), ("critical", 2)]
HOTLINE_LIKE = {Channel.HOTLINE, Channel.IMPORT}
SUBMITTER_LABELS: dict[str, str] = {Channel.VISIT: "党员入户走访", Channel.RECEPTION: "代表委员接待"}
PERSONAL = {
    "低保救助",
    "学位",
    "社保办理",
    "欠薪",
    "疫苗接种",
    "政策咨询",
    "校外培训",
    "房屋渗漏开裂",
    "价格欺诈",
    "食品安全",
}
RESIDENT_CHANNELS = {Channel.RESIDENT_APP, Channel.WECHAT, Channel.MAILBOX, Channel.OPEN311, Channel.API}


class Cast:
    """The demo accounts that act in stories, and labels for everyone else."""

    def __init__(self) -> None:
        users = {
            u.username: u for u in User.objects.select_related("person").filter(username__startswith="demo_")
        }
        self.resident = users.get("demo_resident")
        self.department = users.get("demo_department")
        self.staff = users.get("demo_staff")
        self.gridworker = users.get("demo_gridworker")
        self.street = users.get("demo_street")
        codes = dict(
            RoleAssignment.objects.filter(person__account__username__in=list(users)).values_list(
                "person__account__username", "territory__code"
            )
        )
        self.department_org_id = (
            RoleAssignment.objects.filter(person__account=self.department)
            .values_list("organisation_id", flat=True)
            .first()
            if self.department
            else None
        )
        self.staff_community = codes.get("demo_staff") or ""
        self.gridworker_grid = codes.get("demo_gridworker") or ""
        self.street_code = codes.get("demo_street") or ""

    def handler(self, department: Organisation) -> Actor:
        if self.department is not None and department.pk == self.department_org_id:
            return Actor.of(self.department, department.name)
        return Actor(None, department.name)

    def dispatcher(self, community_code: str) -> Actor:
        return Actor.of(self.staff if community_code == self.staff_community else None, "社区工作人员")

    def approver(self, street_code: str) -> Actor:
        return Actor.of(self.street if street_code == self.street_code else None, "街道办事处")

    def patroller(self, grid_code: str) -> Actor:
        return Actor.of(self.gridworker if grid_code == self.gridworker_grid else None, "网格员")


def _weighted(rng: random.Random, options: list[tuple[str, int]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


class HistoryBuilder:
    def __init__(self, *, seed: int, now: datetime.datetime) -> None:
        self.seed = seed
        self.now = now
        district = TerritoryNode.objects.get(level=Level.DISTRICT)
        self.district = district
        self.calendar = WorkCalendar.load((now - datetime.timedelta(days=HISTORY_DAYS + 10)).date(), years=1)
        self.cast = Cast()
        categories = list(Category.objects.filter(active=True).order_by("path"))
        by_id = {c.pk: c for c in categories}
        for category in categories:  # parents from memory, so lineage_ids() costs no query
            if category.parent_id in by_id:
                category.parent = by_id[category.parent_id]
        self.leaves = [
            c for c in categories if not any(o.parent_id == c.pk for o in categories) and c.level >= 2
        ]
        self.departments = {o.pk: o for o in Organisation.objects.filter(kind=OrgKind.DEPARTMENT)}
        self.places = self._places()
        self.nodes = {
            n.code: n for n in TerritoryNode.objects.filter(level__in=[Level.STREET, Level.COMMUNITY])
        }
        residents: dict[str, list[Person]] = {}
        adult = self.now.date().replace(year=self.now.year - 18)
        people = (
            Person.objects.filter(birth_date__lte=adult, household__isnull=False)
            .exclude(phone_cipher="")
            .select_related("household")
        )
        for person in people.order_by("household__code", "name", "id").only(
            "id", "name", "phone_cipher", "phone_masked", "household__code", "household__path"
        ):
            if person.household is not None:
                residents.setdefault(person.household.code[:17], []).append(person)
        self.residents = residents
        self.anyone = [people[0] for _code, people in sorted(residents.items())]
        self._clocks: dict[tuple[int | None, str], Clocks] = {}
        self._routes: dict[tuple[int | None, str], tuple[int | None, int | None]] = {}

    def _places(self) -> list[Place]:
        compounds = list(
            TerritoryNode.objects.filter(level=Level.COMPOUND).filter(geometry__isnull=False).order_by("code")
        )
        buildings: dict[str, list[TerritoryNode]] = {}
        for building in TerritoryNode.objects.filter(level=Level.BUILDING).order_by("code"):
            buildings.setdefault(building.code[:17], []).append(building)
        return [
            Place(c, buildings.get(c.code, []), c.code[:12], shapely.geometry.shape(c.geometry))
            for c in compounds
            if buildings.get(c.code)
        ]

    def clocks(self, category: Category | None, urgency: str) -> Clocks:
        key = (category.pk if category else None, urgency)
        if key not in self._clocks:
            self._clocks[key] = clocks_for(category, urgency)
        return self._clocks[key]

    def route(self, category: Category | None, path: str) -> tuple[int | None, int | None]:
        key = (category.pk if category else None, path[:17])  # rules name streets at most
        if key not in self._routes:
            self._routes[key] = routing.route_department(category=category, path=path)
        return self._routes[key]

    def build(self, count: int) -> list[Story]:
        stories: list[Story] = []
        resident_home = None
        resident = self.cast.resident.person if self.cast.resident is not None else None
        if resident is not None and resident.household_id is not None:
            resident_home = TerritoryNode.objects.get(pk=resident.household_id)
        for index in range(count):
            rng = random.Random(f"{self.seed}:appeal:{index}")
            scenario = _weighted(rng, SCENARIOS)
            mine = resident_home is not None and index < 3
            if mine:  # demo_resident: one closed, one replied awaiting a rating, one in progress
                scenario = ("closed", "replied", "in_progress")[index]
            story = self._story(index, rng, scenario, stories, resident_home if mine else None)
            stories.append(story)
        return stories

    def _story(self, index: int, rng: random.Random, scenario: str, stories: list[Story], home: Any) -> Story:
        channel = _weighted(rng, CHANNELS)
        if home is not None:
            channel = Channel.RESIDENT_APP
            place = next(p for p in self.places if p.compound.code == home.code[:17])
        else:
            place = rng.choice(self.places)
        building = rng.choice(place.buildings)
        category = rng.choice(self.leaves) if self.leaves else None
        parent_index = None
        if scenario == "merged":
            earlier = [
                i for i, s in enumerate(stories) if s.scenario not in {"merged", "triage", "returned_waiting"}
            ]
            if earlier:
                parent_index = rng.choice(earlier)
                category = stories[parent_index].appeal.category
                place = stories[parent_index].place or place
                building = rng.choice(place.buildings)
            else:
                scenario = "closed"
        leaf = category.name if category else "意见建议"
        if channel == Channel.PATROL and leaf in PERSONAL:
            channel = Channel.HOTLINE  # a grid patrol does not find someone's pension application
        title, body = rng.choice(texts.TEMPLATES.get(leaf) or texts.TEMPLATES["意见建议"])
        slots = {
            "compound": place.compound.name,
            "building": building.name,
            "road": rng.choice(ROADS),
            "days": rng.randint(2, 9),
            "time": f"{rng.randint(7, 11)}点",
            "number": rng.randint(1, 300),
        }
        if scenario == "triage":
            title, body = rng.choice(texts.ADDRESS_ONLY)
        text = texts.CHANNEL_PREFIX.get(channel, "") + body.format(**slots)
        title = title.format(**slots)
        urgency = _weighted(rng, URGENCIES)
        person = rng.choice(self.residents.get(place.compound.code) or self.anyone)
        if home is not None and self.cast.resident is not None and self.cast.resident.person is not None:
            person = self.cast.resident.person
        appeal = Appeal(
            channel=channel,
            title=title[:120],
            text=text,
            category=category,
            urgency=urgency,
            anonymous=rng.random() < 0.05,
            hide_name=True,
            public=rng.random() < 0.8,
        )
        submitter_actor = SYSTEM
        if channel in HOTLINE_LIKE:
            appeal.contact_name = person.name
            appeal.contact_phone_cipher, appeal.contact_phone_masked = (
                person.phone_cipher,
                person.phone_masked,
            )
            appeal.external_id = f"12345-{self.seed % 10000:04d}{index:06d}"
            submitter_actor = Actor(None, "12345热线" if channel == Channel.HOTLINE else "热线导入")
        elif channel == Channel.PATROL:
            submitter_actor = Actor(None, "网格员")  # set once the grid is known
        else:
            appeal.submitter = person
            appeal.contact_name = person.name
            user = self.cast.resident if person.pk == getattr(self.cast.resident, "person_id", None) else None
            submitter_actor = Actor.of(user, SUBMITTER_LABELS.get(channel, "居民"))
        if scenario == "triage":
            appeal.address_text = f"{slots['road']}{slots['number']}号附近"
            appeal.territory, appeal.path = self.district, self.district.path
        elif channel in HOTLINE_LIKE or rng.random() < 0.1:
            # hotline callers give an address; intake matches it to the building (routing.match_address)
            appeal.address_text = f"{place.compound.name}{building.name}"
            appeal.territory, appeal.path = building, building.path
        else:
            appeal.lon, appeal.lat = random_inside(place.polygon, rng)
            appeal.address_text = f"{place.compound.name}{building.name}" if rng.random() < 0.5 else ""
            appeal.territory = None  # the grid, found for all pins at once in place_pins()
        if appeal.territory is not None and appeal.territory.level != Level.DISTRICT:
            appeal.community = self.nodes.get(appeal.territory.code[:12])
            appeal.street = self.nodes.get(appeal.territory.code[:9])
        return Story(
            appeal,
            self.clocks(category, urgency),
            self.calendar,
            merge_into=parent_index,
            place=place,
            scenario=scenario,
            submitter=submitter_actor,
            rng=rng,
        )

    def place_pins(self, stories: list[Story]) -> None:
        """Pins → grid, community, street, with the point index intake uses (one vectorised call)."""
        pinned = [s for s in stories if s.appeal.lon is not None]
        if not pinned:
            return
        lons = np.array([s.appeal.lon for s in pinned])
        lats = np.array([s.appeal.lat for s in pinned])
        # A fresh index of what this (uncommitted) load wrote, not the process's cached one: the
        # demo places every appeal in one pass, so building it once costs less than a bump.
        index = build_index(current_version())
        grid_ids = index.lookup_many(lons, lats, Level.GRID)
        grids = TerritoryNode.objects.in_bulk([int(g) for g in grid_ids if g >= 0])
        for story, grid_id in zip(pinned, grid_ids, strict=True):
            grid = grids.get(int(grid_id))
            assert grid is not None, "demo compounds lie inside their grids"
            story.appeal.territory, story.appeal.path = grid, grid.path
            story.appeal.community = self.nodes.get(grid.code[:12])
            story.appeal.street = self.nodes.get(grid.code[:9])

    def play(self, story: Story, stories: list[Story]) -> None:
        """Walk the story through the lifecycle, choosing times that end before now."""
        scenario, submitter, rng = story.scenario, story.submitter, story.rng
        a = story.appeal
        minute = datetime.timedelta(minutes=1)
        hour = datetime.timedelta(hours=1)
        day = datetime.timedelta(days=1)
        if a.channel == Channel.PATROL and a.territory is not None:
            submitter = self.cast.patroller(a.territory.code[:15])
        recent = {
            "replied": (2 * day, 8 * day),
            "in_progress": (3 * hour, 3 * day),
            "signed": (hour, 20 * hour),
            "dispatched": (5 * minute, 3 * hour),
            "overdue": (15 * day, 30 * day),
            "extension": (3 * day, 8 * day),
            "returned_waiting": (hour, 12 * hour),
            "triage": (10 * minute, 2 * day),
            "merged": (hour, 3 * day),
        }
        low, high = recent.get(scenario, (6 * day, HISTORY_DAYS * day))
        if scenario == "merged" and story.merge_into is not None:
            parent_created = stories[story.merge_into].appeal.created_at
            start = parent_created + datetime.timedelta(minutes=rng.randint(20, 600))
            start = min(start, self.now - 2 * hour)
        else:
            start = self.now - low - (high - low) * rng.random()
        start = self._daytime(start, rng)
        story.submit(start, submitter)
        if scenario == "triage":
            return
        route, version = self.route(a.category, a.path)
        department = self.departments.get(route) if route is not None else None
        if department is None or a.community is None:
            return  # intake leaves it in the community's triage queue, as here
        a.routed_by_ruleset = version
        t = start  # intake accepts and dispatches a routed appeal in the same instant
        story.accept(t)
        story.dispatch(t, department, note=f"按分拨规则v{version}自动派单")
        dispatcher = self.cast.dispatcher(a.community.code)
        if scenario == "merged":
            story.merge(
                self._later(t, datetime.timedelta(minutes=rng.randint(30, 600))),
                dispatcher,
                story.merge_into or 0,
            )
            return
        if scenario == "dispatched":
            return
        if scenario in {"returned", "returned_waiting"}:
            t = self._later(t, datetime.timedelta(minutes=rng.randint(20, 180)))
            story.return_(t, self.cast.handler(department), rng.choice(texts.RETURN_REASONS))
            if scenario == "returned_waiting":
                return
            others = [d for d in self.departments.values() if d.pk != department.pk]
            department = rng.choice(sorted(others, key=lambda d: d.pk))
            t = self._later(t, datetime.timedelta(minutes=rng.randint(10, 120)))
            story.dispatch(t, department, dispatcher, "退单后重新派单")
            scenario = "closed"
        handler = self.cast.handler(department)
        rounds = 1
        if scenario == "closed" and rng.random() < 0.1:
            rounds = 2 if rng.random() < 0.8 else 3
        for round_no in range(1, rounds + 1):
            replied = self._handle(story, t, rng, handler, scenario)
            if replied is None:
                return
            t = replied
            if scenario in {"replied"}:
                return
            t = self._later(t, datetime.timedelta(minutes=rng.randint(60, 2880)))
            actor = Actor(None, "12345回访") if a.channel in HOTLINE_LIKE else submitter
            if a.channel == Channel.PATROL:
                actor = Actor(None, "回访")
            if round_no < rounds:
                story.rate(t, actor, Satisfaction.UNSATISFIED, False, rng.choice(texts.UNSATISFIED_COMMENTS))
                t = self._later(t, datetime.timedelta(seconds=1))
            else:
                last_unhappy = rounds == 3
                satisfaction = (
                    Satisfaction.UNSATISFIED
                    if last_unhappy
                    else _weighted(rng, [(Satisfaction.SATISFIED, 75), (Satisfaction.BASIC, 25)])
                )
                comments = COMMENTS[satisfaction]
                solved = satisfaction == Satisfaction.SATISFIED or (
                    satisfaction == Satisfaction.BASIC and rng.random() < 0.7
                )
                story.rate(t, actor, satisfaction, solved, rng.choice(comments))

    def _handle(
        self, story: Story, t: datetime.datetime, rng: random.Random, handler: Actor, scenario: str
    ) -> datetime.datetime | None:
        """Sign, start, contact, (extension), reply; None when the story stops before replying."""
        a = story.appeal
        sign_minutes = story.clocks.sign_hours * 60
        late = rng.random() < 0.1
        delay = rng.uniform(sign_minutes, sign_minutes * 3) if late else rng.uniform(3, sign_minutes * 0.9)
        if scenario == "signed" or scenario == "in_progress":
            delay = min(delay, max(1.0, (self.now - t).total_seconds() / 60 * 0.3))
        t = self._later(t, datetime.timedelta(minutes=delay))
        story.sign(t, handler)
        if scenario == "signed":
            return None
        t = self._later(t, datetime.timedelta(minutes=rng.randint(5, 240)))
        story.start(t, handler)
        if rng.random() < 0.7 or scenario == "overdue":
            t = self._later(t, datetime.timedelta(minutes=rng.randint(10, 600)))
            story.contact(t, handler, "已电话联系诉求人了解情况")
        if scenario == "extension":
            t = self._later(t, datetime.timedelta(hours=rng.randint(2, 24)))
            story.extension_request(t, handler, rng.choice([3, 5, 10]), rng.choice(texts.EXTENSION_REASONS))
            if rng.random() < 0.5:
                t = self._later(t, datetime.timedelta(hours=rng.randint(1, 12)))
                story.extension_decide(
                    t, self.cast.approver(a.street.code if a.street else ""), approve=rng.random() < 0.8
                )
            return None
        if scenario in {"in_progress", "overdue"}:
            return None
        assert a.resolve_due_at is not None
        window = a.resolve_due_at - (a.dispatched_at or t)
        if rng.random() < 0.08:
            reply_at = a.resolve_due_at + datetime.timedelta(minutes=rng.randint(60, 4000))
        else:
            reply_at = (a.dispatched_at or t) + window * rng.uniform(0.2, 0.9)
        if scenario == "replied":  # still waiting for the rating: replied in the last day or two
            reply_at = min(reply_at, self.now - datetime.timedelta(hours=rng.randint(1, 40)))
        t = self._later(t, max(reply_at - t, datetime.timedelta(minutes=5)))
        compound = story.place.compound.name if story.place else ""
        story.reply(t, handler, rng.choice(texts.REPLIES).format(compound=compound))
        return t

    def _later(self, t: datetime.datetime, delta: datetime.timedelta) -> datetime.datetime:
        """t + delta, but before now: a story that runs into the present is squeezed, never reordered."""
        ceiling = self.now - datetime.timedelta(seconds=1)
        if t + delta <= ceiling:
            return t + delta
        if t < ceiling:
            return t + (ceiling - t) / 2
        return t + datetime.timedelta(milliseconds=1)

    def _daytime(self, moment: datetime.datetime, rng: random.Random) -> datetime.datetime:
        """Most appeals come in between 8:00 and 22:00 local time."""
        local = timezone.localtime(moment)
        if 8 <= local.hour < 22:
            return moment
        shifted = local.replace(hour=rng.randint(8, 21), minute=rng.randint(0, 59))
        return min(shifted, self.now - datetime.timedelta(minutes=5))


def _noop(message: str) -> None:
    pass


@transaction.atomic
def load_history(
    *,
    seed: int,
    count: int = DEFAULT_APPEALS,
    now: datetime.datetime | None = None,
    progress: Callable[[str], None] = _noop,
) -> dict[str, int]:
    """Write `count` historical appeals with their events, ratings, extensions and DailyStat rows."""
    now = now or timezone.now()
    builder = HistoryBuilder(seed=seed, now=now)
    if not builder.places:
        return {}
    stories = builder.build(count)
    builder.place_pins(stories)
    for story in stories:
        builder.play(story, stories)
    appeals = [s.appeal for s in stories]
    for index, appeal in enumerate(appeals):
        appeal.number = f"DEMO{seed % 10000:04d}{index:07d}"  # replaced below once the ids are known
    with own_timestamps(Appeal):
        Appeal.objects.bulk_create(appeals, batch_size=BATCH)
    merged = []
    for appeal, story in zip(appeals, stories, strict=True):
        appeal.number = (
            f"GZ{timezone.localdate(appeal.created_at):%Y%m%d}{appeal.pk:07d}"  # as intake numbers them
        )
        if appeal.status == Status.MERGED and story.merge_into is not None:
            appeal.parent = appeals[story.merge_into]
            story.events[-1].data = {"parent_id": appeal.parent.pk}
            merged.append(appeal)
    Appeal.objects.bulk_update(appeals, ["number"], batch_size=1000)
    Appeal.objects.bulk_update(merged, ["parent"], batch_size=1000)
    events = [e for s in stories for e in s.events]
    for event in events:
        event.appeal_id = event.appeal.pk
    AppealEvent.objects.bulk_create(events, batch_size=BATCH)
    ratings = [r for s in stories for r in s.ratings]
    for rating in ratings:
        rating.appeal_id = rating.appeal.pk
    Rating.objects.bulk_create(ratings, batch_size=BATCH)
    extensions = [x for s in stories for x in s.extensions]
    for extension in extensions:
        extension.appeal_id = extension.appeal.pk
    with own_timestamps(ExtensionRequest):
        ExtensionRequest.objects.bulk_create(extensions, batch_size=BATCH)
    stats = daily_stats(stories)
    DailyStat.objects.bulk_create(stats, batch_size=BATCH)
    templates = _reply_templates(builder.cast)
    counts = {
        "appeals": len(appeals),
        "appeal_events": len(events),
        "ratings": len(ratings),
        "extension_requests": len(extensions),
        "daily_stats": len(stats),
        "reply_templates": templates,
    }
    progress("诉求 appeals: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return counts


def _reply_templates(cast: Cast) -> int:
    if cast.department_org_id is None:
        return 0
    ReplyTemplate.objects.bulk_create(
        ReplyTemplate(department_id=cast.department_org_id, title=title, text=text)
        for title, text in texts.DEPARTMENT_REPLY_TEMPLATES
    )
    return len(texts.DEPARTMENT_REPLY_TEMPLATES)


def install_demo_appeals(
    *, seed: int, count: int, progress: Callable[[str], None] = _noop, now: datetime.datetime | None = None
) -> dict[str, int]:
    """Holidays (if that command is installed), default taxonomy, deadlines and routing, then history."""
    from django.core.management import call_command, get_commands

    if "load_holidays" in get_commands():
        call_command("load_holidays", stdout=io.StringIO())
    district = TerritoryNode.objects.get(level=Level.DISTRICT)
    report = install_defaults(district)
    progress(
        f"诉求分类与规则 taxonomy {report.categories_created}, deadline policies {report.policies_created}, "
        f"routing rules v{report.ruleset_version}: {report.rules}"
    )
    return load_history(seed=seed, count=count, now=now, progress=progress) if count else {}
