"""A user may belong to several organisations: each (organisation, role) of a user becomes a membership."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ROLES = [
    ("admin", "Administrator"),
    ("procurement_officer", "Procurement officer"),
    ("contract_manager", "Contract manager"),
    ("sourcing_manager", "Responsible-sourcing manager"),
    ("viewer", "Viewer"),
]


def roles_to_memberships(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Membership = apps.get_model("accounts", "Membership")
    Membership.objects.bulk_create(
        Membership(user_id=user.pk, organisation_id=user.organisation_id, role=user.role)
        for user in User.objects.exclude(organisation=None).only("pk", "organisation_id", "role")
    )


def memberships_to_roles(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Membership = apps.get_model("accounts", "Membership")
    for membership in Membership.objects.all():
        User.objects.filter(pk=membership.user_id, organisation_id=membership.organisation_id).update(
            role=membership.role
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="Membership",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("role", models.CharField(choices=ROLES, default="viewer", max_length=30, verbose_name="role")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="memberships",
                        to="accounts.organisation",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["organisation__name"]},
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(fields=("user", "organisation"), name="one_membership_per_organisation"),
        ),
        migrations.RunPython(roles_to_memberships, memberships_to_roles),
        migrations.RemoveField(model_name="user", name="role"),
    ]
