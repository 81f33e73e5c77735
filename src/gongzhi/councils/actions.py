"""Every write of councils: one transaction, lock what changes, an audit row."""

import datetime
import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import uploads
from gongzhi.core.actors import Actor
from gongzhi.core.audit import actor_label, record_write
from gongzhi.core.lifecycle import history_row, transition
from gongzhi.councils import rules
from gongzhi.councils.models import (
    AgendaItem,
    Attendance,
    Council,
    CouncilKind,
    Decision,
    DecisionEvent,
    DecisionStatus,
    Evidence,
    Meeting,
    MeetingStatus,
    Seat,
    SeatKind,
)
from gongzhi.councils.workflow import DECISIONS, MEETINGS, CouncilError
from gongzhi.people import actions as people_actions

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}


def _audit(actor: Actor | None, action: str, obj: Any, path: str, **detail: Any) -> None:
    record_write(actor=actor, action=action, obj=obj, scope_path=path, detail=detail)


def _locked_meeting(meeting: Meeting, *, refuse_cancelled: bool = False) -> Meeting:
    locked = Meeting.objects.select_for_update().select_related("council__territory").get(pk=meeting.pk)
    if refuse_cancelled and locked.status == MeetingStatus.CANCELLED:
        raise CouncilError(_("会议已取消"), status=409)
    return locked


def _locked_decision(decision: Decision) -> Decision:
    return (
        Decision.objects.select_for_update().select_related("meeting__council__territory").get(pk=decision.pk)
    )


