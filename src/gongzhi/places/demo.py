"""Demo centres of 光明街道: the street centre, a centre per community, stations and micro-stations
in compounds of 碧眼社区 and two neighbours, a mobile centre at a construction site; venues with
rules; past activities with attendance and ratings, upcoming ones (one nearly full in 碧眼社区) and
bookings. Past rows are written directly (no action books the past); their history events too."""

import random
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.people.models import Person
from gongzhi.places import geo, tickets
from gongzhi.places.hours import standard_hours
from gongzhi.places.models import (
    Activity,
    Booking,
    BookingEvent,
    Centre,
    CentreStaff,
    Feedback,
    SignUp,
    SignUpEvent,
    Venue,
)
from gongzhi.territory.models import TerritoryNode

STREET_CODE = "440311001"
HOME = "碧眼社区"
COMMUNITY_SERVICES = ["党员活动", "政务服务", "法律援助", "图书阅览", "心理咨询"]
EXTRA_SERVICES = ["课后托管", "日间照料", "长者饭堂", "健康义诊", "就业服务", "母婴室"]
ACTIVITIES = [
    ("四点半课堂·作业辅导", "children", "children", 30, 5),
    ("长者智能手机课堂", "lecture", "elderly", 25, 5),
    ("党员政治生日会", "party", "members", 40, 10),
    ("社区义诊·量血压", "health", "all", 60, 5),
    ("亲子手工课", "culture", "families", 20, 5),
    ("法律援助讲座:租房合同", "lecture", "all", 50, 5),
    ("垃圾分类志愿督导", "volunteer", "all", 15, 20),
    ("广场舞交流", "culture", "elderly", 40, 5),
]
FEEDBACK = ["很有收获", "老师讲得清楚", "希望多办几期", "场地有点挤", "孩子很喜欢", ""]


def _point(node: TerritoryNode, rng: random.Random, jitter: float = 0.0008) -> tuple[float, float]:
    lon = node.centroid_lon if node.centroid_lon is not None else 113.93
    lat = node.centroid_lat if node.centroid_lat is not None else 22.76
    return lon + rng.uniform(-jitter, jitter), lat + rng.uniform(-jitter, jitter)


