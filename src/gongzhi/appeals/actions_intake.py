"""The intake's writes: the new appeal in its final state, applied as one statement (issue 14 step 1).

When a rule routes the appeal it is accepted and dispatched here rather than through
actions.appeal_accept/appeal_dispatch: the row is not yet visible to anyone else, so there is
nothing to lock, and one INSERT plus one batch of three events replaces two lock-and-update rounds
(decision 0008). The outcome — events, clocks, DailyStat, notifications — is lifecycle.plan's,
the one those actions apply through the ORM; here it goes out with the appeal as one statement on
PostgreSQL (core.rowsql, decision 0031)."""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from gongzhi.appeals import actions_notify, actions_stats, hooks, lifecycle, notify
from gongzhi.appeals.actions import event_rows
from gongzhi.appeals.deadlines import clocks_and_due
from gongzhi.appeals.models import Appeal, AppealPhoto
from gongzhi.core import rowsql, uploads
from gongzhi.core.actors import Actor
from gongzhi.core.rowsql import Statement


@dataclass(frozen=True)
class NewAppeal:
    """What intake decided: the appeal's fields (placed), the department a rule dispatches it to
    (None: it waits in triage) and the values the intake's one read brought (sql.intake_prefetch)."""

    fields: dict[str, Any]
    department: Any
    version: int | None
    appeal_id: int | None
    deadline_version: tuple[Any, ...]
    handlers: list[int] | None


def number_for(appeal_id: int) -> str:
    """Readable, unique and sortable: GZ + date + the row id."""
    return f"GZ{timezone.localdate():%Y%m%d}{appeal_id:07d}"


def _store(appeal: Appeal, appeal_id: int | None, created_at: Any) -> list[Statement]:
    """The appeal's INSERT as a statement, where its id is known in advance (PostgreSQL) and it
    keeps the time of now; otherwise through the ORM at once (returns no statement)."""
    if appeal_id is not None and created_at is None:
        appeal.pk = appeal_id
        return [rowsql.insert([appeal])]
    late = {}
    if appeal_id is not None:
        appeal.pk = appeal_id
        appeal.save(force_insert=True)
    else:
        appeal.save()
        appeal.number = number_for(appeal.pk)
        late["number"] = appeal.number
    if created_at is not None:  # imports of history keep the source system's time
        late["created_at"] = appeal.created_at = created_at
    Appeal.objects.filter(pk=appeal.pk).update(**late)
    return []


def appeal_create(*, actor: Actor | None, new: NewAppeal, created_at: Any, photos: list[Any]) -> Appeal:
    """Insert the appeal, its history, the handlers' inbox rows, the duplicate-check fingerprint
    and the DailyStat increment; then its photos and the resident's notices."""
    now = timezone.now()
    appeal = Appeal(
        number=(
            number_for(new.appeal_id)
            if new.appeal_id is not None
            else hashlib.sha256(f"{now.isoformat()}{id(new)}".encode()).hexdigest()[:24]
        ),
        **new.fields,
    )
    outcomes = [lifecycle.submitted(appeal, at=now, actor=actor)]
    if new.department is not None:
        routed = lifecycle.auto_dispatch(
            appeal,
            at=now,
            department_id=new.department.pk,
            version=new.version,
            clock=lambda at: clocks_and_due(at, appeal.category, appeal.urgency, new.deadline_version),
        )
        routed.apply_to(appeal)
        appeal.department, appeal.routed_by_ruleset = new.department, new.version
        outcomes.append(routed)
    writes = _store(appeal, new.appeal_id, created_at)
    writes += _statements(appeal, outcomes, new.handlers)
    rowsql.execute(writes)
    _store_photos(appeal, photos)
    for outcome in outcomes:
        for kind in outcome.resident_notices:
            actions_notify.notify_resident(appeal, kind)
    return appeal


def _statements(
    appeal: Appeal, outcomes: list[lifecycle.Outcome], handlers: list[int] | None
) -> list[Statement]:
    """The outcomes' rows as INSERTs, in the order of the one statement (decision 0031)."""
    writes = [rowsql.insert([e for outcome in outcomes for e in event_rows(appeal, outcome)])]
    inbox = [
        row
        for outcome in outcomes
        for kind, text in outcome.department_texts(appeal.number, appeal.title)
        for row in notify.department_rows(appeal, kind, text, handlers)
    ]
    if inbox:
        writes.append(rowsql.insert(inbox))
    fingerprint = hooks.fingerprint_row(appeal)  # duplicate check of later appeals (gongzhi.hotissues)
    if fingerprint is not None:
        writes.append(rowsql.insert([fingerprint]))
    # last: the DailyStat row is shared by every intake for this department and community, and its
    # row lock is held until COMMIT — take it as late as possible
    writes += [actions_stats.add_statement(d) for outcome in outcomes for d in outcome.stats]
    return writes


def _store_photos(appeal: Appeal, photos: list[Any]) -> None:
    for photo in photos:
        kind = uploads.sniff(photo.content) or ""  # intake refused anything but an image
        AppealPhoto.objects.create(
            appeal=appeal,
            image=uploads.stored_file(photo.content, kind),  # never the sender's name (decision 0042)
            content_type=kind,
            size=len(photo.content),
            sha256=hashlib.sha256(photo.content).hexdigest(),
        )
