import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tenders", "0001_initial"),
        ("procurements", "0001_initial"),
        ("companies", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="tender",
            name="procurement",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="tenders",
                to="procurements.procurement",
            ),
        ),
        migrations.CreateModel(
            name="Bid",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("bidder", models.CharField(max_length=200, verbose_name="bidder as named in the bid")),
                (
                    "company",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="bids", to="companies.company"
                    ),
                ),
                (
                    "evaluation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="bids", to="tenders.bidevaluation"
                    ),
                ),
            ],
            options={"ordering": ["evaluation", "id"]},
        ),
        migrations.AddConstraint(
            model_name="bid",
            constraint=models.UniqueConstraint(fields=("evaluation", "bidder"), name="one_bid_per_bidder"),
        ),
    ]
