"""Admin for platform administrators: centres (the index version is bumped on save), venues and
their rules, activities; bookings and sign-ups are read-only here (they change only through actions)."""

from django.contrib import admin

from gongzhi.places.models import Activity, Booking, Centre, CentreStaff, SignUp, Venue


class VenueInline(admin.TabularInline):
    model = Venue
    extra = 0


class StaffInline(admin.TabularInline):
    model = CentreStaff
    extra = 0
    raw_id_fields = ["person"]


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "territory", "active"]
    list_filter = ["level", "active"]
    search_fields = ["name", "address"]
    raw_id_fields = ["territory"]
    inlines = [
        VenueInline,
        StaffInline,
    ]  # a saved centre moves the nearest-centre index by signal (places.apps)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "centre", "starts_at", "capacity", "seats_taken", "published"]
    list_filter = ["kind", "published"]
    raw_id_fields = ["centre", "venue"]
    readonly_fields = ["seats_taken"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Booking)
class BookingAdmin(ReadOnly):
    list_display = ["venue", "starts_at", "ends_at", "status"]
    list_filter = ["status"]


@admin.register(SignUp)
class SignUpAdmin(ReadOnly):
    list_display = ["activity", "person", "status"]
    list_filter = ["status"]
