"""Every write to a person, and every reveal of their personal data, goes through here."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.core import audit, crypto
from gongzhi.core.actors import Actor
from gongzhi.core.errors import Refusal
from gongzhi.core.masking import mask_id_number, mask_phone
from gongzhi.core.models import AuditEntry
from gongzhi.core.phone import normalise_phone
from gongzhi.core.scoping import get_scope
from gongzhi.people.access import require_reveal
from gongzhi.people.errors import LookupRefused, NotRevealable, TooManyLookups
from gongzhi.people.idcard import parse_id_number
from gongzhi.people.models import Person, Tag
from gongzhi.people.reasons import BadReason, reason_text

REVEALABLE = {"id_number", "phone", "address", "tags"}


def apply_identity(person: Person, *, id_number: str = "", phone: str = "") -> None:
    """Set the encrypted, indexed and masked forms together (validated; raises ValueError in Chinese).
    Does not save: callers save or bulk-write."""
    if id_number:
        parsed = parse_id_number(id_number)
        person.id_number_cipher = crypto.encrypt(parsed.value)
        person.id_number_index = crypto.blind_index(parsed.value)
        person.id_number_masked = mask_id_number(parsed.value)
        person.birth_date = parsed.birth_date
        person.gender = parsed.gender
    if phone:
        number = normalise_phone(phone)
        person.phone_cipher = crypto.encrypt(number)
        person.phone_index = crypto.blind_index(number)
        person.phone_masked = mask_phone(number)


def masked_address(person: Person) -> str:
    """Building level only ("光明社区 · 碧水龙庭 · 3栋"); the unit and room are personal data."""
    if not person.household_id:
        return ""
    chain = [*person.household.ancestors(), person.household]
    shown = [n.name for n in chain if n.level in {"community", "compound", "building"}]
    return " · ".join(shown) + (" · ****" if person.household.level in {"household", "unit"} else "")


def full_address(person: Person) -> str:
    if not person.household_id:
        return ""
    chain = [*person.household.ancestors(), person.household]
    return " · ".join(n.name for n in chain if n.level not in {"district", "grid"})


@dataclass(frozen=True)
class Revealed:
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    tags: list[str] | None = None


def _refuse(actor: Actor, action: str, person: Person | None, exc: Exception, **kwargs: Any) -> Exception:
    """Audit a refusal (it survives the exception: core.audit.record_refusal) and hand it back."""
    audit.record_refusal(
        actor=actor,
        action=action,
        obj=person,
        scope_path=person.scope_path if person is not None else "",
        detail={"refusal": str(exc), **kwargs.pop("detail", {})},
        **kwargs,
    )
    if isinstance(exc, Refusal):
        return exc
    return NotRevealable(str(exc)) if isinstance(exc, PermissionError) else LookupRefused(str(exc))


def person_reveal(
    *,
    actor: Actor,
    person: Person,
    fields: list[str],
    reason_code: str,
    reason: str = "",
    ip: str | None = None,
) -> Revealed:
    """Show personal data in full. Needs the reveal capability over the person's territory and a
    reason from the list (with words of one's own for "其他"); writes the audit row (who, what, when,
    why: PIPL art. 51). A refused reveal is audited as well, and that row is kept."""
    wanted = [f for f in fields if f in REVEALABLE]
    try:
        require_reveal(actor, person)
    except PermissionError as exc:
        raise _refuse(actor, "person.reveal_refused", person, exc, fields=wanted, ip=ip) from None
    if not wanted:
        raise LookupRefused(gettext("请选择要查看的信息"))
    try:
        stated = reason_text(reason_code, reason)
    except BadReason as exc:
        raise _refuse(
            actor, "person.reveal_refused", person, exc, fields=wanted, reason=reason, ip=ip
        ) from None
    with transaction.atomic():
        audit.record(
            actor=actor,
            kind=AuditEntry.Kind.REVEAL,
            action="person.reveal",
            obj=person,
            scope_path=person.scope_path,
            fields=wanted,
            reason=stated,
            detail={"reason_code": reason_code},
            ip=ip,
        )
        return Revealed(
            id_number=person.decrypt_id_number() if "id_number" in wanted else None,
            phone=person.decrypt_phone() if "phone" in wanted else None,
            address=full_address(person) if "address" in wanted else None,
            tags=[Tag(t).label for t in person.tags.values_list("tag", flat=True)]
            if "tags" in wanted
            else None,
        )


@dataclass(frozen=True)
class ExactValue:
    kind: str  # "id_number" / "phone"
    index: str  # blind index
    masked: str


def exact_value(raw: str) -> ExactValue:
    """A full ID number or phone, validated (ValueError in Chinese otherwise)."""
    compact = "".join((raw or "").split()).upper()
    if len(compact) == 18:
        value = parse_id_number(compact).value
        return ExactValue("id_number", crypto.blind_index(value), mask_id_number(value))
    try:
        number = normalise_phone(compact)
    except ValueError:
        raise LookupRefused(gettext("请输入完整的18位身份证号或11位手机号")) from None
    return ExactValue("phone", crypto.blind_index(number), mask_phone(number))


def exact_search_limit() -> int:
    return int(settings.EXACT_SEARCH_PER_HOUR)


def person_exact_search(
    *, actor: Actor, value: str, reason_code: str, reason: str = "", ip: str | None = None
) -> list[Person]:
    """People whose full ID number or phone is `value`, among those the actor may reveal. Only for
    holders of the reveal capability, with a reason; audited like a reveal (the row names the masked
    value, never the value) and limited per actor and hour, so it cannot be used to guess numbers
    from a mask (issue 13). Every refusal is audited and kept."""
    action = "person.exact_search"
    if not get_scope(actor).can("reveal_personal_data"):
        raise _refuse(
            actor, action + "_refused", None, PermissionError(gettext("无权按身份证号或手机号查找")), ip=ip
        )
    found = exact_value(value)  # a malformed value is no look-up: nothing to audit
    try:
        stated = reason_text(reason_code, reason)
    except BadReason as exc:
        raise _refuse(
            actor, action + "_refused", None, exc, fields=[found.kind], reason=reason, ip=ip
        ) from None
    return _counted_lookup(
        actor=actor,
        action=action,
        found=found,
        people=Person.objects.visible_to(actor, "reveal_personal_data"),
        reason=stated,
        detail={"reason_code": reason_code},
        ip=ip,
    )


LOOKUP_ACTIONS = ("person.exact_search", "person.match")


def person_match(*, actor: Actor, value: str, purpose: str, ip: str | None = None) -> list[Person]:
    """Visible people whose full ID number or phone is `value`, to pick someone for a form (a helper,
    an elder, a beneficiary). Shows nothing the actor cannot see, but confirms a guessed number: so
    audited as a look-up (`purpose` says which form) and counted against the same hourly limit."""
    found = exact_value(value)
    return _counted_lookup(
        actor=actor,
        action="person.match",
        found=found,
        people=Person.objects.visible_to(actor),
        reason=purpose,
        detail={"purpose": purpose},
        ip=ip,
    )


def person_by_phone(*, actor: Actor, phone: str, purpose: str, ip: str | None = None) -> Person | None:
    """The person registered with this mobile number anywhere on the platform, to name an owner, a
    proxy agent or a council member who may live outside the actor's territory. It confirms whether
    a guessed number is registered, so it is audited as a look-up and counted against the same
    hourly limit as exact search (issue 13). ValueError for a malformed number; TooManyLookups."""
    found = exact_value(phone)
    if found.kind != "phone":
        raise LookupRefused(gettext("手机号格式不正确"))
    matched = _counted_lookup(
        actor=actor,
        action="person.match",
        found=found,
        people=Person.objects.all(),
        reason=purpose,
        detail={"purpose": purpose},
        ip=ip,
    )
    return min(matched, key=lambda p: p.pk) if matched else None


def people_by_phones(*, actor: Actor, phones: list[str], purpose: str) -> dict[str, Person]:
    """Bulk form of person_by_phone for a register import (owners' committee): the numbers that are
    registered, keyed by the number as given. A file of numbers is one audited look-up that names
    how many were asked and found; it is not counted against the hourly limit, because importing
    the register is the committee's job and the import itself is audited with its rows."""
    index: dict[str, str] = {}
    for raw in phones:
        try:
            index[raw] = crypto.blind_index(normalise_phone(raw))
        except ValueError:
            continue
    rows = Person.objects.filter(phone_index__in=set(index.values())).order_by("-pk")
    by_index = {p.phone_index: p for p in rows}  # lowest pk wins, as person_by_phone
    found = {raw: by_index[i] for raw, i in index.items() if i in by_index}
    audit.record(
        actor=actor,
        kind=AuditEntry.Kind.LOOKUP,
        action="person.match_batch",
        fields=["phone"],
        reason=purpose,
        detail={"purpose": purpose, "asked": len(set(phones)), "found": len(found)},
    )
    return found


def _counted_lookup(
    *,
    actor: Actor,
    action: str,
    found: ExactValue,
    people: Any,
    reason: str,
    detail: dict[str, Any],
    ip: str | None,
) -> list[Person]:
    """Match through the blind index, write the look-up row, or refuse (429, audited) over the limit."""
    limit = exact_search_limit()
    since = timezone.now() - datetime.timedelta(hours=1)
    with transaction.atomic():
        # One actor's look-ups queue here, so two at once cannot both take the last one left.
        list(get_user_model().objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True))
        used = AuditEntry.objects.filter(actor=actor.pk, action__in=LOOKUP_ACTIONS, at__gte=since).count()
        if used < limit:
            matched = list(
                people.filter(**{f"{found.kind}_index": found.index})
                .select_related("household")
                .annotate(tag_count=Count("tags"))
                .order_by("household__path", "name", "pk")[:20]
            )
            one = matched[0] if len(matched) == 1 else None
            audit.record(
                actor=actor,
                kind=AuditEntry.Kind.LOOKUP,
                action=action,
                obj=one,
                scope_path=one.scope_path if one is not None else "",
                fields=[found.kind],
                reason=reason,
                detail={**detail, "masked": found.masked, "matches": [p.pk for p in matched]},
                ip=ip,
            )
            return matched
    over = TooManyLookups(limit)
    raise _refuse(actor, action + "_refused", None, over, fields=[found.kind], reason=reason, ip=ip)


def age_on(person: Person, day: datetime.date) -> int | None:
    if person.birth_date is None:
        return None
    b = person.birth_date
    return day.year - b.year - ((day.month, day.day) < (b.month, b.day))
