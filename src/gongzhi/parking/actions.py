"""Every write of shared parking: offers, applications, the draw, permits. Each runs in one
transaction and writes the audit log. The draw locks the offer row, so two draws (or a draw and a
revocation) on one offer run one after the other; the partial unique constraint on active
(offer, space_no) is the last line: a space can never be held twice (decision 0019)."""

import secrets
from datetime import date, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.actors import Actor
from gongzhi.core.audit import record_write
from gongzhi.core.errors import RuleBroken
from gongzhi.core.lifecycle import transition
from gongzhi.core.scoping import get_scope
from gongzhi.orgs.models import Organisation
from gongzhi.parking import lottery
from gongzhi.parking.models import (
    ParkingApplication,
    ParkingDraw,
    ParkingOffer,
    ParkingPermit,
    new_draw_seed,
    seed_hash,
)
from gongzhi.parking.plates import validate_plate
from gongzhi.parking.windows import outside_reason
from gongzhi.parking.workflow import (
    APPLICATION_TABLE,
    PERMIT_TABLE,
    ApplicationStatus,
    PermitStatus,
    Tier,
)
from gongzhi.people.models import Person, PersonTag, Tag
from gongzhi.territory.models import community_path

NEED_TAGS = (Tag.ELDERLY_ALONE, Tag.EMPTY_NEST, Tag.DISABILITY)
NEED_AGE = 70


class ParkingError(RuleBroken):
    """A refusal with a message for the person; `status` (`status_code`) is the HTTP status that
    fits: 422 unless given (404 out of scope, 403 not a resident, 409 not now)."""

    def __init__(self, message: object, status: int | None = None) -> None:
        super().__init__(message, status=status)

    @property
    def status(self) -> int:
        return self.status_code


def _check_days(days: str) -> str:
    cleaned = "".join(sorted(set(days)))
    if not cleaned or any(c not in "1234567" for c in cleaned):
        raise ParkingError(_("请选择开放日(周一至周日)"))
    return cleaned


@transaction.atomic
def offer_save(
    *,
    actor: Actor,
    organisation: Organisation,
    title: str,
    address: str,
    weekdays: str,
    starts_at: time,
    ends_at: time,
    spaces: int,
    valid_from: date,
    valid_until: date,
    lon: float | None = None,
    lat: float | None = None,
    rules: str = "",
    active: bool = True,
    offer: ParkingOffer | None = None,
) -> ParkingOffer:
    """Create or change an offer. Fewer spaces than active permits is refused: revoke first."""
    if not get_scope(actor).can("manage_parking", organisation.territory.path):
        raise ParkingError(_("您无权管理该单位的共享车位"), status=404)
    if spaces < 1:
        raise ParkingError(_("车位数至少为1"))
    if valid_until < valid_from:
        raise ParkingError(_("有效期结束日期不能早于开始日期"))
    weekdays = _check_days(weekdays)
    if offer is None:
        offer = ParkingOffer(organisation=organisation)
    else:
        offer = ParkingOffer.objects.select_for_update().get(pk=offer.pk)
        held = offer.permits.filter(status=PermitStatus.ACTIVE, space_no__gt=spaces).count()
        if held:
            raise ParkingError(
                _("有%(n)d张有效停车证使用编号大于%(spaces)d的车位,请先撤销") % {"n": held, "spaces": spaces},
                status=409,
            )
    for name, value in {
        "title": title.strip(),
        "address": address.strip(),
        "weekdays": weekdays,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "spaces": spaces,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "lon": lon,
        "lat": lat,
        "rules": rules,
        "active": active,
    }.items():
        setattr(offer, name, value)
    offer.save()
    record_write(actor=actor, action="parking.offer_save", obj=offer, scope_path=organisation.territory.path)
    return offer


