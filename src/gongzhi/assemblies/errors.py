"""Refusals with a message in the user's language and the HTTP status a view or API returns: a
`core.errors` refusal (decision 0045), so an unhandled one is answered the same way everywhere."""

from gongzhi.core.errors import RuleBroken


class AssemblyError(RuleBroken):
    """422 bad input by default; `status=409` for a wrong state, 403 for someone who may not."""

    def __init__(self, message: object, status: int = 422) -> None:
        super().__init__(message, status=status)

    @property
    def status(self) -> int:
        return self.status_code
