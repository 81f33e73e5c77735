"""Awards, reversals and transfers: the interface other apps call (service, places, …).

    award_points(rule="activity_checkin", recipient=person, source="places.checkin:123", community=c)

An award moves points from the community's issuing account to the recipient's account. It is
idempotent on (rule, recipient, source): a repeated call writes nothing and returns the first Award
with created=False. Caps per day and month clip an award to what is left and refuse it once nothing
is left. Redemptions live in `redemption.py`, review flags in `review.py`.
"""

from dataclasses import dataclass
from datetime import datetime, time
from types import SimpleNamespace
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.actors import Actor
from gongzhi.core.audit import record_write
from gongzhi.core.errors import Conflict
from gongzhi.people.models import Person
from gongzhi.points import posting, sql
from gongzhi.points.actions_accounts import account_for, account_ref
from gongzhi.points.actions_review import burst_key, check_patterns
from gongzhi.points.models import Account, AccountKind, Transaction, TxnKind
from gongzhi.points.models.rules import RuleCode
from gongzhi.points.policy import EffectiveRule, cached_policy, cached_rule
from gongzhi.territory.models import Level, TerritoryNode, community_path

__all__ = ["Award", "PointsRefused", "account_for", "award_points", "reverse_transaction", "transfer_points"]

MAX_SOURCE = 120


class PointsRefused(Conflict):
    """A refusal the user should read; str(exc) is the message in the active language (zh-Hans by
    default). `invalid` marks bad input (HTTP 400) as opposed to a refusal by the ledger's state —
    balance, stock, caps, already done (HTTP 409); core.errors maps either status."""

    def __init__(self, message: object, *, invalid: bool = False) -> None:
        super().__init__(message, status=400 if invalid else None)
        self.invalid = invalid


@dataclass(frozen=True)
class Award:
    transaction_id: int
    points: int
    created: bool  # False when the source was already awarded


def _check_award_input(
    rule: str, recipient: Any, source: str, community: Any, points: int | None, quantity: int
) -> None:
    if rule not in RuleCode.values:
        raise PointsRefused(_("未知的积分规则:%(rule)s") % {"rule": rule}, invalid=True)
    if not isinstance(recipient, Person) or recipient.pk is None:
        raise PointsRefused(_("受奖人没有可用的积分账户"), invalid=True)
    if not isinstance(community, TerritoryNode) or community.level != Level.COMMUNITY:
        raise PointsRefused(_("积分只能由社区发放"), invalid=True)
    if not source or len(source) > MAX_SOURCE:
        raise PointsRefused(_("奖励来源必须填写,且不超过%(n)d个字符") % {"n": MAX_SOURCE}, invalid=True)
    if quantity < 1:
        raise PointsRefused(_("数量必须大于0"), invalid=True)
    if points is not None and points < 1:
        raise PointsRefused(_("积分必须是正整数"), invalid=True)


def _existing(rule: str, recipient: Person, source: str) -> Award | None:
    txn = (
        Transaction.objects.filter(rule=rule, recipient=recipient, source=source).only("pk", "points").first()
    )
    return Award(txn.pk, txn.points, created=False) if txn else None


def _awarded_since(recipient: Person, rule: str, now: datetime) -> tuple[int, int]:
    """Points awarded (net of reversals is not needed: a cap counts what was given) today and this month."""
    tz = timezone.get_current_timezone()
    today = timezone.localdate(now)
    day_start = datetime.combine(today, time.min, tzinfo=tz)
    month_start = datetime.combine(today.replace(day=1), time.min, tzinfo=tz)
    sums = Transaction.objects.filter(
        recipient=recipient, rule=rule, kind=TxnKind.AWARD, created_at__gte=month_start
    ).aggregate(month=Sum("points"), day=Sum("points", filter=Q(created_at__gte=day_start)))
    return sums["day"] or 0, sums["month"] or 0


