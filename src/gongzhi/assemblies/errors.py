"""Refusals with a message in the user's language and the HTTP status a view or API returns: a
`core.errors` refusal (decision 0045), so an unhandled one is answered the same way everywhere."""

from gongzhi.core.errors import RuleBroken


class AssemblyError(RuleBroken):
    """422 bad input unless `status=` says otherwise (409 a wrong state, 403, 429); `.status` is its
    HTTP status as the assembly callers and tests read it."""

    status = property(lambda self: self.status_code)
