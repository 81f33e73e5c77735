"""/api/v1/projects/."""

from ninja import Router

router = Router(tags=["projects"])
