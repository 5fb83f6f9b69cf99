import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial"), ("procurements", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="productriskassessment",
            name="procurement",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="risk_assessments",
                to="procurements.procurement",
                verbose_name="procurement",
            ),
        ),
    ]
