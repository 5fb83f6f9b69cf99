"""Store the verdict of every response submitted before verdicts were stored (scored as a page scored it then)."""

from django.db import migrations
from django.utils import timezone

from hrdd.consultations.scoring import verdict_fields_by_id

BATCH = 500


def fill(apps, schema_editor):
    Invitation = apps.get_model("consultations", "Invitation")
    ResponseVerdict = apps.get_model("consultations", "ResponseVerdict")
    frameworks = {}
    now = timezone.now()
    pending = []
    submitted = (
        Invitation.objects.filter(status="submitted", verdict__isnull=True)
        .select_related("consultation", "company")
        .order_by("pk")
    )
    for invitation in submitted.iterator(chunk_size=BATCH):
        company = invitation.company_as_given or (invitation.company.legal_name if invitation.company else "")
        raw = {"company": company, "role": invitation.role, "answers": invitation.answers}
        fields = verdict_fields_by_id(raw, invitation.consultation.framework_id, frameworks=frameworks)
        pending.append(ResponseVerdict(invitation=invitation, computed_at=now, **fields))
        if len(pending) >= BATCH:
            ResponseVerdict.objects.bulk_create(pending)
            pending = []
    ResponseVerdict.objects.bulk_create(pending)


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0005_response_verdict"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
