"""Reads behind the appeal pages: workbench queues, the timeline, the inbox and the public board.

Every appeal read starts from `Appeal.objects.visible_to(actor)`; the board is the one public read
and only ever returns anonymised fields of appeals in territories whose board is switched on."""

import re
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.appeals import access, hooks
from gongzhi.appeals.models import (
    Appeal,
    AppealEvent,
    BoardSetting,
    CalendarDay,
    Category,
    ExtensionRequest,
    Notification,
    ReplyTemplate,
)
from gongzhi.appeals.workflow import TRANSITIONS, Action, Status
from gongzhi.core.actors import Actor
from gongzhi.core.scoping import get_scope
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.territory.models import Level, TerritoryNode, community_path

LIST_RELATED = ("category", "community", "department")
HANDLER_ROLES = {Role.DEPARTMENT_HANDLER, Role.PROPERTY_STAFF}
WORKING_STATES = [Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS]
TRIAGE_STATES = [Status.SUBMITTED, Status.ACCEPTED]
# Buttons on the detail page, in the order a person meets them.
BUTTON_ACTIONS = [
    Action.ACCEPT,
    Action.DISPATCH,
    Action.REJECT,
    Action.MERGE,
    *access.HANDLER_ACTIONS,
    Action.EXTEND_DECIDE,
    Action.RATE,
]


def workbench(actor: Actor) -> str:
    """The URL name of the page an actor starts from."""
    scope = get_scope(actor)
    if scope.is_global:
        return "appeals:triage"
    if scope.org_ids and scope.roles & HANDLER_ROLES:
        return "appeals:queue"
    if scope.can("dispatch_appeals"):
        return "appeals:triage"
    if scope.can("view_appeals"):
        return "appeals:list"
    return "appeals:mine"


def with_overdue_first(rows: QuerySet[Appeal], now: Any = None) -> QuerySet[Appeal]:
    now = now or timezone.now()
    return rows.annotate(
        overdue_rank=Case(
            When(resolve_due_at__lt=now, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("overdue_rank", "resolve_due_at", "id")


def search(rows: QuerySet[Appeal], q: str) -> QuerySet[Appeal]:
    q = q.strip()
    if not q:
        return rows
    return rows.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(address_text__icontains=q))


@dataclass(frozen=True)
class QueueCounts:
    open: int
    overdue: int
    to_sign: int
    working: int


def department_queue(
    actor: Actor, *, status: str = "", overdue_only: bool = False, q: str = ""
) -> QuerySet[Appeal]:
    """The handler's departments' work: overdue first, then by resolution deadline."""
    scope = get_scope(actor)
    rows = Appeal.objects.visible_to(actor).filter(department_id__in=sorted(scope.org_ids))
    rows = rows.filter(status=status) if status else rows.filter(status__in=WORKING_STATES)
    if overdue_only:
        rows = rows.filter(resolve_due_at__lt=timezone.now())
    return with_overdue_first(search(rows, q)).select_related(*LIST_RELATED)


def department_counts(actor: Actor) -> QueueCounts:
    scope = get_scope(actor)
    now = timezone.now()
    rows = Appeal.objects.visible_to(actor).filter(
        department_id__in=sorted(scope.org_ids), status__in=WORKING_STATES
    )
    got = rows.aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(resolve_due_at__lt=now)),
        to_sign=Count("id", filter=Q(status=Status.DISPATCHED)),
        working=Count("id", filter=Q(status__in=[Status.SIGNED, Status.IN_PROGRESS])),
    )
    return QueueCounts(**got)


def triage_queue(actor: Actor, *, q: str = "") -> QuerySet[Appeal]:
    """Submitted and accepted appeals where the actor may dispatch, unroutable ones included."""
    rows = Appeal.objects.visible_to(actor, "dispatch_appeals").filter(status__in=TRIAGE_STATES)
    return search(rows, q).select_related(*LIST_RELATED).order_by("created_at", "id")


def in_scope(actor: Actor, *, status: str = "", q: str = "") -> QuerySet[Appeal]:
    rows = Appeal.objects.visible_to(actor)
    if status:
        rows = rows.filter(status=status)
    return search(rows, q).select_related(*LIST_RELATED)


def my_appeals(actor: Actor) -> QuerySet[Appeal]:
    person_id = get_scope(actor).person_id
    return Appeal.objects.visible_to(actor).filter(submitter_id=person_id).select_related(*LIST_RELATED)


def sees_internal_events(actor: Actor, appeal: Appeal) -> bool:
    """Staff of the area and the handling department see the whole history; residents the public part."""
    scope = get_scope(actor)
    if scope.is_global or (appeal.department_id is not None and appeal.department_id in scope.org_ids):
        return True
    return bool(appeal.path) and scope.can("view_appeals", appeal.path)


def timeline(actor: Actor, appeal: Appeal) -> list[AppealEvent]:
    events = appeal.events.all()
    if not sees_internal_events(actor, appeal):
        events = events.filter(public=True)
    return list(events)


def available_actions(actor: Actor, appeal: Appeal) -> list[str]:
    """Actions the actor may take now: allowed by role and by the transition table."""
    found = []
    for action in BUTTON_ACTIONS:
        sources, _target = TRANSITIONS[action]
        if appeal.status in sources and access.may(actor, appeal, action):
            found.append(str(action))
    if Action.EXTEND_DECIDE in found and pending_extension(appeal) is None:
        found.remove(Action.EXTEND_DECIDE)
    return found


def may_dispatch_by_suggestion(actor: Actor, appeal: Appeal, available: list[str]) -> bool:
    """One tap on a 秒拨 suggestion: dispatch now, or accept and then dispatch."""
    if Action.DISPATCH in available:
        return True
    return Action.ACCEPT in available and access.may(actor, appeal, Action.DISPATCH)


