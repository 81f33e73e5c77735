"""Reads of needs that are not reached through `access_*`: the resident's own submissions."""

from typing import Any

from gongzhi.needs.models import Need


def own_needs(actor: Any) -> Any:
    """The needs the actor's person submitted (none for an account without a person): a resident
    sees their own rows, whatever the community's scope says."""
    person = getattr(actor, "person", None)
    return Need.objects.filter(submitted_by=person) if person is not None else Need.objects.none()
