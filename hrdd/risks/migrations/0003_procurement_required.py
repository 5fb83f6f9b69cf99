import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("risks", "0002_procurement"), ("procurements", "0002_backfill")]

    operations = [
        migrations.RemoveField(model_name="productriskassessment", name="consultation"),
        migrations.AlterField(
            model_name="productriskassessment",
            name="procurement",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="risk_assessments",
                to="procurements.procurement",
                verbose_name="procurement",
            ),
        ),
        migrations.AlterField(
            model_name="productriskassessment",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(app_label)s_%(class)s_set",
                to="accounts.organisation",
            ),
        ),
    ]
