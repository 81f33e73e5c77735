from django.contrib import admin

from gongzhi.orgs.models import Organisation, PartyOrg, Post


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    raw_id_fields = ["person"]


@admin.register(PartyOrg)
class PartyOrgAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "territory"]
    list_filter = ["level"]
    search_fields = ["name"]
    raw_id_fields = ["parent", "territory"]
    inlines = [PostInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "territory"]
    list_filter = ["kind"]
    search_fields = ["name", "credit_code"]
    raw_id_fields = ["territory"]
    filter_horizontal = ["serves"]
    inlines = [PostInline]
