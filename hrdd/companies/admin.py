from django.contrib import admin

from hrdd.companies.models import Company


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "organisation", "kind", "country_iso3", "lei", "parent"]
    list_filter = ["kind"]
    search_fields = ["legal_name", "normalised_name", "lei", "duns", "rmi_cid", "os_id"]
    readonly_fields = ["public_id", "normalised_name", "created_at", "updated_at", "created_by"]