def household_tier(person: Person, *, has_own_space: bool) -> int:
    """Need first: someone in the household is tagged elderly-alone, empty-nest or disabled, or is
    70 or older. Then households without a space of their own."""
    if person.household_id:
        members = Person.objects.filter(household_id=person.household_id)
        if PersonTag.objects.filter(person__in=members, tag__in=NEED_TAGS).exists():
            return Tier.NEED
        today = timezone.localdate()
        try:
            born_before = today.replace(year=today.year - NEED_AGE)
        except ValueError:  # 29 February
            born_before = today.replace(year=today.year - NEED_AGE, day=28)
        if members.filter(birth_date__lte=born_before).exists():
            return Tier.NEED
    return Tier.OTHER if has_own_space else Tier.NO_OWN_SPACE


def offer_area_path(offer: ParkingOffer) -> str:
    """Residents of the unit's community (or of the street, for a unit registered at street level) may apply."""
    path = offer.organisation.territory.path
    return community_path(path) or path


@transaction.atomic
def application_submit(
    *,
    actor: Actor,
    offer: ParkingOffer,
    plate: str,
    weekdays: str,
    starts_at: time,
    ends_at: time,
    has_own_space: bool,
) -> ParkingApplication:
    """A resident applies for a window of an offer; refused with a reason outside the offered window."""
    person = getattr(actor, "person", None)
    if person is None or person.household_id is None:
        raise ParkingError(_("请先以居民身份登录并登记住址"), status=403)
    plate = validate_plate(plate)
    offer = (
        ParkingOffer.objects.select_for_update().select_related("organisation__territory").get(pk=offer.pk)
    )
    if not person.household.path.startswith(offer_area_path(offer)):
        raise ParkingError(_("该共享车位只面向本社区居民"), status=404)
    today = timezone.localdate()
    if not offer.active or offer.valid_until < today:
        raise ParkingError(_("该共享车位已停止申请"), status=409)
    weekdays = _check_days(weekdays)
    reason = outside_reason(
        offer_days=offer.weekdays,
        offer_start=offer.starts_at,
        offer_end=offer.ends_at,
        days=weekdays,
        start=starts_at,
        end=ends_at,
        offer_label=offer.window_label,
    )
    if reason:
        raise ParkingError(reason)
    if offer.applications.filter(applicant=person, status=ApplicationStatus.PENDING).exists():
        raise ParkingError(_("您已申请过该共享车位,请等待摇号结果"), status=409)
    if offer.permits.filter(status=PermitStatus.ACTIVE, holder=person).exists():
        raise ParkingError(_("您已持有该共享车位的有效停车证"), status=409)
    if (
        offer.permits.filter(status=PermitStatus.ACTIVE, plate=plate).exists()
        or offer.applications.filter(status=ApplicationStatus.PENDING, plate=plate).exists()
    ):
        raise ParkingError(_("车牌%(plate)s已在该共享车位申请或持证") % {"plate": plate}, status=409)
    application = ParkingApplication.objects.create(
        offer=offer,
        applicant=person,
        number=f"tmp{secrets.token_hex(8)}",
        plate=plate,
        weekdays=weekdays,
        starts_at=starts_at,
        ends_at=ends_at,
        has_own_space=has_own_space,
        tier=household_tier(person, has_own_space=has_own_space),
    )
    application.number = f"TC{application.pk:08d}"
    application.save(update_fields=["number"])
    record_write(actor=actor, action="parking.apply", obj=application, scope_path=person.household.path)
    return application


@transaction.atomic
def application_withdraw(*, actor: Actor, application: ParkingApplication) -> ParkingApplication:
    locked = ParkingApplication.objects.select_for_update().get(pk=application.pk)
    if locked.applicant_id != getattr(actor, "person_id", None):
        raise ParkingError(_("只能撤回本人的申请"), status=404)
    if not APPLICATION_TABLE.allows(locked.status, ApplicationStatus.WITHDRAWN):
        raise ParkingError(_("该申请已摇号,不能撤回"), status=409)
    transition(APPLICATION_TABLE, locked, ApplicationStatus.WITHDRAWN)
    locked.save(update_fields=["status", "updated_at"])
    record_write(actor=actor, action="parking.withdraw", obj=locked)
    return locked


