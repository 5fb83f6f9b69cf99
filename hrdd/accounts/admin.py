from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.forms.models import model_to_dict

from hrdd.accounts.models import Membership, Organisation, User
from hrdd.audit.services import audit_record


class AuditedAdmin(admin.ModelAdmin):
    """Admin changes are writes too: record them in the audit log."""

    audit_fields: tuple[str, ...] = ()

    def _state(self, obj):  # type: ignore[no-untyped-def]
        return {k: str(v) for k, v in model_to_dict(obj, fields=self.audit_fields).items()}

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        before = self._state(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            organisation=obj if isinstance(obj, Organisation) else getattr(obj, "organisation", None),
            action=f"admin.{obj._meta.model_name}.{'change' if change else 'add'}",
            target=obj,
            before=before,
            after=self._state(obj),
        )


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "created_at"]
    audit_fields = ("name", "kind")

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "organisation", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "organisation__name"]
    audit_fields = ("user", "organisation", "role", "is_active")


class MembershipInline(admin.TabularInline):
    """A user's organisations and role in each; `organisation` above is the one they work in now."""

    model = Membership
    extra = 1
    fields = ["organisation", "role", "is_active"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    inlines = [MembershipInline]

    def save_formset(self, request, form, formset, change):  # type: ignore[no-untyped-def]
        """Memberships changed on the user's page are writes too: each is audited."""
        memberships = formset.save(commit=False)
        for membership in formset.deleted_objects:
            audit_record(
                actor=request.user,
                organisation=membership.organisation,
                action="admin.membership.delete",
                target=membership.user,
                before={"organisation": membership.organisation.name, "role": membership.role},
            )
            membership.delete()
        for membership in memberships:
            added = membership.pk is None
            membership.save()
            audit_record(
                actor=request.user,
                organisation=membership.organisation,
                action=f"admin.membership.{'add' if added else 'change'}",
                target=membership.user,
                after={"organisation": membership.organisation.name, "role": membership.role},
            )
        formset.save_m2m()

    ordering = ["email"]
    list_display = ["email", "organisation", "is_active"]
    search_fields = ["email"]
    audit_fields = ("email", "organisation", "is_active", "is_staff", "is_superuser")
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Organisation (memberships are listed under Memberships)", {"fields": ["organisation"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "password1", "password2", "organisation"]})]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # deactivate instead: audit events keep pointing at the user
