"""Reads: balances, monthly statements, recounts, a person's history.

`balance` reads the running balance column (one indexed row); a statement needs the month's
rollups (opening = sum of earlier months' net) plus the month's entries from the
(account, created_at, id) index — never a scan of the account's whole history.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Subquery, Sum
from django.utils import timezone

from gongzhi.core.actors import Actor
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.points.accounts import find_account
from gongzhi.points.models import (
    Account,
    AccountMonth,
    CatalogueItem,
    Entry,
    Flag,
    FlagStatus,
    Locker,
    Redemption,
    TxnKind,
)


def balance(owner: Any) -> int:
    """Points the owner holds (a Person, an Organisation, a community, a (kind, key) owner, or an
    Account); 0 for an owner whose account was never opened."""
    if isinstance(owner, Account):
        return int(Account.objects.filter(pk=owner.pk).values_list("balance", flat=True).get())
    account = find_account(owner)
    return int(account.balance) if account is not None else 0


@dataclass
class StatementLine:
    at: datetime
    transaction_id: int
    kind: str
    kind_label: str
    rule: str
    memo: str
    amount: int
    balance: int


# an entry's columns for a StatementLine (amount last)
LINE_FIELDS = (
    "created_at",
    "transaction_id",
    "transaction__kind",
    "transaction__rule",
    "transaction__memo",
    "amount",
)


def _line(row: tuple[Any, ...], balance_after: int) -> StatementLine:
    at, txn_id, kind, rule, memo, amount = row
    label = str(dict(TxnKind.choices).get(kind, kind))
    return StatementLine(at, txn_id, kind, label, rule, memo, amount, balance_after)


@dataclass
class Statement:
    account: Account
    month: date
    opening: int
    closing: int
    credits: int
    debits: int
    lines: list[StatementLine] = field(default_factory=list)
    page: int = 1
    pages: int = 1


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


PAGE_LINES = 200


def statement(
    account: Account, month: date, *, page: int | None = None, per_page: int = PAGE_LINES
) -> Statement:
    """Opening balance, the month's entries with a running balance, closing balance. The month's
    totals come from its rollup row; with `page`, only that page's lines are read (the running
    balance starts from the opening plus the sum of the month's earlier lines), so a page costs the
    same however busy the month was. Without `page` (exports), every line of the month."""
    month = month.replace(day=1)
    tz = timezone.get_current_timezone()
    start = datetime.combine(month, time.min, tzinfo=tz)
    end = datetime.combine(next_month(month), time.min, tzinfo=tz)
    before = AccountMonth.objects.filter(account=account, month__lt=month).aggregate(
        c=Sum("credits"), d=Sum("debits")
    )
    opening = (before["c"] or 0) - (before["d"] or 0)
    this = (
        AccountMonth.objects.filter(account=account, month=month)
        .values_list("credits", "debits", "entry_count")
        .first()
    )
    credits, debits, count = this or (0, 0, 0)
    month_entries = Entry.objects.filter(account=account, created_at__gte=start, created_at__lt=end).order_by(
        "created_at", "id"
    )
    running = opening
    rows = month_entries
    pages = 1
    if page is not None:
        pages = max(1, -(-count // per_page))
        page = min(max(1, page), pages)
        offset = (page - 1) * per_page
        if offset:
            earlier = Entry.objects.filter(pk__in=Subquery(month_entries.values("pk")[:offset]))
            running += earlier.aggregate(s=Sum("amount", default=0))["s"]
        rows = month_entries[offset : offset + per_page]
    lines: list[StatementLine] = []
    for row in rows.values_list(*LINE_FIELDS):
        running += row[-1]
        lines.append(_line(row, running))
    return Statement(
        account, month, opening, opening + credits - debits, credits, debits, lines, page or 1, pages
    )


@dataclass(frozen=True)
class Recount:
    balance_column: int
    entries_sum: int
    rollup_sum: int

    @property
    def consistent(self) -> bool:
        return self.balance_column == self.entries_sum == self.rollup_sum


def recount(account: Account) -> Recount:
    """The running balance, the sum of all entries and the sum of the monthly rollups — equal unless
    something bypassed posting.post."""
    column = Account.objects.filter(pk=account.pk).values_list("balance", flat=True).get()
    entries = Entry.objects.filter(account=account).aggregate(s=Sum("amount"))["s"] or 0
    months = AccountMonth.objects.filter(account=account).aggregate(c=Sum("credits"), d=Sum("debits"))
    return Recount(int(column), int(entries), int((months["c"] or 0) - (months["d"] or 0)))


def ledger_sum() -> int:
    """Sum of every entry ever written: 0 in a double-entry ledger."""
    return int(Entry.objects.aggregate(s=Sum("amount"))["s"] or 0)


def unbalanced_transactions() -> list[int]:
    """Ids of transactions whose entries do not sum to zero (must be empty)."""
    return list(
        Entry.objects.values("transaction_id")
        .annotate(s=Sum("amount"))
        .exclude(s=0)
        .values_list("transaction_id", flat=True)
    )


def recent_lines(account: Account, limit: int) -> list[StatementLine]:
    """The account's latest entries with the balance after each, newest first (from the running
    balance backwards, so no history scan)."""
    rows = list(
        Entry.objects.filter(account=account).order_by("-created_at", "-id").values_list(*LINE_FIELDS)[:limit]
    )
    running = balance(account)
    lines = []
    for row in rows:
        lines.append(_line(row, running))
        running -= row[-1]
    return lines


# --- the lists of the pages and the API, scoped to the actor (views query nothing themselves) ----


def own_redemptions(person: Any, limit: int) -> Any:
    """The person's latest redemptions."""
    return Redemption.objects.filter(person=person).select_related("item", "item__merchant", "item__locker")[
        :limit
    ]


def merchants_for(actor: Actor) -> Any:
    """The merchants where the actor manages points, by name."""
    return (
        Organisation.objects.visible_to(actor, "manage_points").filter(kind=OrgKind.MERCHANT).order_by("name")
    )


def lockers_for(actor: Actor) -> Any:
    return Locker.objects.visible_to(actor).select_related("community")


def catalogue_items(actor: Actor) -> Any:
    return CatalogueItem.objects.visible_to(actor).select_related("community", "merchant", "locker")


def flag_list(actor: Actor, show: str) -> Any:
    """The review flags the actor may see, of one status (any other value: all)."""
    rows = Flag.objects.visible_to(actor).select_related("community", "recipient", "awarded_by_person")
    return rows.filter(status=show) if show in FlagStatus.values else rows


def account_list(actor: Actor, q: str) -> Any:
    """The accounts the actor may see, by kind and label; `q` a part of the label."""
    rows = Account.objects.visible_to(actor).order_by("kind", "label")
    return rows.filter(label__contains=q) if q else rows