def _at(day: Any, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def install_demo(*, seed: int, progress: Any) -> dict[str, int]:
    street = TerritoryNode.objects.filter(code=STREET_CODE).first()
    if street is None:
        return {}
    rng = random.Random(seed)
    with transaction.atomic():
        counts = _install(street, rng)
        geo.CENTRE_INDEX.bump()  # bulk_create sends no signal
    progress(
        f"  places: {counts['centres']} centres, {counts['activities']} activities, {counts['bookings']} bookings"
    )
    return counts


# The rooms each level of centre offers: name, capacity, slot / shortest / longest minutes, days
# bookable ahead, bookings an organisation may hold, whether staff approve each booking.
VENUE_COLUMNS: tuple[str, ...] = ("name", "capacity", "slot_minutes", "min_minutes", "max_minutes")
VENUE_COLUMNS += ("max_days_ahead", "per_org_cap", "needs_approval")
VENUES_BY_LEVEL: dict[str, list[tuple[Any, ...]]] = {
    "street": [("报告厅", 200, 30, 60, 240, 14, 8, True), ("篮球场", 30, 60, 60, 120, 7, 10, False)],
    "community": [
        ("多功能活动室", 40, 30, 30, 240, 14, 12, False),
        ("会议室", 16, 30, 30, 180, 14, 10, True),
        ("舞蹈室", 25, 60, 60, 120, 14, 10, False),
    ],
    "station": [("议事室", 12, 30, 30, 120, 14, 10, False)],
}


def _install(street: TerritoryNode, rng: random.Random) -> dict[str, int]:
    communities = list(TerritoryNode.objects.filter(parent=street, level="community").order_by("code"))
    Centre.objects.bulk_create(_centres(street, communities, rng))
    centres = list(Centre.objects.filter(territory__path__startswith=street.path).order_by("id"))
    by_name = {c.name: c for c in centres}
    venues = [
        Venue(centre=c, **dict(zip(VENUE_COLUMNS, row, strict=True)))
        for c in centres
        for row in VENUES_BY_LEVEL.get(c.level, [])
    ]
    Venue.objects.bulk_create(venues)
    venues_of: dict[int, list[Venue]] = {}
    for venue in Venue.objects.filter(centre__in=centres).order_by("id"):
        venues_of.setdefault(venue.centre_id, []).append(venue)

    _staff(by_name)
    today = timezone.localdate()
    now = timezone.now()
    Activity.objects.bulk_create(_activities(centres, by_name, venues_of, rng, today))
    activities = list(
        Activity.objects.filter(centre__in=centres).select_related("centre__territory").order_by("id")
    )
    signups, feedback = _signups(activities, rng, now)
    bookings = _bookings(centres, venues_of, rng, today, now)
    return {
        "centres": len(centres),
        "venues": len(venues),
        "activities": len(activities),
        "signups": signups,
        "activity_feedback": feedback,
        "bookings": bookings,
    }


def _centres(street: TerritoryNode, communities: list[TerritoryNode], rng: random.Random) -> list[Centre]:
    """The street's centre, one per community (with stations in a few compounds) and a mobile one."""
    centres: list[Centre] = []
    lon, lat = _point(street, rng, 0)
    centres.append(
        Centre(
            name="光明街道党群服务中心",
            level="street",
            territory=street,
            lon=lon,
            lat=lat,
            address="光明街道光明大街88号",
            opening_hours=standard_hours(),
            services=COMMUNITY_SERVICES + EXTRA_SERVICES,
            phone="0755-23400000",
            description="街道党群服务中心:政务服务、法律援助、长者饭堂、四点半课堂等一站式服务。",
        )
    )
    for i, community in enumerate(communities):
        lon, lat = _point(community, rng)
        centres.append(
            Centre(
                name=f"{community.name}党群服务中心",
                level="community",
                territory=community,
                lon=lon,
                lat=lat,
                address=f"{street.name}{community.name}文化广场{i + 1}号",
                opening_hours=standard_hours(),
                services=COMMUNITY_SERVICES
                + rng.sample(EXTRA_SERVICES, 3)
                + (["课后托管"] if community.name == HOME else []),
                phone=f"0755-2340{i + 1:04d}",
            )
        )
        if community.name == HOME or i < 2:
            centres += _stations(community, rng)
    if communities:
        site = communities[-1]
        lon, lat = _point(site, rng)
        centres.append(
            Centre(
                name="光明街道建筑工地流动党群服务站",
                level="mobile",
                territory=site,
                lon=lon,
                lat=lat,
                address=f"{site.name}在建项目工地生活区",
                opening_hours={str(d): [["11:30", "13:30"], ["18:00", "21:00"]] for d in range(7)},
                services=["法律援助", "就业服务", "健康义诊"],
                description="为建筑工人提供的流动服务站:欠薪维权、义诊、就业信息。",
            )
        )
    return centres


def _stations(community: TerritoryNode, rng: random.Random) -> list[Centre]:
    """A station in the community's first compound and micro-stations in the next two."""
    compounds = list(
        TerritoryNode.objects.filter(path__startswith=community.path, level="compound").order_by("code")[:3]
    )
    stations = []
    for j, compound in enumerate(compounds):
        lon, lat = _point(compound, rng, 0.0003)
        stations.append(
            Centre(
                name=f"{compound.name}党群服务{'站' if j == 0 else '微站'}",
                level="station" if j == 0 else "micro_station",
                territory=compound,
                lon=lon,
                lat=lat,
                address=f"{compound.name}物业楼一楼",
                opening_hours=standard_hours(weekend=False),
                services=rng.sample(COMMUNITY_SERVICES + EXTRA_SERVICES, 3),
            )
        )
    return stations


def _activities(
    centres: list[Centre],
    by_name: dict[str, Centre],
    venues_of: dict[int, list[Venue]],
    rng: random.Random,
    today: date,
) -> list[Activity]:
    """Past and coming activities of the street and community centres, and one nearly full."""
    activities: list[Activity] = []
    for centre in centres:
        if centre.level not in {"street", "community"}:
            continue
        rooms = venues_of.get(centre.pk, [])
        n_past, n_future = (12, 6) if centre.territory.name == HOME else (6, 3)
        for k in range(n_past + n_future):
            title, kind, audience, cap, pts = ACTIVITIES[(k + centre.pk) % len(ACTIVITIES)]
            offset = -rng.randint(1, 60) if k < n_past else rng.randint(2, 13)
            day = today + timedelta(days=offset)
            hour = rng.choice([9, 10, 14, 15, 19])
            activities.append(
                Activity(
                    centre=centre,
                    venue=rooms[0] if rooms else None,
                    title=title,
                    kind=kind,
                    audience=audience,
                    organiser=f"{centre.territory.name}党委",
                    starts_at=_at(day, hour),
                    ends_at=_at(day, hour + 2),
                    capacity=cap,
                    points=pts,
                    description=f"{title}:欢迎居民报名参加。",
                )
            )
    home = by_name.get(f"{HOME}党群服务中心")
    if home is not None:
        day = today + timedelta(days=3)
        activities.append(
            Activity(
                centre=home,
                venue=venues_of[home.pk][0],
                title="周末亲子绘本共读(名额紧张)",
                kind="children",
                audience="families",
                organiser="碧眼社区党委",
                starts_at=_at(day, 10),
                ends_at=_at(day, 12),
                capacity=20,
                points=5,
                description="报名即将满员,满员后可加入候补。",
            )
        )
    return activities


def _staff(by_name: dict[str, Centre]) -> None:
    home = by_name.get(f"{HOME}党群服务中心")
    if home is None:
        return
    rows = []
    for username, title in (("demo_staff", "服务中心工作人员"), ("demo_secretary", "中心负责人")):
        user = User.objects.filter(username=username).only("person_id").first()
        if user is not None and user.person_id:
            rows.append(CentreStaff(centre=home, person_id=user.person_id, title=title))
    CentreStaff.objects.bulk_create(rows, ignore_conflicts=True)


def _residents(community: TerritoryNode, limit: int) -> list[int]:
    return list(
        Person.objects.filter(household__path__startswith=community.path)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )


def _signups(activities: list[Activity], rng: random.Random, now: datetime) -> tuple[int, int]:
    pools: dict[int, list[int]] = {}
    rows: list[SignUp] = []
    fb: list[Feedback] = []
    for act in activities:
        community = act.centre.territory
        pool = pools.setdefault(community.pk, _residents(community, 400))
        if not pool:
            continue
        past = act.ends_at < now
        nearly_full = "名额紧张" in act.title
        wanted = act.capacity - 1 if nearly_full else rng.randint(act.capacity // 3, act.capacity)
        chosen = rng.sample(pool, min(wanted, len(pool)))
        for pid in chosen:
            attended = past and rng.random() < 0.8
            rows.append(
                SignUp(
                    activity=act,
                    person_id=pid,
                    status="attended" if attended else "confirmed",
                    checked_in_at=act.starts_at + timedelta(minutes=rng.randint(-20, 15))
                    if attended
                    else None,
                    checkin_nonce="" if (attended or past) else tickets.new_nonce(),
                )
            )
            if attended and rng.random() < 0.5:
                fb.append(
                    Feedback(
                        activity=act,
                        person_id=pid,
                        rating=rng.choices([5, 4, 3, 2], [55, 30, 10, 5])[0],
                        comment=rng.choice(FEEDBACK),
                    )
                )
        act.seats_taken = len(chosen)
    Activity.objects.bulk_update(activities, ["seats_taken"], batch_size=500)
    created = SignUp.objects.bulk_create(rows, batch_size=1000)
    SignUpEvent.objects.bulk_create(
        [SignUpEvent(signup=s, from_status="", to_status="confirmed", note="demo") for s in created]
        + [
            SignUpEvent(signup=s, from_status="confirmed", to_status="attended", note="demo check-in")
            for s in created
            if s.status == "attended"
        ],
        batch_size=2000,
    )
    Feedback.objects.bulk_create(fb, batch_size=1000)
    return len(rows), len(fb)


def _bookings(
    centres: list[Centre], venues_of: dict[int, list[Venue]], rng: random.Random, today: Any, now: datetime
) -> int:
    rows: list[Booking] = []
    purposes = ["楼栋议事会", "书法协会练习", "合唱团排练", "业主沟通会", "志愿者培训", "读书会"]
    for centre in centres:
        pool = _residents(centre.territory, 50)
        if not pool:
            continue
        for venue in venues_of.get(centre.pk, []):
            for offset in range(-30, 8):
                if rng.random() > 0.35:
                    continue
                day = today + timedelta(days=offset)
                hour = rng.choice([9, 14, 19])
                start, end = _at(day, hour), _at(day, hour + 1)
                if end <= now:
                    status = rng.choices(["used", "no_show", "cancelled"], [80, 10, 10])[0]
                elif start <= now:
                    continue
                else:
                    status = "requested" if venue.needs_approval and rng.random() < 0.5 else "confirmed"
                rows.append(
                    Booking(
                        venue=venue,
                        person_id=rng.choice(pool),
                        starts_at=start,
                        ends_at=end,
                        purpose=rng.choice(purposes),
                        attendees=rng.randint(3, min(venue.capacity, 30)),
                        status=status,
                        checkin_nonce=tickets.new_nonce() if status in {"requested", "confirmed"} else "",
                        checked_in_at=start if status == "used" else None,
                    )
                )
    created = Booking.objects.bulk_create(rows, batch_size=1000)
    events = []
    for b in created:
        first = "requested" if b.venue.needs_approval else "confirmed"
        events.append(BookingEvent(booking=b, from_status="", to_status=first, note="demo"))
        if b.status != first:
            if first == "requested" and b.status != "cancelled":
                events.append(
                    BookingEvent(booking=b, from_status="requested", to_status="confirmed", note="demo")
                )
                first = "confirmed"
            events.append(BookingEvent(booking=b, from_status=first, to_status=b.status, note="demo"))
    BookingEvent.objects.bulk_create(events, batch_size=2000)
    return len(rows)
