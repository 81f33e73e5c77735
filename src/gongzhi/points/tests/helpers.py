from gongzhi.points.actions import Award, award_points
from gongzhi.points.models import Account, CatalogueItem
from gongzhi.points.queries import ledger_sum, recount, unbalanced_transactions


def award_volunteer(bank, source: str, *, rule: str, **kwargs: object) -> Award:  # type: ignore[no-untyped-def]
    """award_points to the bank's volunteer, in community A."""
    return award_points(
        rule=rule, recipient=bank.volunteer, source=source, community=bank.actors.net.a.community, **kwargs
    )


def fund(person, community, points: int, source: str = "fund") -> None:  # type: ignore[no-untyped-def]
    """Give a person points through the manual rule (a staff award)."""
    from gongzhi.accounts.models import User

    staff = User.objects.get(username="staff_a")
    award_points(
        rule="manual", recipient=person, source=source, community=community, points=points, awarded_by=staff
    )


def assert_sound() -> None:
    """The ledger's invariants: entries sum to zero, every transaction balances, no ordinary account
    below zero, no stock below zero, and every account's balance and rollups agree with its entries."""
    assert ledger_sum() == 0
    assert unbalanced_transactions() == []
    assert not Account.objects.filter(balance__lt=0).exclude(kind="issuing").exists()
    assert not CatalogueItem.objects.filter(stock__lt=0).exists()
    for account in Account.objects.all():
        assert recount(account).consistent, account