def award_points(
    *,
    rule: str,
    recipient: Person,
    source: str,
    community: TerritoryNode,
    points: int | None = None,
    quantity: int = 1,
    awarded_by: Any = None,
    memo: str = "",
) -> Award:
    """Award points for a verified deed, once per (rule, recipient, source)."""
    _check_award_input(rule, recipient, source, community, points, quantity)
    awarder_person_id = getattr(awarded_by, "person_id", None) if awarded_by is not None else None
    if awarder_person_id is not None and awarder_person_id == recipient.pk:
        raise PointsRefused(_("不能给自己发放积分"))
    if rule == RuleCode.MANUAL and (awarded_by is None or points is None):
        raise PointsRefused(_("人工奖励须由工作人员填写积分"))
    effective = cached_rule(community, rule)
    capped = effective.daily_cap is not None or effective.monthly_cap is not None
    try:
        if capped or rule == RuleCode.MANUAL or connection.in_atomic_block:
            with transaction.atomic():  # a savepoint when the caller already runs in a transaction
                return _award(
                    rule, recipient, source, community, effective, points, quantity, awarded_by, memo
                )
        # The common case — an uncapped rule, nobody's own transaction around — is one batch: on
        # PostgreSQL one round trip, committed on its own (see sql.award_batch).
        return _award(rule, recipient, source, community, effective, points, quantity, awarded_by, memo)
    except IntegrityError as exc:
        # Posted before (a retry), or by a concurrent call that committed first: the unique
        # (rule, recipient, source) refused our insert, nothing of ours was written, the first stands.
        if not sql.violated(exc, "points_txn_idempotent_source", "points_transaction.source"):
            raise
        found = _existing(rule, recipient, source)
        if found is None:
            raise
        return found
    except posting.DuplicateSource:
        found = _existing(rule, recipient, source)
        assert found is not None  # DuplicateSource is raised only after finding it
        return found


def _award(
    rule: str,
    recipient: Person,
    source: str,
    community: TerritoryNode,
    effective: EffectiveRule,
    points: int | None,
    quantity: int,
    awarded_by: Any,
    memo: str,
) -> Award:
    if not effective.active:
        raise _refuse_unless_posted(rule, recipient, source, _("该积分规则在本社区未启用"))
    wanted = points if points is not None else effective.points_per_unit * quantity
    if wanted < 1:
        raise _refuse_unless_posted(rule, recipient, source, _("按规则本次没有可发放的积分"))
    account = account_ref(recipient, community=community)
    now = timezone.now()
    left = wanted
    if effective.daily_cap is not None or effective.monthly_cap is not None:
        # Lock the recipient's account first: awards to one person are serialised, so the cap sums
        # see every earlier award (READ COMMITTED re-reads after the lock).
        sql.lock_account(account.pk)
        day, month = _awarded_since(recipient, rule, now)
        if effective.daily_cap is not None:
            left = min(left, effective.daily_cap - day)
        if effective.monthly_cap is not None:
            left = min(left, effective.monthly_cap - month)
        if left <= 0:
            if effective.daily_cap is not None and day >= effective.daily_cap:
                message = _("已达到本日“%(rule)s”积分上限")
            else:
                message = _("已达到本月“%(rule)s”积分上限")
            raise _refuse_unless_posted(rule, recipient, source, message % {"rule": RuleCode(rule).label})
    values = {
        "kind": TxnKind.AWARD,
        "rule": rule,
        "community_id": community.pk,
        "recipient_id": recipient.pk,
        "awarded_by_id": getattr(awarded_by, "pk", None),
        "awarded_by_person_id": getattr(awarded_by, "person_id", None),
        "source": source,
        "points": left,
        "quantity": quantity,
        "memo": memo[:200],
        "reverses_id": None,
        "created_at": now,
    }
    policy = cached_policy(community.pk)
    txn_id, burst_flag_id = sql.award_batch(
        values=values,
        recipient_account=account.pk,
        issuing_account=account_ref(community).pk,
        month=posting.month_of(now),
        flag_key=burst_key(recipient.pk, now, policy),
    )
    check_patterns(SimpleNamespace(pk=txn_id, **values), now=now, policy=policy, burst_flag_id=burst_flag_id)
    if rule == RuleCode.MANUAL:
        txn = Transaction(id=txn_id, **values)
        txn._state.adding = False
        record_write(
            actor=awarded_by,
            action="points.award",
            obj=txn,
            scope_path=community.path,
            detail={"points": left, "recipient": recipient.pk, "memo": memo[:200]},
        )
    return Award(txn_id, left, created=True)


