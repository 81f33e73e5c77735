"""/api/v1/places/."""

from ninja import Router

router = Router(tags=["places"])
