"""/api/v1/points/."""

from ninja import Router

router = Router(tags=["points"])