@transaction.atomic
def draw_run(*, actor: Actor, offer: ParkingOffer) -> ParkingDraw:
    """Rank every pending application by the published rule and the seed committed for this draw;
    the first free_spaces get permits on the lowest free space numbers; the rest are told they were
    not drawn. Nobody types a seed: the committed one is revealed, and a fresh one is committed for
    the next draw (decision 0042), so a draw cannot be re-tried until a favoured applicant wins."""
    offer = (
        ParkingOffer.objects.select_for_update().select_related("organisation__territory").get(pk=offer.pk)
    )
    if not get_scope(actor).can("manage_parking", offer.organisation.territory.path):
        raise ParkingError(_("未找到"), status=404)
    pending = list(
        ParkingApplication.objects.select_for_update()
        .filter(offer=offer, status=ApplicationStatus.PENDING)
        .order_by("number")
    )
    if not pending:
        raise ParkingError(_("没有待摇号的申请"), status=409)
    seed = offer.next_seed
    held = set(offer.permits.filter(status=PermitStatus.ACTIVE).values_list("space_no", flat=True))
    free = [n for n in range(1, offer.spaces + 1) if n not in held]
    entries = [(a.number, a.tier) for a in pending]
    draw = ParkingDraw.objects.create(
        offer=offer,
        seed=seed,
        seed_hash=seed_hash(seed),
        seed_committed_at=offer.seed_committed_at,
        entries=[list(e) for e in entries],
        free_spaces=len(free),
        run_by_id=actor.pk,
    )
    ordered = lottery.draw_order(seed, entries)
    by_number = {a.number: a for a in pending}
    spaces = iter(free)
    for rank, (number, _tier) in enumerate(ordered, start=1):
        application = by_number[number]
        application.draw, application.rank = draw, rank
        space = next(spaces, None)
        if space is None:
            transition(APPLICATION_TABLE, application, ApplicationStatus.NOT_ALLOCATED)
        else:
            transition(APPLICATION_TABLE, application, ApplicationStatus.ALLOCATED)
            ParkingPermit.objects.create(
                offer=offer,
                application=application,
                holder_id=application.applicant_id,
                plate=application.plate,
                space_no=space,
            )
        application.save(update_fields=["draw", "rank", "status", "updated_at"])
    offer.next_seed, offer.seed_committed_at = new_draw_seed(), timezone.now()
    offer.save(update_fields=["next_seed", "seed_committed_at", "updated_at"])
    record_write(
        actor=actor,
        action="parking.draw",
        obj=draw,
        scope_path=offer.organisation.territory.path,
        detail={"seed": seed, "entries": len(entries), "free_spaces": len(free)},
    )
    return draw


@transaction.atomic
def permit_revoke(*, actor: Actor, permit: ParkingPermit, reason: str) -> ParkingPermit:
    """Revoking frees the space for the next draw; the permit row stays as the record."""
    reason = reason.strip()
    if not reason:
        raise ParkingError(_("请填写撤销原因"))
    locked = (
        ParkingPermit.objects.select_for_update()
        .select_related("offer__organisation__territory")
        .get(pk=permit.pk)
    )
    if not get_scope(actor).can("manage_parking", locked.offer.organisation.territory.path):
        raise ParkingError(_("未找到"), status=404)
    if not PERMIT_TABLE.allows(locked.status, PermitStatus.REVOKED):
        raise ParkingError(_("该停车证已撤销"), status=409)
    transition(PERMIT_TABLE, locked, PermitStatus.REVOKED)
    locked.revoked_at = timezone.now()
    locked.revoke_reason = reason[:200]
    locked.save(update_fields=["status", "revoked_at", "revoke_reason", "updated_at"])
    record_write(
        actor=actor,
        action="parking.revoke",
        obj=locked,
        reason=reason,
        scope_path=locked.offer.organisation.territory.path,
    )
    return locked
