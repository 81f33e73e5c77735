"""Demo shared parking around 碧眼社区: two or three partner units open their car parks at night and
at weekends; residents have applied; draws have been run with the seeds committed when the offers opened."""

import contextlib
import random
from datetime import time, timedelta
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.orgs.models import Organisation
from gongzhi.parking import actions
from gongzhi.parking.models import ParkingOffer
from gongzhi.parking.plates import PROVINCES
from gongzhi.people.models import Person
from gongzhi.territory.models import TerritoryNode

HOME = "碧眼社区"
SERIAL = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def _plate(rng: random.Random, new_energy: bool) -> str:
    province = "粤" if rng.random() < 0.85 else rng.choice(PROVINCES)
    letter = "B" if province == "粤" else rng.choice("ABCDE")
    if new_energy:
        return f"{province}{letter}{rng.choice('DF')}{rng.choice(SERIAL)}{rng.randint(0, 9999):04d}"
    return f"{province}{letter}{''.join(rng.choice(SERIAL) for _ in range(5))}"


def install_demo(*, seed: int, progress: Any) -> dict[str, int]:
    rng = random.Random(seed * 17 + 7)
    community = TerritoryNode.objects.filter(level="community", name=HOME).first()
    staff = User.objects.filter(username="demo_staff").first()
    if community is None or staff is None:
        return {"parking_offers": 0}
    offers = _offers(staff, community, seed)
    if not offers:
        return {"parking_offers": 0}
    resident = User.objects.filter(username="demo_resident").select_related("person__household").first()
    count = 0
    for i, person in enumerate(_applicants(community, resident, rng)):
        offer = offers[0] if i < 14 or len(offers) == 1 else offers[1 + (i % (len(offers) - 1))]
        actor = SimpleNamespace(person=person, person_id=person.pk, pk=None)
        count += _apply(actor, offer, _plate(rng, rng.random() < 0.3), own=rng.random() < 0.3)
    if resident is not None and resident.person and resident.person.household_id:
        count += sum(_apply(resident, offer, "粤BD12345", own=False) for offer in offers[:2])
    # the weekday-night offer is oversubscribed (need first, then the lottery); the weekend offer
    # has room for everyone, so its draw simply issues permits (demo_resident holds one)
    draws = [
        actions.draw_run(actor=staff, offer=offer)
        for offer in offers[:2]
        if offer.applications.filter(status="pending").exists()
    ]
    progress(
        f"  parking: {len(offers)} offers, {count} applications, draws {', '.join(d.seed for d in draws)}"
    )
    return {"parking_offers": len(offers), "parking_applications": count, "parking_draws": len(draws)}


def _offers(staff: User, community: TerritoryNode, seed: int) -> list[ParkingOffer]:
    """Offers of the community's partner unit and resident unit (offices), then a shop with a
    forecourt, each with a seed commitment drawn from the demo's seed."""
    units = [
        org
        for kind in ("partner_unit", "resident_unit", "merchant")
        for org in Organisation.objects.filter(
            territory__path__startswith=community.path, kind=kind
        ).order_by("name")[:1]
    ]
    today = timezone.localdate()
    plans = [
        ("地下停车场夜间车位", "12345", time(19), time(8), 8),
        ("地面停车场周末车位", "67", time(0), time(0), 12),
        ("夜间共享车位", "1234567", time(20), time(7), 5),
    ]
    offers = [
        actions.offer_save(
            actor=staff,
            organisation=unit,
            title=title,
            address=unit.address or f"{HOME}{unit.name}",
            weekdays=days,
            starts_at=start,
            ends_at=end,
            spaces=spaces,
            valid_from=today - timedelta(days=30),
            valid_until=today + timedelta(days=335),
            rules="请按指定车位停放,开放时段结束前驶离;出入请出示停车证二维码。",
        )
        for unit, (title, days, start, end, spaces) in zip(units, plans, strict=False)
    ]
    # The offers' seed commitments come from the demo's own seed (the same demo every time); a real
    # offer's seed comes from `secrets` (models.new_draw_seed, decision 0042).
    committed = random.Random(seed * 31 + 3)
    for offer in offers:
        offer.next_seed = f"{committed.getrandbits(128):032x}"
        offer.save(update_fields=["next_seed"])
    return offers


def _applicants(community: TerritoryNode, resident: User | None, rng: random.Random) -> list[Person]:
    """Up to 26 people of the community, one per household (not demo_resident's: it applies itself)."""
    people = list(
        Person.objects.filter(household__path__startswith=community.path, birth_date__isnull=False)
        .order_by("household_id", "id")
        .distinct()
    )
    by_household: dict[int | None, Person] = {}
    for p in people:
        by_household.setdefault(p.household_id, p)
    if resident is not None and resident.person is not None:
        by_household.pop(resident.person.household_id, None)
    return rng.sample(list(by_household.values()), min(26, len(by_household)))


def _apply(actor: User, offer: ParkingOffer, plate: str, *, own: bool) -> int:
    """1 for an application made, 0 for one refused (the person or the plate has applied already).
    The window asked for is the offer's own."""
    window = {"weekdays": offer.weekdays, "starts_at": offer.starts_at, "ends_at": offer.ends_at}
    with contextlib.suppress(actions.ParkingError):
        actions.application_submit(actor=actor, offer=offer, plate=plate, has_own_space=own, **window)
        return 1
    return 0
