import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0002_memberships"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Company",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("legal_name", models.CharField(max_length=200, verbose_name="legal name")),
                ("normalised_name", models.CharField(db_index=True, editable=False, max_length=200)),
                ("other_names", models.JSONField(blank=True, default=list, verbose_name="other names")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("supplier", "Supplier"),
                            ("brand", "Brand"),
                            ("reseller", "Reseller"),
                            ("manufacturer", "Manufacturer"),
                            ("smelter", "Smelter or refiner"),
                        ],
                        default="supplier",
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("country_iso3", models.CharField(blank=True, max_length=3, verbose_name="country")),
                ("website", models.URLField(blank=True, verbose_name="website")),
                ("lei", models.CharField(blank=True, max_length=20, verbose_name="LEI")),
                (
                    "registration_number",
                    models.CharField(blank=True, max_length=22, verbose_name="VAT or chamber-of-commerce number"),
                ),
                ("duns", models.CharField(blank=True, max_length=9, verbose_name="D-U-N-S number")),
                ("rmi_cid", models.CharField(blank=True, max_length=9, verbose_name="RMI facility id")),
                ("os_id", models.CharField(blank=True, max_length=15, verbose_name="Open Supply Hub id")),
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
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="subsidiaries",
                        to="companies.company",
                        verbose_name="parent company",
                    ),
                ),
            ],
            options={"verbose_name": "company", "verbose_name_plural": "companies", "ordering": ["legal_name", "id"]},
        ),
        migrations.AddConstraint(
            model_name="company",
            constraint=models.UniqueConstraint(
                fields=("organisation", "normalised_name", "country_iso3"), name="one_company_per_name_and_country"
            ),
        ),
    ]
