import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("contracts", "0002_procurement_supplier"), ("procurements", "0002_backfill")]

    operations = [
        migrations.RemoveField(model_name="contract", name="supplier_name"),
        migrations.AlterField(
            model_name="contract",
            name="procurement",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="contracts", to="procurements.procurement"
            ),
        ),
        migrations.AlterField(
            model_name="contract",
            name="supplier",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="contracts",
                to="companies.company",
                verbose_name="supplier",
            ),
        ),
        migrations.AlterField(
            model_name="contract",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(app_label)s_%(class)s_set",
                to="accounts.organisation",
            ),
        ),
    ]
