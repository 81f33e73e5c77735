"""/api/v1/dispatch/."""

from ninja import Router

router = Router(tags=["dispatch"])
