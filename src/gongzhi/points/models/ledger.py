"""The ledger: accounts, transactions and their entries.

Double entry: every Transaction has two or more Entry rows whose amounts sum to zero (checked in
`actions._post`, and on PostgreSQL by a deferred constraint trigger at commit, migration 0002).
Entries and transactions are append-only (triggers refuse UPDATE/DELETE); a correction is a new
transaction that `reverses` the old one. `Account.balance` is a running balance kept in the same
transaction as the entries (a CHECK keeps non-issuing accounts >= 0), and `AccountMonth` is the
monthly rollup that makes statements cheap; `queries.recount` proves both equal the entries.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import ScopedQuerySet


class AccountKind(models.TextChoices):
    PERSON = "person", _("个人")
    ORGANISATION = "organisation", _("单位")
    TEAM = "team", _("队伍")
    ISSUING = "issuing", _("发行账户")


class AccountQuerySet(ScopedQuerySet):
    scope_path_field = "path"
    scope_capability = "manage_points"


class Account(models.Model):
    kind = models.CharField(_("类别"), max_length=16, choices=AccountKind.choices)
    # the owner's natural key within its kind: person pk, organisation pk, team id, community pk
    owner_key = models.CharField(max_length=64)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="points_accounts"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="points_accounts"
    )
    community = models.ForeignKey(
        "territory.TerritoryNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField(_("账户名"), max_length=120)
    # territory path of the owner, so staff with manage_points see the accounts of their area
    path = models.CharField(max_length=500, db_index=True)
    balance = models.BigIntegerField(_("余额"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分账户")
        verbose_name_plural = _("积分账户")
        constraints = [
            models.UniqueConstraint(fields=["kind", "owner_key"], name="points_account_owner"),
            # only an issuing account may go below zero: it is where points come from
            models.CheckConstraint(
                condition=Q(balance__gte=0) | Q(kind="issuing"), name="points_account_balance_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_issuing(self) -> bool:
        return self.kind == AccountKind.ISSUING


class AppendOnlyError(Exception):
    """Ledger rows are never changed or removed; post a reversing transaction instead. An integrity
    error that only a bug in our code can raise, so deliberately not a core.errors.Refusal: no page
    or API answers it as a 4xx, it fails loudly (500) like the database triggers behind it."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only")

    def delete(self):  # type: ignore[no-untyped-def]
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only")


class AppendOnly(models.Model):
    """Model-level refusal (all databases); triggers refuse it in the database too (migration 0002)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only")


class TxnKind(models.TextChoices):
    AWARD = "award", _("奖励")
    REDEEM = "redeem", _("兑换")
    REFUND = "refund", _("退还")
    REVERSAL = "reversal", _("冲正")
    EXPIRY = "expiry", _("过期")
    TRANSFER = "transfer", _("转账")


class Transaction(AppendOnly):
    kind = models.CharField(_("类别"), max_length=16, choices=TxnKind.choices)
    rule = models.CharField(_("规则"), max_length=32, blank=True)
    community = models.ForeignKey("territory.TerritoryNode", on_delete=models.PROTECT, related_name="+")
    # the person the points are about (recipient of an award, redeemer, holder of expiring points)
    recipient = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="points_transactions"
    )
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # who did it, for the pair check of review flags (awarded_by.person at the time)
    awarded_by_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("来源"), max_length=120, blank=True)
    points = models.PositiveIntegerField(_("积分"))
    quantity = models.PositiveIntegerField(default=1)
    memo = models.CharField(_("备注"), max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    # default, not auto_now_add: imports and the demo post history at its real time (posting.post(at=))
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("积分交易")
        verbose_name_plural = _("积分交易")
        constraints = [
            # awards (and expiries) are idempotent on their source: a retried call finds this row
            models.UniqueConstraint(
                fields=["rule", "recipient", "source"],
                condition=~Q(source=""),
                name="points_txn_idempotent_source",
            ),
            models.CheckConstraint(condition=Q(points__gt=0), name="points_txn_points_positive"),
        ]
        indexes = [
            # caps: sum of a person's awards under one rule since the start of the day/month
            models.Index(fields=["recipient", "rule", "created_at"], name="points_txn_cap"),
            # flags: awards from one person to another this month
            models.Index(fields=["awarded_by_person", "recipient", "created_at"], name="points_txn_pair"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.points}"


class Entry(AppendOnly):
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.BigIntegerField(_("金额"))  # + credit to the account, - debit
    created_at = models.DateTimeField(_("时间"), db_index=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("分录")
        verbose_name_plural = _("分录")
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="points_entry_nonzero")]
        # statements: one account's entries of one month, in order
        indexes = [models.Index(fields=["account", "created_at", "id"], name="points_entry_account_time")]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount:+d}"


class AccountMonth(models.Model):
    """Monthly rollup of one account, updated in the same transaction as its entries while the
    account row is locked — so it is never behind and needs no upsert race handling."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="months")
    month = models.DateField()  # first day of the month (Asia/Shanghai)
    credits = models.BigIntegerField(default=0)
    debits = models.BigIntegerField(default=0)  # stored positive
    entry_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["account", "month"]
        constraints = [models.UniqueConstraint(fields=["account", "month"], name="points_month_unique")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.month:%Y-%m}"

    @property
    def net(self) -> int:
        return self.credits - self.debits
