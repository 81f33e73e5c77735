from django.contrib import admin

from gongzhi.territory.geometry import GEOMETRY_COLUMNS
from gongzhi.territory.models import TerritoryNode


@admin.register(TerritoryNode)
class TerritoryNodeAdmin(admin.ModelAdmin):
    """For platform admins; writes that matter (boundaries, imports) go through territory.actions."""

    list_display = ["code", "name", "level", "population"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    readonly_fields = ["path", "depth", *GEOMETRY_COLUMNS]
    raw_id_fields = ["parent"]
