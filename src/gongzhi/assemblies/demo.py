"""Demo owners' assembly of demo_owners' compound: a register of every household there (areas 60–140 ㎡,
some co-owned; demo_resident owns a flat there), an assembly in voting with a frozen snapshot, an
ordinary and a special matter, an owners' committee election, ballots from most owners (some cast by
written proxy, demo_resident's still open for the phone demo), and property-company ratings."""

import datetime
import random
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Min
from django.utils import timezone

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.assemblies import actions
from gongzhi.assemblies.models import SnapshotVoter
from gongzhi.orgs.models import Organisation
from gongzhi.people.models import Person
from gongzhi.territory.actions import build_node
from gongzhi.territory.models import TerritoryNode, community_path

PROXY_DOC = b"%PDF-1.4\n% written proxy (demo)\n%%EOF\n"
COMMENTS = [
    "保洁及时,门岗服务态度好",
    "电梯维修响应偏慢",
    "绿化养护不错",
    "停车管理有待加强",
    "夜间巡逻到位",
    "公共区域照明经常坏",
]


def _compound() -> Any:
    role = (
        RoleAssignment.objects.filter(person__account__username="demo_owners", organisation__isnull=False)
        .select_related("organisation__territory")
        .first()
    )
    return role.organisation.territory if role and role.organisation.territory.level == "compound" else None


MIN_PARTS = 24


def _vacant_flats(compound: Any, have: int) -> list[Any]:
    """At small demo sizes a compound has only the few flats residents live in; add let or empty
    flats (owned by people living elsewhere) so the assembly has a realistic register."""
    units = list(TerritoryNode.objects.filter(path__startswith=compound.path, level="unit").order_by("path"))
    taken = set(
        TerritoryNode.objects.filter(path__startswith=compound.path, level="household").values_list(
            "code", flat=True
        )
    )
    made: list[Any] = []
    for floor in range(1, 19):
        for unit in units:
            for room in (1, 2):
                if have + len(made) >= MIN_PARTS:
                    return made
                code = f"{unit.code}{floor:02d}{room:02d}"
                if code not in taken:
                    node = build_node(level="household", code=code, name=f"{floor}{room:02d}", parent=unit)
                    node.save()
                    made.append(node)
    return made


def _register(compound: Any, rng: random.Random, resident: Any, actor: User | None) -> int:
    households = list(
        TerritoryNode.objects.filter(path__startswith=compound.path, level="household").order_by("path")[:400]
    )
    vacant = _vacant_flats(compound, len(households))
    community = community_path(compound.path)
    landlords = list(
        Person.objects.filter(household__path__startswith=community)
        .exclude(household__path__startswith=compound.path)
        .order_by("pk")[: 4 * MIN_PARTS]
    )
    firsts = dict(
        Person.objects.filter(household__in=households)
        .values("household_id")
        .annotate(first=Min("pk"))
        .values_list("household_id", "first")
    )
    people = {p.pk: p for p in Person.objects.filter(household__in=households)}
    by_household: dict[int, list[Person]] = {}
    for p in people.values():
        by_household.setdefault(p.household_id, []).append(p)
    since = datetime.date(2015, 6, 1)
    made = 0
    for i, h in enumerate(households):
        area = Decimal(rng.randint(6000, 14000)) / 100
        if i == 0 and resident is not None:
            owners = [resident]  # demo_resident owns (and lets) a flat here
        elif h.pk in firsts:
            members = sorted(by_household[h.pk], key=lambda p: p.pk)
            owners = members[:2] if len(members) > 1 and rng.random() < 0.2 else members[:1]
        else:
            vacant.append(h)  # nobody registered as living there: owned by someone elsewhere
            continue
        actions.part_register(actor=actor, household=h, area=area, owners=owners, on=since)
        made += 1
    for h in vacant:
        if not landlords:
            break
        owners = [landlords.pop(rng.randrange(len(landlords)))]
        if landlords and rng.random() < 0.15:
            owners.append(landlords.pop(rng.randrange(len(landlords))))  # a couple registered as co-owners
        area = Decimal(rng.randint(6000, 14000)) / 100
        actions.part_register(actor=actor, household=h, area=area, owners=owners, on=since)
        made += 1
    return made


