"""/api/v1/councils/."""

from ninja import Router

router = Router(tags=["councils"])
