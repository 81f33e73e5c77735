from django.contrib import admin

from gongzhi.needs.models import Need, Pairing, Resource


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "community", "source", "status"]
    list_filter = ["category", "status", "source"]
    raw_id_fields = ["community", "submitted_by"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "kind", "category", "available"]
    list_filter = ["kind", "category", "available"]
    raw_id_fields = ["organisation", "community"]


@admin.register(Pairing)
class PairingAdmin(admin.ModelAdmin):
    list_display = ["need", "resource", "status", "score"]
    readonly_fields = [f.name for f in Pairing._meta.fields]
