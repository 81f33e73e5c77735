"""Rebuilding derived figures (running balance, monthly rollups) from the entries — after a bulk
import of history or for the benchmark's synthetic account. The entries are the truth; this only
rewrites what is derived from them, with the account row locked."""

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from gongzhi.points.models import Account, AccountMonth, Entry


@transaction.atomic
def rebuild_account(account: Account) -> None:
    locked = Account.objects.select_for_update().get(pk=account.pk)
    months = (
        Entry.objects.filter(account=locked)
        .annotate(m=TruncMonth("created_at"))
        .values("m")
        .annotate(
            credits=Sum("amount", filter=Q(amount__gt=0), default=0),
            debits=Sum("amount", filter=Q(amount__lt=0), default=0),
            n=Count("id"),
        )
    )
    AccountMonth.objects.filter(account=locked).delete()
    AccountMonth.objects.bulk_create(
        [
            AccountMonth(
                account=locked,
                month=row["m"].date() if hasattr(row["m"], "date") else row["m"],
                credits=row["credits"],
                debits=-row["debits"],
                entry_count=row["n"],
            )
            for row in months
        ]
    )
    total = Entry.objects.filter(account=locked).aggregate(s=Sum("amount", default=0))["s"]
    Account.objects.filter(pk=locked.pk).update(balance=total)
