import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0002_product_categories_from_risk_method"),
        ("procurements", "0001_initial"),
        ("companies", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="consultation",
            name="procurement",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="consultations",
                to="procurements.procurement",
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="company_entity",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="invitations",
                to="companies.company",
                verbose_name="company",
            ),
        ),
    ]
