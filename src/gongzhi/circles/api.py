"""/api/v1/circles/."""

from ninja import Router

router = Router(tags=["circles"])
