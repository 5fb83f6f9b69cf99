import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import hrdd.procurements.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0002_memberships"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Procurement",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                (
                    "product_category",
                    models.CharField(
                        blank=True,
                        choices=hrdd.procurements.models.product_category_choices,
                        max_length=40,
                        verbose_name="product category",
                    ),
                ),
                ("reference", models.CharField(blank=True, max_length=100, verbose_name="reference")),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "Open"), ("closed", "Closed"), ("cancelled", "Cancelled")],
                        default="open",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="%(app_label)s_%(class)s_set",
                        to="accounts.organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "procurement",
                "verbose_name_plural": "procurements",
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["organisation", "-created_at"], name="procurement_org_created")],
            },
        ),
    ]
