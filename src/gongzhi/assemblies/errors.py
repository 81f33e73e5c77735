"""Refusals with a message in the user's language and the HTTP status a view or API returns."""


class AssemblyError(Exception):
    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return self.message