def pending_extension(appeal: Appeal) -> ExtensionRequest | None:
    return appeal.extensions.filter(state=ExtensionRequest.State.PENDING).order_by("-id").first()


def dispatch_departments(actor: Actor) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(actor).filter(
        kind__in=[OrgKind.DEPARTMENT, OrgKind.PROPERTY_COMPANY]
    )


def suggested_dispatch(appeal: Appeal) -> dict[str, int]:
    """The 秒拨 top suggestion as the dispatch form's initial department and category ({} if none)."""
    top = hooks.suggestion(appeal.pk, 1)
    if top is None:
        return {}
    return {k: v for k, v in (("department", top.department_id), ("category", top.category_id)) if v}


def reply_templates(appeal: Appeal) -> list[ReplyTemplate]:
    return list(
        ReplyTemplate.objects.filter(
            Q(department_id=appeal.department_id) | Q(department__isnull=True)
        ).order_by("title")
    )


def category_groups() -> list[tuple[str, list[tuple[int, str]]]]:
    """Level-3 categories grouped by their level-1 › level-2 parents, for an <optgroup> select
    (the taxonomy has some 500 leaves: too many for one flat list on a phone)."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for pk, path, name in (
        Category.objects.filter(level=3, active=True).order_by("path").values_list("id", "path", "name")
    ):
        groups.setdefault(" › ".join(path.split("/")[:2]), []).append((pk, name))
    return list(groups.items())


def home_area(actor: Actor) -> TerritoryNode | None:
    """Where the submit map opens: the actor's community (from the household or the role), else the district."""
    person = getattr(actor, "person", None)
    paths = [person.household.path] if person is not None and person.household_id else []
    paths += list(get_scope(actor).paths_for("report_appeals"))
    for path in paths:
        community = (
            TerritoryNode.objects.filter(path=community_path(path)).first() if community_path(path) else None
        )
        if community is not None:
            return cast(TerritoryNode, community)
    return cast(
        TerritoryNode | None, TerritoryNode.objects.filter(level=Level.DISTRICT).order_by("path").first()
    )


def patrol_territory(actor: Actor) -> TerritoryNode | None:
    """The deepest node where the actor reports (a grid worker's grid)."""
    paths = get_scope(actor).paths_for("report_appeals")
    if not paths:
        return None
    return TerritoryNode.objects.visible_to(actor).filter(path__in=paths).order_by("-depth").first()


def inbox(actor: Actor) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient_id=actor.pk).select_related("appeal")


def unread_count(actor: Actor) -> int:
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).count()


# ---- the public board (公示) ----

PHONE_LIKE = re.compile(r"\d{7,}")


def anonymise(text: str) -> str:
    """Digits long enough to be a phone or ID number are blanked on the board."""
    return PHONE_LIKE.sub(lambda m: "*" * len(m.group()), text)


@dataclass(frozen=True)
class BoardItem:
    number: str
    title: str
    text: str
    category: str
    community: str
    status: str
    created_at: Any
    replies: list[str]


def board_paths() -> list[str]:
    return list(BoardSetting.objects.filter(enabled=True).values_list("territory__path", flat=True))


def board(*, community_id: int | None = None) -> list[Appeal] | QuerySet[Appeal]:
    paths = board_paths()
    if not paths:
        return Appeal.objects.none()
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(path__startswith=path)
    rows = Appeal.objects.filter(condition, public=True).exclude(status__in=[Status.REJECTED, Status.MERGED])
    if community_id:
        rows = rows.filter(community_id=community_id)
    return rows.select_related("category", "community").only(
        "id",
        "number",
        "title",
        "text",
        "status",
        "created_at",
        "category__path",
        "category__name",
        "community__name",
    )


def board_items(appeals: list[Appeal]) -> list[BoardItem]:
    replies: dict[int, list[str]] = {}
    for event in AppealEvent.objects.filter(
        appeal_id__in=[a.pk for a in appeals], action=Action.REPLY, public=True
    ):
        replies.setdefault(event.appeal_id, []).append(anonymise(event.note))
    return [
        BoardItem(
            number=a.number,
            title=anonymise(a.title),
            text=anonymise(a.text),
            category=str(a.category) if a.category_id else "",
            community=a.community.name if a.community is not None else "",
            status=a.get_status_display(),
            created_at=a.created_at,
            replies=replies.get(a.pk, []),
        )
        for a in appeals
    ]


def board_switchable(actor: Actor) -> QuerySet[TerritoryNode]:
    """Territories whose board the actor may switch: policy managers, and dispatchers at street level or above."""
    scope = get_scope(actor)
    paths = set(scope.paths_for("manage_appeal_policy"))
    paths |= {p for p in scope.paths_for("dispatch_appeals") if len([c for c in p.split("/") if c]) <= 2}
    if scope.is_global:
        return TerritoryNode.objects.filter(level__in=[Level.DISTRICT, Level.STREET, Level.COMMUNITY])
    if not paths:
        return TerritoryNode.objects.none()
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(path__startswith=path)
    return TerritoryNode.objects.visible_to(actor).filter(
        condition, level__in=[Level.DISTRICT, Level.STREET, Level.COMMUNITY]
    )


def board_states(nodes: list[TerritoryNode]) -> dict[int, bool]:
    return dict(
        BoardSetting.objects.filter(territory_id__in=[n.pk for n in nodes]).values_list(
            "territory_id", "enabled"
        )
    )


def calendar_year(year: int) -> list[CalendarDay]:
    """The year's exceptions to Monday–Friday, in date order (the calendar page)."""
    return list(CalendarDay.objects.filter(date__year=year).order_by("date"))
