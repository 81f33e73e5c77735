from django.contrib import admin

from gongzhi.people.models import PartyMember, Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """Masked columns only: plaintext is reachable through the audited reveal, never the admin."""

    list_display = ["name", "id_number_masked", "phone_masked", "gender", "birth_date", "residence_type"]
    list_filter = ["residence_type", "gender"]
    search_fields = ["name"]
    readonly_fields = ["id_number_masked", "phone_masked", "birth_date", "gender"]
    raw_id_fields = ["household"]


@admin.register(PartyMember)
class PartyMemberAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "branch", "home_community"]
    list_filter = ["kind"]
    raw_id_fields = ["person", "branch", "home_community"]
