from gongzhi.points.actions import award_points


def fund(person, community, points: int, source: str = "fund") -> None:  # type: ignore[no-untyped-def]
    """Give a person points through the manual rule (a staff award)."""
    from gongzhi.accounts.models import User

    staff = User.objects.get(username="staff_a")
    award_points(
        rule="manual", recipient=person, source=source, community=community, points=points, awarded_by=staff
    )
