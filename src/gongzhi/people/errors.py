"""The people app's refusals (core.errors, decision 0045). They stay PermissionError and ValueError
too, for the callers that catch those."""

from django.utils.translation import gettext

from gongzhi.core.errors import BadInput, NotAllowed, TooMany


class NotRevealable(NotAllowed, PermissionError):
    """The actor may not see this person's data in full (403)."""


class LookupRefused(BadInput, ValueError):
    """A reveal or look-up asked wrongly: no field, no reason, not a full number (400)."""


class TooManyLookups(TooMany):
    """The actor has used up their exact searches for the hour (429)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            gettext("一小时内精确查找已达%(limit)d次上限,请稍后再试;如确有工作需要,请联系上级")
            % {"limit": limit}
        )
