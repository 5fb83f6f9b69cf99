"""A report on due diligence (CC4, and any clause whose contents include due_diligence_processes) is counted on
its document, read with award criterion 7's check (issue 15). The reports stored before are read here once, as
new ones are when they are uploaded, and the verdicts of their obligations are rated again; the organisations
whose dashboard counts change get a new contracts version. A report whose file is gone or no longer readable
keeps its summary, and so the rule it was rated by: the supplier typed a description."""

from django.db import migrations
from django.db.models import F
from django.utils import timezone

from hrdd.contracts.verdicts import COUNTED_FIELDS, VerdictInputs, verdict_fields
from hrdd.core.text import document_text
from hrdd.domain.contracts import InformationRequestState, read_due_diligence_report
from hrdd.domain.tender import get_tender_framework


def due_diligence_clauses(framework):
    """The clauses whose contents checklist asks for the due-diligence processes."""
    return [
        c.id for c in framework.criteria if c.kind == "clause" and "due_diligence_processes" in c.contents
    ]


def _stored_text(submission):
    """The text of a stored report; None when its file is gone or no longer readable."""
    try:
        with submission.file.open("rb") as stored:
            content = stored.read()
        return document_text(submission.filename or submission.file.name, content, field="file")
    except Exception:
        return None


def _read_again(Submission, clauses):
    """Read every stored report of these clauses not read yet; return the ids of their obligations."""
    read = set()
    submissions = Submission.objects.filter(obligation__clause__in=clauses).order_by("pk")
    # the ids are listed first: SQLite does not isolate a cursor from the updates below
    for pk in list(submissions.values_list("pk", flat=True)):
        submission = Submission.objects.get(pk=pk)
        summary = dict(submission.summary or {})
        if "due_diligence_found" in summary or not submission.file:
            continue
        text = _stored_text(submission)
        if text is None:  # a file gone or no longer readable: the typed description still counts
            continue
        summary |= read_due_diligence_report(text, str(summary.get("processes") or ""))
        Submission.objects.filter(pk=pk).update(summary=summary)
        read.add(submission.obligation_id)
    return read


def _rate_again(apps, obligation_ids, framework):
    """Rate these obligations again by the same rules as hrdd.contracts.verdicts, as of today."""
    Obligation = apps.get_model("contracts", "Obligation")
    Submission = apps.get_model("contracts", "Submission")
    InformationRequest = apps.get_model("contracts", "InformationRequest")
    ContractsVersion = apps.get_model("contracts", "ContractsVersion")
    today = timezone.localdate()
    known = {f.name for f in Obligation._meta.get_fields()}
    moved = set()
    for obligation in list(Obligation.objects.filter(pk__in=obligation_ids).select_related("contract")):
        submissions = list(
            Submission.objects.filter(obligation=obligation)
            .order_by("-version")
            .values("submitted_at", "summary")
        )
        latest = submissions[0]["summary"] if submissions else None
        inputs = VerdictInputs(
            clause=obligation.clause,
            due=obligation.due_date,
            first_submitted=min(s["submitted_at"] for s in submissions).date() if submissions else None,
            latest={k: v for k, v in latest.items() if k != "sites"} if latest is not None else None,
            sites=(),  # a report lists no sites
            requests=tuple(
                InformationRequestState(asked, due, answered)
                for asked, due, answered in InformationRequest.objects.filter(obligation=obligation)
                .order_by("asked_on", "id")
                .values_list("asked_on", "due_on", "answered_on")
            ),
        )
        counted = [getattr(obligation, name) for name in COUNTED_FIELDS]
        values = {
            k: v for k, v in verdict_fields(inputs, today=today, framework=framework).items() if k in known
        }
        for name, value in values.items():
            setattr(obligation, name, value)
        obligation.save(update_fields=list(values))
        if counted != [getattr(obligation, name) for name in COUNTED_FIELDS]:
            moved.add(obligation.contract.organisation_id)
    now = timezone.now()
    for organisation_id in sorted(moved):  # as hrdd.contracts.versions.contracts_changed
        if not ContractsVersion.objects.filter(pk=organisation_id).update(
            number=F("number") + 1, changed_at=now, summary=None
        ):
            ContractsVersion.objects.create(organisation_id=organisation_id, number=1, changed_at=now)


def forward(apps, schema_editor):
    framework = get_tender_framework()
    read = _read_again(apps.get_model("contracts", "Submission"), due_diligence_clauses(framework))
    _rate_again(apps, read, framework)


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0011_calendar_body"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
