"""Redeeming points for catalogue items, verifying pickup codes, cancelling and expiring.

A redemption is one transaction: the resident's account pays the provider (the merchant's account,
or for a reward locker the community's issuing account, which takes the points back out of
circulation) and the item's stock drops, both or neither. Locking follows posting.post's global
order: the resident's account (conditional debit), then the item (conditional stock UPDATE), then the
hot provider account. A double-submitted redemption with the same Idempotency-Key finds the first
one (unique (person, idempotency_key)).
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.actors import Actor
from gongzhi.core.audit import record_write
from gongzhi.core.errors import Conflict
from gongzhi.core.scoping import get_scope
from gongzhi.people.models import Person
from gongzhi.points import posting, sql
from gongzhi.points.actions import PointsRefused
from gongzhi.points.actions_accounts import cached_account
from gongzhi.points.models import (
    Account,
    AccountKind,
    CatalogueItem,
    Redemption,
    RedemptionStatus,
    TxnKind,
)
from gongzhi.points.models.catalogue import REDEMPTION_TABLE
from gongzhi.points.policy import cached_policy
from gongzhi.points.sql import violated
from gongzhi.territory.models import community_path

CODE_DIGITS = 10
MAX_QUANTITY = 10


class AlreadyDecided(Conflict):
    """The redemption is not open any more (verified, cancelled or expired): 409, with the message
    the counter shows (`already_message`)."""

    def __init__(self, redemption: Redemption) -> None:
        self.redemption = redemption
        super().__init__(already_message(redemption))


@dataclass(frozen=True)
class RedeemResult:
    redemption: Redemption
    created: bool


def new_code() -> str:
    """10 random digits (secrets, not random): ~33 bits, far beyond guessing at a counter, and easy to read out."""
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def _provider_account(item: CatalogueItem) -> Account:
    if item.merchant_id:
        return cached_account(AccountKind.ORGANISATION, str(item.merchant_id), lambda: item.merchant)
    return cached_account(AccountKind.ISSUING, str(item.community_id), lambda: item.community)


def redeem(
    *, person: Person, item: CatalogueItem, quantity: int = 1, idempotency_key: str | None = None
) -> RedeemResult:
    """Debit the person, decrement stock, issue a pickup code. PointsRefused when the item is not on
    offer (or no longer at the price `item` shows), out of stock, or the balance is short; nothing
    is written then. One batch (sql.redeem_batch): every refusal is a constraint that rolls it back."""
    if not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
        raise PointsRefused(_("数量须在1到%(n)d之间") % {"n": MAX_QUANTITY}, invalid=True)
    if idempotency_key:
        found = Redemption.objects.filter(person=person, idempotency_key=idempotency_key).first()
        if found is not None:
            return RedeemResult(found, created=False)
    if not item.active:
        raise PointsRefused(_("该商品已下架"))
    for _attempt in range(3):  # a new pickup code if one collides (about 1 in 10^10 per code)
        try:
            if connection.in_atomic_block:
                with transaction.atomic():  # a savepoint: a refusal leaves the caller's work intact
                    return _redeem(person, item, quantity, idempotency_key)
            return _redeem(person, item, quantity, idempotency_key)
        except IntegrityError as exc:
            if violated(exc, "points_account_balance_nonnegative"):
                raise PointsRefused(_("积分不足:需要%(n)d分") % {"n": item.points * quantity}) from exc
            if violated(exc, "points_item_stock_nonnegative"):
                raise _why_not_taken(item) from exc
            if idempotency_key and violated(
                exc, "points_redemption_idempotent", "points_redemption.idempotency_key"
            ):
                # the same Idempotency-Key committed by a concurrent request first
                found = Redemption.objects.filter(person=person, idempotency_key=idempotency_key).first()
                if found is not None:
                    return RedeemResult(found, created=False)
            if not violated(exc, "points_redemption_code_key", "points_redemption.code"):
                raise
    raise PointsRefused(_("系统繁忙,请重试"))


def _why_not_taken(item: CatalogueItem) -> PointsRefused:
    current = CatalogueItem.objects.filter(pk=item.pk).values("active", "points").first()
    if current is None or not current["active"]:
        return PointsRefused(_("该商品已下架"))
    if current["points"] != item.points:
        return PointsRefused(_("兑换所需积分已调整,请刷新后重试"))
    return PointsRefused(_("库存不足"))


def _redeem(person: Person, item: CatalogueItem, quantity: int, idempotency_key: str | None) -> RedeemResult:
    cost = item.points * quantity
    account = cached_account(AccountKind.PERSON, str(person.pk), lambda: person, lambda: item.community)
    provider = _provider_account(item)
    days = cached_policy(item.community_id).pickup_days
    now = timezone.now()
    values = {
        "kind": TxnKind.REDEEM,
        "rule": "",
        "community_id": item.community_id,
        "recipient_id": person.pk,
        "awarded_by_id": None,
        "awarded_by_person_id": None,
        "source": "",
        "points": cost,
        "quantity": quantity,
        "memo": f"兑换:{item.name}×{quantity}"[:200],
        "reverses_id": None,
        "created_at": now,
    }
    row = {
        "item_id": item.pk,
        "person_id": person.pk,
        "quantity": quantity,
        "points": cost,
        "status": RedemptionStatus.ISSUED,
        "code": new_code(),
        "idempotency_key": idempotency_key or None,
        "created_at": now,
        "expires_at": now + timedelta(days=days) if days else None,
    }
    done = sql.redeem_batch(
        values=values,
        redemption=row,
        person_account=account.pk,
        provider_account=provider.pk,
        item_id=item.pk,
        price=item.points,
        quantity=quantity,
        month=posting.month_of(now),
    )
    made = Redemption(id=done.redemption_id, transaction_id=done.transaction_id, **row)
    made.item, made.person = item, person
    made._state.adding = False
    return RedeemResult(made, created=True)


def verifiable_by(actor: Actor) -> Any:
    """Redemptions the actor's counter may hand out: items of the merchants where they hold a role
    with verify_redemptions, and locker items of lockers operated by those organisations or in the
    communities where they hold manage_points."""
    from django.db.models import Q

    scope = get_scope(actor)
    qs = Redemption.objects.select_related("item", "item__merchant", "item__locker", "person")
    if scope.is_global:
        return qs
    condition = Q(pk__in=[])
    if scope.can("verify_redemptions") and scope.org_ids:
        condition |= Q(item__merchant_id__in=scope.org_ids) | Q(item__locker__operator_id__in=scope.org_ids)
    for path in scope.paths_for("manage_points"):
        condition |= Q(item__locker__isnull=False, item__community__path__startswith=path)
    return qs.filter(condition)


@transaction.atomic
def verify(*, code: str, actor: Actor) -> Redemption:
    """Hand the goods over: exactly once. Http404 for a code this counter cannot see (another
    merchant's, or none); AlreadyDecided (409) the second time."""
    from django.http import Http404

    code = "".join(ch for ch in (code or "") if ch.isdigit())
    redemption = verifiable_by(actor).filter(code=code).first() if code else None
    if redemption is None:
        raise Http404
    if redemption.is_open and redemption.expires_at and redemption.expires_at < timezone.now():
        redemption.status = (
            RedemptionStatus.EXPIRED
        )  # past its pickup date, not swept yet: the sweep refunds it
        raise AlreadyDecided(redemption)
    # compare-and-set: of two counters scanning the same code, one UPDATE matches
    done = Redemption.objects.filter(pk=redemption.pk, status=RedemptionStatus.ISSUED).update(
        status=RedemptionStatus.VERIFIED, verified_at=timezone.now(), verified_by=actor
    )
    redemption.refresh_from_db()
    if not done:
        raise AlreadyDecided(redemption)
    record_write(
        actor=actor,
        action="points.verify",
        obj=redemption,
        scope_path=community_path(redemption.item.community.path),
        detail={"code_tail": code[-4:]},
    )
    return redemption


def _refund(redemption: Redemption, to: str, actor: Actor | None, reason: str) -> Redemption:
    locked = (
        Redemption.objects.select_for_update()
        .select_related("item", "item__community", "transaction")
        .get(pk=redemption.pk)
    )
    if not REDEMPTION_TABLE.allows(locked.status, to):
        raise AlreadyDecided(locked)
    legs = [(entry.account, -entry.amount) for entry in locked.transaction.entries.select_related("account")]

    def restock() -> None:
        CatalogueItem.objects.filter(pk=locked.item_id).update(stock=F("stock") + locked.quantity)

    try:
        refund = posting.post(
            kind=TxnKind.REFUND,
            community_id=locked.item.community_id,
            legs=legs,
            points=locked.points,
            recipient_id=locked.person_id,
            quantity=locked.quantity,
            memo=f"{reason}:{locked.item.name}×{locked.quantity}",
            reverses_id=locked.transaction_id,
            before_hot=restock,
        )
    except posting.InsufficientPoints as exc:  # a merchant account that already paid the points out
        raise PointsRefused(_("商户账户积分不足,无法退还")) from exc
    Redemption.objects.filter(pk=locked.pk).update(status=to, refund=refund)
    locked.refresh_from_db()
    record_write(
        actor=actor,
        action=f"points.redemption_{to}",
        obj=locked,
        scope_path=community_path(locked.item.community.path),
        reason=reason,
    )
    return locked


@transaction.atomic
def cancel(*, redemption: Redemption, actor: Actor, reason: str = "居民取消") -> Redemption:
    """Cancel an open redemption: refund by reversing entries and restock."""
    return _refund(redemption, RedemptionStatus.CANCELLED, actor, reason)


def expire_redemptions(*, now: Any = None) -> int:
    """Sweep: open redemptions past their pickup date are refunded and restocked, one per transaction."""
    now = now or timezone.now()
    count = 0
    for pk in Redemption.objects.filter(status=RedemptionStatus.ISSUED, expires_at__lt=now).values_list(
        "pk", flat=True
    ):
        try:
            with transaction.atomic():
                _refund(Redemption(pk=pk), RedemptionStatus.EXPIRED, None, "逾期未取")
                count += 1
        except AlreadyDecided:  # verified or cancelled meanwhile
            continue
    return count


def already_message(redemption: Redemption) -> str:
    """Why a code cannot be used (any more), for the counter."""
    from django.utils import formats

    if redemption.status == RedemptionStatus.VERIFIED and redemption.verified_at:
        when = formats.date_format(timezone.localtime(redemption.verified_at), "Y-m-d H:i")
        return _("该取货码已于%(when)s核销,不能重复使用") % {"when": when}
    if redemption.status == RedemptionStatus.CANCELLED:
        return _("该兑换已取消,积分已退还")
    return _("该取货码已过期")
