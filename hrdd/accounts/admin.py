from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from hrdd.accounts.models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "created_at"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "organisation", "role", "is_active"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Organisation", {"fields": ["organisation", "role"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "password1", "password2", "organisation", "role"]})]
