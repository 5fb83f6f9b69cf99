import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("consultations", "0003_procurement_company"), ("procurements", "0002_backfill")]

    operations = [
        migrations.RenameField(model_name="invitation", old_name="company", new_name="company_as_given"),
        migrations.AlterField(
            model_name="invitation",
            name="company_as_given",
            field=models.CharField(blank=True, max_length=200, verbose_name="company name as the supplier gave it"),
        ),
        migrations.RenameField(model_name="invitation", old_name="company_entity", new_name="company"),
        migrations.AlterField(
            model_name="consultation",
            name="procurement",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="consultations",
                to="procurements.procurement",
            ),
        ),
        migrations.AlterField(
            model_name="consultation",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(app_label)s_%(class)s_set",
                to="accounts.organisation",
            ),
        ),
    ]
