"""Admin for the owners' register (platform administrators correct it here); assemblies and ballots
are read-only here — they change only through actions."""

from django.contrib import admin

from gongzhi.assemblies.models import Assembly, ExclusivePart, Ownership, PropertyRating


class OwnershipInline(admin.TabularInline):
    model = Ownership
    extra = 0
    raw_id_fields = ["person"]


@admin.register(ExclusivePart)
class ExclusivePartAdmin(admin.ModelAdmin):
    list_display = ["household", "compound", "area"]
    raw_id_fields = ["household", "compound"]
    inlines = [OwnershipInline]


@admin.register(Assembly)
class AssemblyAdmin(admin.ModelAdmin):
    list_display = ["title", "compound", "status", "closes_at", "total_owners", "total_area"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in Assembly._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(PropertyRating)
class PropertyRatingAdmin(admin.ModelAdmin):
    list_display = ["company", "compound", "year", "rater_kind", "score"]
    list_filter = ["year", "rater_kind"]
    readonly_fields = [f.name for f in PropertyRating._meta.fields]
