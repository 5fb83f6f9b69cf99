"""A version on each record edited from a form, moved by every save: a stale save is refused (issue 17)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0002_exposure_sweep"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="version",
            field=models.PositiveIntegerField(
                db_default=1, default=1, editable=False, verbose_name="version"
            ),
        ),
        migrations.AddField(
            model_name="grievancechannel",
            name="version",
            field=models.PositiveIntegerField(
                db_default=1, default=1, editable=False, verbose_name="version"
            ),
        ),
        migrations.AddField(
            model_name="remediationstep",
            name="version",
            field=models.PositiveIntegerField(
                db_default=1, default=1, editable=False, verbose_name="version"
            ),
        ),
    ]
