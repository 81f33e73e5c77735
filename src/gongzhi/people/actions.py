"""Every write to a person, and every reveal of their personal data, goes through here."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from gongzhi.core import audit, crypto
from gongzhi.core.masking import mask_id_number, mask_phone
from gongzhi.core.models import AuditEntry
from gongzhi.people.access import require_reveal
from gongzhi.people.idcard import parse_id_number
from gongzhi.people.models import Person, PersonTag, Tag
from gongzhi.people.phone import normalise_phone

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


@transaction.atomic
def person_create(
    *,
    actor: Any,
    name: str,
    id_number: str = "",
    phone: str = "",
    household: Any = None,
    tags: list[str] | None = None,
    **fields: Any,
) -> Person:
    """Create a person; identity numbers are validated, encrypted and masked here only."""
    person = Person(name=name.strip(), household=household, **fields)
    apply_identity(person, id_number=id_number, phone=phone)
    person.save()
    for tag in tags or []:
        PersonTag.objects.create(person=person, tag=Tag(tag))
    audit.record_write(actor=actor, action="person.create", obj=person, scope_path=person.scope_path)
    return person


@dataclass(frozen=True)
class Revealed:
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    tags: list[str] | None = None


@transaction.atomic
def person_reveal(
    *, actor: Any, person: Person, fields: list[str], reason: str, ip: str | None = None
) -> Revealed:
    """Show personal data in full. Needs the reveal capability over the person's territory and a
    reason; writes the audit row (who, what, when, why) in the same transaction (PIPL art. 51)."""
    require_reveal(actor, person)
    wanted = [f for f in fields if f in REVEALABLE]
    if not wanted:
        raise ValueError("请选择要查看的信息")
    reason = reason.strip()
    if len(reason) < 2:
        raise ValueError("请填写查看事由")
    audit.record(
        actor=actor,
        kind=AuditEntry.Kind.REVEAL,
        action="person.reveal",
        obj=person,
        scope_path=person.scope_path,
        fields=wanted,
        reason=reason,
        ip=ip,
    )
    return Revealed(
        id_number=person.decrypt_id_number() if "id_number" in wanted else None,
        phone=person.decrypt_phone() if "phone" in wanted else None,
        address=full_address(person) if "address" in wanted else None,
        tags=[Tag(t).label for t in person.tags.values_list("tag", flat=True)] if "tags" in wanted else None,
    )


def age_on(person: Person, day: datetime.date) -> int | None:
    if person.birth_date is None:
        return None
    b = person.birth_date
    return day.year - b.year - ((day.month, day.day) < (b.month, b.day))