def _refuse_unless_posted(rule: str, recipient: Person, source: str, message: str) -> Exception:
    """A refusal — unless this is a retry of an award already posted, which returns that award (a
    retry is a no-op even once a cap is reached or the rule switched off)."""
    if _existing(rule, recipient, source) is not None:
        return posting.DuplicateSource(source)
    return PointsRefused(message)


@transaction.atomic
def reverse_transaction(*, txn: Transaction, actor: Actor, reason: str) -> Transaction:
    """Correct a transaction with its mirror image. Refused when already reversed, when it is itself
    a reversal, or when an account no longer holds the points to give back."""
    reason = (reason or "").strip()
    if not reason:
        raise PointsRefused(_("冲正必须填写原因"))
    if txn.kind in (TxnKind.REVERSAL, TxnKind.REFUND):
        raise PointsRefused(_("冲正或退还记录不能再冲正"))
    if hasattr(txn, "redemption"):
        raise PointsRefused(_("兑换记录请通过取消兑换退还积分"))
    # Lock the original: two staff reversing it at once are serialised, the second sees the first.
    Transaction.objects.select_for_update().filter(pk=txn.pk).values_list("pk", flat=True).get()
    if Transaction.objects.filter(reverses_id=txn.pk).exists():
        raise PointsRefused(_("该记录已冲正"))
    legs = [(entry.account, -entry.amount) for entry in txn.entries.select_related("account")]
    try:
        reversal = posting.post(
            kind=TxnKind.REVERSAL,
            community_id=txn.community_id,
            legs=legs,
            points=txn.points,
            recipient_id=txn.recipient_id,
            awarded_by_id=getattr(actor, "pk", None),
            memo=reason,
            reverses_id=txn.pk,
        )
    except posting.InsufficientPoints as exc:
        raise PointsRefused(_("账户余额不足,无法冲正(积分可能已被兑换)")) from exc
    except IntegrityError as exc:  # reverses is one-to-one: a transaction is reversed at most once
        raise PointsRefused(_("该记录已冲正")) from exc
    record_write(
        actor=actor,
        action="points.reverse",
        obj=txn,
        scope_path=community_path(txn.community.path),
        reason=reason,
        detail={"reversal": reversal.pk},
    )
    return reversal


@transaction.atomic
def transfer_points(
    *,
    source_account: Account,
    target_account: Account,
    points: int,
    community: TerritoryNode,
    actor: Actor,
    memo: str = "",
) -> Transaction:
    """Move points between two accounts (e.g. a member donating to a helper team's account)."""
    if points < 1:
        raise PointsRefused(_("积分必须是正整数"), invalid=True)
    if source_account.pk == target_account.pk:
        raise PointsRefused(_("不能转给同一个账户"))
    if AccountKind.ISSUING in (source_account.kind, target_account.kind):
        raise PointsRefused(_("发行账户只能通过奖励规则发放积分"))
    try:
        txn = posting.post(
            kind=TxnKind.TRANSFER,
            community_id=community.pk,
            legs=[(source_account, -points), (target_account, points)],
            points=points,
            recipient_id=target_account.person_id,
            awarded_by_id=getattr(actor, "pk", None),
            memo=memo,
        )
    except posting.InsufficientPoints as exc:
        raise PointsRefused(_("积分余额不足")) from exc
    record_write(
        actor=actor,
        action="points.transfer",
        obj=txn,
        scope_path=community.path,
        detail={"from": source_account.pk, "to": target_account.pk, "points": points},
    )
    return txn
