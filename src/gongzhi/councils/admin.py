"""Admin: councils and seats may be corrected here; decisions change only through actions."""

from django.contrib import admin

from gongzhi.councils.models import Council, Decision, Seat


class SeatInline(admin.TabularInline):
    model = Seat
    extra = 0
    raw_id_fields = ["person", "organisation"]


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "community", "quorum"]
    list_filter = ["kind"]
    raw_id_fields = ["territory", "community"]
    inlines = [SeatInline]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["text", "meeting", "passed", "status", "deadline"]
    list_filter = ["status", "passed"]
    readonly_fields = [f.name for f in Decision._meta.fields]
