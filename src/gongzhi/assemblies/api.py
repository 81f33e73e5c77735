"""/api/v1/assemblies/."""

from ninja import Router

router = Router(tags=["assemblies"])