def install_demo(*, seed: int, progress: Any) -> dict[str, int]:
    rng = random.Random(seed * 43 + 11)
    compound = _compound()
    owners_user = User.objects.filter(username="demo_owners").select_related("person").first()
    resident = User.objects.filter(username="demo_resident").select_related("person").first()
    if compound is None or owners_user is None:
        return {"owners_parts": 0}
    parts = _register(compound, rng, resident.person if resident else None, owners_user)
    if parts < 3:
        return {"owners_parts": parts}
    assembly = actions.assembly_create(
        actor=owners_user,
        compound=compound,
        title=f"{compound.name}2026年第一次业主大会(临时会议)",
        closes_at=timezone.now() + datetime.timedelta(days=10),
    )
    matters = [  # (title, category of Civil Code art. 278, text): an ordinary matter and a special one
        ("续聘现物业服务企业,合同期三年", "manager", "物业服务费标准不变;合同期内每年接受业主与党支部评价。"),
        (
            "利用5栋架空层设置电动自行车集中充电点并收取充电服务费",
            "change_use",
            "由小区协商议事会提出;收益归全体业主,用于公共设施维护。",
        ),
    ]
    ordinary, special = (
        actions.matter_add(actor=owners_user, assembly=assembly, title=title, category=category, text=text)
        for title, category, text in matters
    )
    election = actions.election_add(
        actor=owners_user,
        assembly=assembly,
        title="补选业主委员会委员",
        seats=2,
        candidates=["陈志强", "刘晓燕", "黄伟明"],
    )
    assembly = actions.assembly_open(actor=owners_user, assembly=assembly)
    voters = list(
        SnapshotVoter.objects.filter(assembly=assembly).prefetch_related("members__person").order_by("pk")
    )
    skip = {
        member.voter_id
        for v in voters
        for member in v.members.all()
        if resident is not None and member.person_id == resident.person_id
    }
    candidates = list(election.candidates.order_by("pk"))
    # proxy agents: neighbours in the community (a relative or a neighbour holds the written proxy)
    community = community_path(compound.path)
    agents = list(Person.objects.filter(household__path__startswith=community).order_by("pk")[:8])
    cast = proxies = 0
    for v in voters:
        if v.pk in skip or rng.random() < 0.2:
            continue  # demo_resident votes on the phone; a fifth stay away
        person = v.members.all()[0].person
        by = person
        agent = agents[proxies % len(agents)] if agents else None
        wants_proxy = proxies < 2 or (proxies < 4 and rng.random() < 0.12)
        if wants_proxy and agent and not v.members.filter(person=agent).exists():
            actions.proxy_record(
                actor=owners_user,
                assembly=assembly,
                principal=v,
                agent=agent,
                document=SimpleUploadedFile(
                    f"授权委托书{proxies + 1}.pdf", PROXY_DOC, content_type="application/pdf"
                ),
            )
            by, proxies = agent, proxies + 1
        choose = [c.pk for c in candidates if rng.random() < [0.8, 0.6, 0.3][candidates.index(c)]][:2]
        actions.ballot_cast(
            actor=owners_user,
            person=by,
            assembly=assembly,
            voter_id=v.pk,
            version=assembly.snapshot_version,
            choices={
                ordinary.pk: rng.choices(["yes", "no", "abstain"], [75, 15, 10])[0],
                special.pk: rng.choices(["yes", "no", "abstain"], [78, 17, 5])[0],
            },
            picks={election.pk: choose},
        )
        cast += 1
    ratings = _ratings(compound, rng, owners_user)
    progress(
        f"  业主大会 owners' assembly: {parts} parts, {cast} ballots, {proxies} proxies, {ratings} ratings"
    )
    return {"owners_parts": parts, "owners_ballots": cast, "property_ratings": ratings}


def _ratings(compound: Any, rng: random.Random, actor: User | None) -> int:
    company = Organisation.objects.filter(kind="property_company", serves=compound).order_by("pk").first()
    if company is None:
        return 0
    raters = list(Person.objects.filter(household__path__startswith=compound.path).order_by("pk")[:40])
    year = timezone.localdate().year
    n = 0
    for y in (year - 1, year):
        for p in rng.sample(raters, min(len(raters), 15)):
            actions.rating_submit(
                actor=actor,
                rater=p,
                company=company,
                compound=compound,
                year=y,
                kind="resident",
                score=rng.choices([5, 4, 3, 2, 1], [30, 35, 20, 10, 5])[0],
                comment=rng.choice(COMMENTS),
            )
            n += 1
    secretary = User.objects.filter(username="demo_secretary").select_related("person").first()
    if secretary and secretary.person:
        for y, score in ((year - 1, 3), (year, 4)):
            actions.rating_submit(
                actor=secretary,
                rater=secretary.person,
                company=company,
                compound=compound,
                year=y,
                kind="branch",
                score=score,
                comment="党支部评议:整改台账落实较好,消防通道管理需加强",
            )
            n += 1
    return n
