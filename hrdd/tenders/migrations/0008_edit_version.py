"""A version on each record edited from a form, moved by every save: a stale save is refused (issue 17)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tenders", "0007_language_texts"),
    ]

    operations = [
        migrations.AddField(
            model_name="tender",
            name="version",
            field=models.PositiveIntegerField(
                db_default=1, default=1, editable=False, verbose_name="version"
            ),
        ),
    ]
