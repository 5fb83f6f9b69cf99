"""Each stored verdict keeps the day its status may change with time alone (rerate_on), so that pages find the
verdicts to re-rate through an index instead of scanning every obligation; filled here for the verdicts stored."""

from collections import defaultdict

from django.db import migrations, models

from hrdd.domain.contracts import InformationRequestState, status_changes_on

BATCH = 500


def fill(apps, schema_editor):
    Obligation = apps.get_model("contracts", "Obligation")
    InformationRequest = apps.get_model("contracts", "InformationRequest")
    requests = defaultdict(list)
    for obligation_id, asked, due, answered in InformationRequest.objects.filter(
        answered_on__isnull=True
    ).values_list("obligation_id", "asked_on", "due_on", "answered_on"):
        requests[obligation_id].append(InformationRequestState(asked, due, answered))
    pending = []
    rated = Obligation.objects.filter(verdict_on__isnull=False).only("due_date", "submitted_on", "verdict_on")
    for obligation in rated.order_by("pk").iterator(chunk_size=BATCH):
        obligation.rerate_on = status_changes_on(
            due=obligation.due_date,
            first_submitted=obligation.submitted_on,
            requests=requests.get(obligation.pk, ()),
            rated_on=obligation.verdict_on,
        )
        if obligation.rerate_on is not None:
            pending.append(obligation)
        if len(pending) >= BATCH:
            Obligation.objects.bulk_update(pending, ["rerate_on"])
            pending = []
    if pending:
        Obligation.objects.bulk_update(pending, ["rerate_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0005_fill_verdicts"),
    ]

    operations = [
        migrations.AddField(
            model_name="obligation",
            name="rerate_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="obligation",
            index=models.Index(fields=["rerate_on"], name="obligation_rerate_on"),
        ),
        migrations.AddIndex(
            model_name="obligation",
            index=models.Index(fields=["verdict_on"], name="obligation_verdict_on"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
