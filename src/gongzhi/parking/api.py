"""/api/v1/parking/."""

from ninja import Router

router = Router(tags=["parking"])
