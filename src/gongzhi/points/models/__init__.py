"""The kindness bank (积分 / 道德银行 / 暖心柜): an append-only double-entry ledger, earning rules,
a catalogue with stock, redemptions with pickup codes, and review flags. See docs/points.md."""

from gongzhi.points.models.catalogue import CatalogueItem, Locker, Redemption, RedemptionStatus
from gongzhi.points.models.flags import Flag, FlagKind, FlagStatus
from gongzhi.points.models.ledger import (
    Account,
    AccountKind,
    AccountMonth,
    AppendOnlyError,
    Entry,
    Transaction,
    TxnKind,
)
from gongzhi.points.models.rules import EarningRule, PointsPolicy, RuleCode

__all__ = [
    "Account",
    "AccountKind",
    "AccountMonth",
    "AppendOnlyError",
    "CatalogueItem",
    "EarningRule",
    "Entry",
    "Flag",
    "FlagKind",
    "FlagStatus",
    "Locker",
    "PointsPolicy",
    "Redemption",
    "RedemptionStatus",
    "RuleCode",
    "Transaction",
    "TxnKind",
]
