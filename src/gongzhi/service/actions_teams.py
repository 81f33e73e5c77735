"""Helper teams and members: creating teams and sub-teams, adding members, their skills, slots,
service area and poster consent. Staff of the community (manage_service) only."""

import re
from typing import Any

from django.db import transaction

from gongzhi.core import uploads
from gongzhi.core.actors import Actor
from gongzhi.core.audit import record_write
from gongzhi.core.phone import InvalidPhone, normalise_phone
from gongzhi.service.access import ServiceForbidden, may_manage
from gongzhi.service.actions import ServiceError, Upload, check_images, insert_once, sniff_image
from gongzhi.service.geo import building_of, point_of
from gongzhi.service.models import Helper, HelperTeam, MemberKind, Skill
from gongzhi.service.suggest import index_fields
from gongzhi.territory.models import Level, TerritoryNode

SLOT = re.compile(r"^\s*([1-7])\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$")


def _require(actor: Actor, path: str) -> None:
    if actor is not None and not may_manage(actor, path):
        raise ServiceForbidden("您无权管理该社区的服务队")


def parse_slots(text: str) -> list[dict[str, Any]]:
    """'1 19:00-21:00' per line (1 = Monday … 7 = Sunday) → [{"day": 0, "start": "19:00", "end": "21:00"}]."""
    slots = []
    for raw in (text or "").splitlines():
        if not raw.strip():
            continue
        match = SLOT.match(raw)
        if match is None:
            raise ServiceError(f"服务时段“{raw.strip()}”格式应为“星期(1-7) 19:00-21:00”", "slots")
        day, start, end = match.groups()
        start, end = start.zfill(5), end.zfill(5)
        if start >= end or end > "24:00" or start[3:] > "59" or end[3:] > "59":
            raise ServiceError(f"服务时段“{raw.strip()}”的结束时间应晚于开始时间", "slots")
        slots.append({"day": int(day) - 1, "start": start, "end": end})
    return slots


def format_slots(slots: list[dict[str, Any]]) -> str:
    return "\n".join(f"{s['day'] + 1} {s['start']}-{s['end']}" for s in slots)


@transaction.atomic
def team_create(
    *,
    actor: Actor,
    community: TerritoryNode,
    name: str,
    leader: Any = None,
    parent: HelperTeam | None = None,
    specialty: str = "",
) -> HelperTeam:
    """A community's helper team (led by the party secretary) or a professional sub-team of it."""
    if community.level != Level.COMMUNITY:
        raise ServiceError("服务队必须建在社区", "community")
    _require(actor, community.path)
    name = (name or "").strip()
    if not name:
        raise ServiceError("请填写队名", "name")
    if specialty and specialty not in Skill.values:
        raise ServiceError("未知的专业", "specialty")
    if parent is not None and parent.community_id != community.pk:
        raise ServiceError("专业分队必须属于同一社区的服务队", "parent")
    team = insert_once(
        HelperTeam(
            community=community,
            path=community.path,
            name=name[:80],
            leader=leader,
            parent=parent,
            specialty=specialty,
        ),
        ServiceError("本社区已有同名服务队", "name"),
    )
    record_write(actor=actor, action="service.team_create", obj=team, scope_path=team.path)
    return team


def _home(person: Any) -> tuple[float | None, float | None]:
    building = building_of(person.household) if person.household_id else None
    point = point_of(building) if building is not None else None
    return point if point else (None, None)


def _area_paths(nodes: list[TerritoryNode], team: HelperTeam) -> list[str]:
    for node in nodes:
        if node.level not in {Level.GRID, Level.COMPOUND, Level.BUILDING} or not node.path.startswith(
            team.path
        ):
            raise ServiceError("服务区域只能选本社区的网格、小区或楼栋", "areas")
    return sorted({n.path for n in nodes})


@transaction.atomic
def helper_add(
    *,
    actor: Actor,
    team: HelperTeam,
    person: Any,
    kind: str,
    skills: list[str] | None = None,
    slots: list[dict[str, Any]] | None = None,
    areas: list[TerritoryNode] | None = None,
    party_member: Any = None,
    organisation: Any = None,
    public_on_poster: bool = False,
    poster_phone: str = "",
) -> Helper:
    _require(actor, team.path)
    if kind not in MemberKind.values:
        raise ServiceError("请选择队员身份", "kind")
    bad = [s for s in (skills or []) if s not in Skill.values]
    if bad:
        raise ServiceError(f"未知的技能:{'、'.join(bad)}", "skills")
    if kind == MemberKind.PARTY_MEMBER and party_member is None:
        party_member = getattr(person, "party_member", None)
    if kind == MemberKind.PARTNER_STAFF and organisation is None:
        raise ServiceError("共建单位职工请选择所在单位", "organisation")
    phone = _poster_phone(public_on_poster, poster_phone)
    lon, lat = _home(person)
    helper = Helper(
        team=team,
        path=team.path,
        person=person,
        kind=kind,
        party_member=party_member,
        organisation=organisation,
        skills=sorted(set(skills or [])),
        slots=slots or [],
        area_paths=_area_paths(areas or [], team),
        home_lon=lon,
        home_lat=lat,
        public_on_poster=public_on_poster,
        poster_phone=phone,
    )
    index_fields(helper)
    insert_once(helper, ServiceError("此人已是该服务队队员", "person"))
    record_write(actor=actor, action="service.helper_add", obj=helper, scope_path=helper.path)
    return helper


def _poster_phone(public: bool, raw: str) -> str:
    if not public or not (raw or "").strip():
        return ""
    try:
        return normalise_phone(raw)
    except InvalidPhone as exc:
        raise ServiceError(str(exc), "poster_phone") from exc


@transaction.atomic
def helper_update(
    *,
    actor: Actor,
    helper: Helper,
    skills: list[str],
    slots: list[dict[str, Any]],
    areas: list[TerritoryNode] | None,
    public_on_poster: bool,
    poster_phone: str = "",
    active: bool = True,
    photo: Upload | None = None,
) -> Helper:
    """Staff edit a member; the member may edit their own skills, slots and poster consent."""
    own = getattr(getattr(actor, "person", None), "pk", None) == helper.person_id
    if not own:
        _require(actor, helper.path)
    bad = [s for s in skills if s not in Skill.values]
    if bad:
        raise ServiceError(f"未知的技能:{'、'.join(bad)}", "skills")
    locked = Helper.objects.select_for_update().get(pk=helper.pk)
    locked.skills = sorted(set(skills))
    locked.slots = slots
    if areas is not None:  # None: unchanged (a member editing their own profile cannot move their area)
        locked.area_paths = _area_paths(areas, helper.team)
    locked.public_on_poster = public_on_poster
    locked.poster_phone = _poster_phone(public_on_poster, poster_phone)
    locked.active = active if not own else locked.active
    fields = [
        "skills",
        "slots",
        "area_paths",
        "public_on_poster",
        "poster_phone",
        "active",
        "updated_at",
        *index_fields(locked),
    ]
    if photo is not None:
        check_images([photo])
        stored = uploads.stored_file(photo.content, sniff_image(photo.content) or "")
        locked.photo.save(stored.name, stored, save=False)
        fields.append("photo")
    locked.save(update_fields=fields)
    record_write(actor=actor, action="service.helper_update", obj=locked, scope_path=locked.path)
    return locked
