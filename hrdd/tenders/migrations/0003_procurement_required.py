import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("tenders", "0002_procurement_bids"), ("procurements", "0002_backfill")]

    operations = [
        migrations.AlterField(
            model_name="tender",
            name="procurement",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="tenders", to="procurements.procurement"
            ),
        ),
        migrations.AlterField(
            model_name="tender",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(app_label)s_%(class)s_set",
                to="accounts.organisation",
            ),
        ),
    ]
