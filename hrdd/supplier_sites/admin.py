from django.contrib import admin

from hrdd.supplier_sites.models import MatchDecision, Site, SiteGroup, SiteMention, SiteMerge


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "country_iso3", "site_type", "operator", "status"]
    list_filter = ["status", "site_type"]
    search_fields = ["name", "normalised_name", "os_id", "rmi_cid", "lei"]
    readonly_fields = [
        "public_id",
        "normalised_name",
        "merged_into",
        "created_at",
        "updated_at",
        "created_by",
    ]
    raw_id_fields = ["operator", "moved_to"]


@admin.register(SiteGroup)
class SiteGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "role", "country_iso3", "parent"]
    list_filter = ["kind", "role"]
    search_fields = ["name", "normalised_name", "lei"]
    readonly_fields = ["public_id", "normalised_name", "created_at", "updated_at", "created_by"]
    raw_id_fields = ["parent"]


@admin.register(SiteMention)
class SiteMentionAdmin(admin.ModelAdmin):
    list_display = ["name", "country_iso3", "organisation", "status", "site", "mentioned_on"]
    list_filter = ["status", "source"]
    search_fields = ["name", "fingerprint"]
    raw_id_fields = ["site", "production_site", "submission", "contract", "supplier", "site_import"]


@admin.register(MatchDecision)
class MatchDecisionAdmin(admin.ModelAdmin):
    list_display = ["fingerprint", "site", "same", "decided_by", "decided_at"]
    raw_id_fields = ["site"]


@admin.register(SiteMerge)
class SiteMergeAdmin(admin.ModelAdmin):
    list_display = ["merged", "kept", "merged_at", "undone_at"]
    raw_id_fields = ["kept", "merged"]
