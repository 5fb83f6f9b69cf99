from django.contrib import admin

from hrdd.procurements.models import Procurement


@admin.register(Procurement)
class ProcurementAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "product_category", "reference", "status", "created_at"]
    list_filter = ["status", "product_category"]
    search_fields = ["title", "reference"]
    readonly_fields = ["public_id", "created_at", "updated_at", "created_by"]
