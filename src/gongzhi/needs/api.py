"""/api/v1/needs/."""

from ninja import Router

router = Router(tags=["needs"])