def _event(
    decision: Decision, actor: Actor | None, *, to_status: str, from_status: str = "", note: str = ""
) -> None:
    """The decision's append-only history; the label names the actor as the audit log does."""
    history_row(
        DecisionEvent,
        decision=decision,
        actor_label=actor_label(actor),
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


@transaction.atomic
def council_create(
    *,
    actor: Actor | None,
    name: str,
    kind: str,
    territory: Any,
    quorum: str = rules.QuorumRule.MAJORITY,
    description: str = "",
) -> Council:
    """Set up a council in a community (or one compound of it)."""
    community = territory.community() if territory.level in ("community", "compound") else None
    if community is None:
        raise CouncilError(_("议事会须设在社区或小区"))
    # SQLite would store an unknown kind silently; PostgreSQL would fail on its length — say why instead
    if kind not in CouncilKind.values:
        raise CouncilError(_("未知的议事会类别"))
    if quorum not in rules.QuorumRule.values:
        raise CouncilError(_("未知的法定人数规则"))
    council = Council.objects.create(
        name=name,
        kind=kind,
        territory=territory,
        community=community,
        quorum=quorum,
        description=description,
    )
    _audit(actor, "councils.create", council, territory.path, kind=kind)
    return council


@transaction.atomic
def seat_add(
    *, actor: Actor | None, council: Council, kind: str, person: Any = None, organisation: Any = None
) -> Seat:
    """Add a seat held by a person, or by an organisation (optionally naming its representative)."""
    if person is None and organisation is None:
        raise CouncilError(_("席位须指定人员或单位"))
    seat = Seat.objects.create(council=council, kind=kind, person=person, organisation=organisation)
    _audit(actor, "councils.seat_add", seat, council.territory.path, kind=kind)
    return seat


def seat_add_by_phone(
    *, actor: Actor, council: Council, kind: str, phone: str = "", organisation: Any = None
) -> Seat:
    """The seat form: the representative named by phone (required for a resident representative)."""
    person = person_by_phone(phone, actor=actor) if phone.strip() else None
    if kind == SeatKind.RESIDENT_REP and person is None:
        raise CouncilError(_("居民代表席位须填写代表手机号"))
    return seat_add(actor=actor, council=council, kind=kind, person=person, organisation=organisation)


@transaction.atomic
def seat_end(*, actor: Actor | None, seat: Seat, on: datetime.date | None = None) -> Seat:
    """End a seat; the row stays as the record of who sat when."""
    seat.ends_on = on or timezone.localdate()
    seat.save(update_fields=["ends_on", "updated_at"])
    _audit(actor, "councils.seat_end", seat, seat.council.territory.path)
    return seat


@transaction.atomic
def meeting_schedule(
    *, actor: Actor | None, council: Council, title: str, starts_at: datetime.datetime, place: str = ""
) -> Meeting:
    """Call a meeting."""
    meeting = Meeting.objects.create(council=council, title=title, starts_at=starts_at, place=place)
    _audit(actor, "councils.meeting_schedule", meeting, council.territory.path)
    return meeting


@transaction.atomic
def agenda_add(
    *,
    actor: Actor | None,
    meeting: Meeting,
    title: str,
    text: str = "",
    source_kind: str = "other",
    source_id: int | None = None,
    source_text: str = "",
) -> AgendaItem:
    """Put an item on the agenda, with where it came from."""
    locked = _locked_meeting(meeting, refuse_cancelled=True)
    order = locked.agenda.count() + 1
    item = AgendaItem.objects.create(
        meeting=locked,
        order=order,
        title=title,
        text=text,
        source_kind=source_kind,
        source_id=source_id,
        source_text=source_text,
    )
    _audit(actor, "councils.agenda_add", item, locked.council.territory.path, source=source_kind)
    return item


@transaction.atomic
def attendance_record(
    *, actor: Actor | None, meeting: Meeting, present_seat_ids: set[int], minutes: str = ""
) -> Meeting:
    """Record who came (every active seat gets a row, present or not) and mark the meeting held."""
    locked = _locked_meeting(meeting, refuse_cancelled=True)
    if locked.decisions.exists():
        raise CouncilError(_("已有表决结果,不能再修改出席情况"), status=409)
    seats = list(locked.council.active_seats())
    unknown = present_seat_ids - {s.pk for s in seats}
    if unknown:
        raise CouncilError(_("出席名单中有不属于本议事会的席位"))
    Attendance.objects.filter(meeting=locked).delete()
    Attendance.objects.bulk_create(
        [Attendance(meeting=locked, seat=s, present=s.pk in present_seat_ids) for s in seats]
    )
    if MEETINGS.allows(locked.status, MeetingStatus.HELD):
        transition(MEETINGS, locked, MeetingStatus.HELD)
    if minutes:
        locked.minutes = minutes
    locked.save()
    _audit(
        actor,
        "councils.attendance",
        locked,
        locked.council.territory.path,
        present=len(present_seat_ids),
        members=len(seats),
    )
    return locked


@transaction.atomic
def minutes_save(*, actor: Actor | None, meeting: Meeting, minutes: str) -> Meeting:
    """Write the minutes (the audit keeps every version's length and hash)."""
    locked = _locked_meeting(meeting)
    locked.minutes = minutes
    locked.save(update_fields=["minutes", "updated_at"])
    _audit(
        actor,
        "councils.minutes",
        locked,
        locked.council.territory.path,
        sha256=hashlib.sha256(minutes.encode()).hexdigest(),
        chars=len(minutes),
    )
    return locked


@transaction.atomic
def decision_record(
    *,
    actor: Actor | None,
    meeting: Meeting,
    text: str,
    rule: str,
    yes: int,
    no: int,
    abstain: int,
    agenda_item: AgendaItem | None = None,
    owner_org: Any = None,
    owner_name: str = "",
    deadline: datetime.date | None = None,
) -> Decision:
    """Record a vote; the code applies the stated rule to the attendance and decides pass or fail."""
    locked = _locked_meeting(meeting)
    if locked.status != MeetingStatus.HELD:
        raise CouncilError(_("请先登记出席情况,再记录表决"), status=409)
    members = locked.attendance.count()
    present = locked.attendance.filter(present=True).count()
    if min(yes, no, abstain) < 0:
        raise CouncilError(_("票数不能为负数"))
    if yes + no + abstain > present:
        raise CouncilError(
            _("同意、反对、弃权合计%(sum)d票,超过实到人数%(present)d")
            % {"sum": yes + no + abstain, "present": present}
        )
    if agenda_item is not None and agenda_item.meeting_id != locked.pk:
        raise CouncilError(_("议程不属于本次会议"))
    result = rules.decide(rule, locked.council.quorum, yes=yes, present=present, members=members)
    if result.passed and (deadline is None or not (owner_org or owner_name.strip())):
        raise CouncilError(_("通过的决定须指定责任人/单位和完成期限"))
    # the vote as counted: stored on the decision and named in the audit row
    vote = {"rule": rule, "members": members, "present": present, "yes": yes, "no": no, "abstain": abstain}
    decision = Decision.objects.create(
        meeting=locked,
        agenda_item=agenda_item,
        text=text,
        **vote,
        needed=result.needed,
        quorum_met=result.quorum_met,
        passed=result.passed,
        owner_org=owner_org,
        owner_name=owner_name.strip(),
        deadline=deadline,
        status=DecisionStatus.PENDING if result.passed else DecisionStatus.REJECTED,
    )
    _event(decision, actor, to_status=decision.status)
    path = locked.council.territory.path
    _audit(actor, "councils.decision_record", decision, path, **vote, passed=result.passed)
    return decision


@transaction.atomic
def decision_transition(*, actor: Actor | None, decision: Decision, to: str, note: str = "") -> Decision:
    """Move a decision along todo → doing → done; done needs at least one piece of evidence."""
    locked = _locked_decision(decision)
    if not DECISIONS.allows(locked.status, to):
        raise CouncilError(_("决定当前状态不能变更为该状态"), status=409)
    if to == DecisionStatus.DONE and not locked.evidence.exists():
        raise CouncilError(_("办结前请先上传落实佐证材料"))
    before, _after = transition(DECISIONS, locked, to)
    _event(locked, actor, from_status=before, to_status=to, note=note[:500])
    locked.done_at = timezone.now() if to == DecisionStatus.DONE else None
    locked.save(update_fields=["status", "done_at", "updated_at"])
    _audit(actor, "councils.decision_transition", locked, locked.meeting.council.territory.path, to=to)
    return locked


@transaction.atomic
def evidence_add(*, actor: Actor | None, decision: Decision, upload: Any, note: str = "") -> Evidence:
    """Attach a photo or PDF showing the decision carried out."""
    if upload is None:
        raise CouncilError(_("请选择要上传的文件"))
    if upload.size > MAX_EVIDENCE_BYTES:
        raise CouncilError(_("文件超过10MB"))
    content = upload.read()
    content_type = uploads.sniff(content) or ""  # the bytes decide, not the sender's header or name
    if content_type not in EVIDENCE_TYPES:
        raise CouncilError(_("只能上传 JPG、PNG、WebP 图片或 PDF 文件"))
    locked = _locked_decision(decision)
    if not locked.passed:
        raise CouncilError(_("未通过的决定无需落实"), status=409)
    evidence = Evidence.objects.create(
        decision=locked,
        file=uploads.stored_file(content, content_type),
        name=uploads.display_name(upload.name, limit=200),
        content_type=content_type,
        size=len(content),
        note=note[:300],
        uploaded_by=actor_label(actor),
    )
    _event(
        locked,
        actor,
        from_status=locked.status,
        to_status=locked.status,
        note=_("上传佐证:%(name)s") % {"name": evidence.name},
    )
    _audit(actor, "councils.evidence_add", locked, locked.meeting.council.territory.path, file=evidence.name)
    return evidence


def person_by_phone(phone: str, *, actor: Actor) -> Any:
    """The person registered with this phone, or a clear refusal; audited and counted like exact
    search (people.actions.person_by_phone), since it tells whether a number is registered."""
    try:
        person = people_actions.person_by_phone(actor=actor, phone=phone, purpose="议事会:登记代表")
    except ValueError as exc:
        raise CouncilError(_("手机号格式不正确")) from exc
    except people_actions.TooManyLookups as exc:
        raise CouncilError(str(exc), status=429) from exc
    if person is None:
        raise CouncilError(_("该手机号未登记为居民"))
    return person
