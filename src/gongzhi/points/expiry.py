"""Expiry of points (optional, per area: PointsPolicy.expiry_years = N).

The rule: points earned in calendar year Y expire at the end of year Y + N. Spending is first-in,
first-out, so what expires at the end of year C = Y + N is what was credited up to the end of Y
and has not been spent (or expired) since: max(0, credits through Y - all debits so far), never
more than the balance. Run yearly (`gongzhi points_expire`, idempotent: one expiry transaction per
account and cut-off year, through the same unique (rule, recipient, source) as awards).
"""

from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from gongzhi.points import posting
from gongzhi.points.actions_accounts import account_for
from gongzhi.points.models import Account, AccountKind, Entry, Transaction, TxnKind
from gongzhi.points.policy import effective_policy
from gongzhi.territory.models import Level, TerritoryNode, community_path

EXPIRY_RULE = "expiry"


def expire_points(*, as_of: date) -> dict[str, int]:
    """Expire what is due on `as_of` in every area with an expiry policy; returns counts."""
    tz = timezone.get_current_timezone()
    expired_accounts = expired_points = 0
    communities = TerritoryNode.objects.filter(level=Level.COMMUNITY)
    for community in communities:
        years = effective_policy(community).expiry_years
        if not years:
            continue
        last_year = as_of.year - years - 1  # points of this year and earlier are due
        cutoff = datetime.combine(date(last_year + 1, 1, 1), time.min, tzinfo=tz)
        accounts = Account.objects.filter(
            kind=AccountKind.PERSON, path__startswith=community.path, balance__gt=0
        )
        for account in accounts.iterator():
            if community_path(account.path) != community.path:
                continue
            done = _expire_account(account, community, cutoff, last_year)
            if done:
                expired_accounts += 1
                expired_points += done
    return {"accounts": expired_accounts, "points": expired_points}


def _expire_account(account: Account, community: TerritoryNode, cutoff: datetime, year: int) -> int:
    source = f"expiry:{year}"
    if Transaction.objects.filter(rule=EXPIRY_RULE, recipient_id=account.person_id, source=source).exists():
        return 0
    try:
        with transaction.atomic():
            locked = Account.objects.select_for_update().get(pk=account.pk)
            entries = Entry.objects.filter(account=locked)
            credits = entries.filter(amount__gt=0, created_at__lt=cutoff).aggregate(s=Sum("amount"))["s"] or 0
            debits = -(entries.filter(amount__lt=0).aggregate(s=Sum("amount"))["s"] or 0)
            due = min(max(0, credits - debits), locked.balance)
            if due <= 0:
                return 0
            posting.post(
                kind=TxnKind.EXPIRY,
                community_id=community.pk,
                legs=[(locked, -due), (account_for(community), due)],
                points=due,
                rule=EXPIRY_RULE,
                recipient_id=locked.person_id,
                source=source,
                memo=f"{year}年及以前获得的积分到期",
            )
            return due
    except IntegrityError:  # a concurrent run expired it first
        return 0
