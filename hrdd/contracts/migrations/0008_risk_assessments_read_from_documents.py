"""A risk assessment handed in under CC1 is counted on its document, its typed summary a hint (issue 10): the
submissions stored before keep what the check found in their document and, read again here, which entries of
the supplier's summary the document does not bear out; then every stored verdict is rated again by the new rules
(the verdicts' version changed, so `hrdd verify` would otherwise report each one)."""

import importlib

from django.db import migrations

from hrdd.core.text import document_text
from hrdd.domain.contracts import RISK_ASSESSMENT_ITEMS, read_risk_assessment
from hrdd.domain.tender import get_tender_framework

BATCH = 200


def _typed(summary):
    """The entries the supplier typed: a field equal to what the document gave was filled from it."""
    found = summary.get("found_in_document") or {}
    return {
        field: [] if summary.get(field) == found.get(field) else list(summary.get(field) or [])
        for field in RISK_ASSESSMENT_ITEMS
    }


def _read_again(Submission, clauses):
    submissions = Submission.objects.filter(obligation__clause__in=clauses).order_by("pk")
    for pk in list(submissions.values_list("pk", flat=True)):  # listed first: SQLite does not isolate a cursor
        submission = Submission.objects.get(pk=pk)
        summary = dict(submission.summary or {})
        if "not_in_document" in summary or not submission.file:
            continue
        try:
            with submission.file.open("rb") as stored:
                content = stored.read()
            text = document_text(submission.filename or submission.file.name, content, field="file")
        except Exception:  # a file gone or no longer readable: its stored findings still count
            summary["not_in_document"] = {}
        else:
            summary = read_risk_assessment(text, _typed(summary))
        Submission.objects.filter(pk=pk).update(summary=summary)


def forward(apps, schema_editor):
    framework = get_tender_framework()
    clauses = [
        c.id
        for c in framework.criteria
        if c.kind == "clause" and c.submission is not None and c.submission.kind == "risk_assessment"
    ]
    Submission = apps.get_model("contracts", "Submission")
    _read_again(Submission, clauses)
    fill = importlib.import_module("hrdd.contracts.migrations.0005_fill_verdicts")
    fill._verdicts(
        apps.get_model("contracts", "Obligation"),
        Submission,
        apps.get_model("contracts", "ProductionSite"),
        apps.get_model("contracts", "InformationRequest"),
        fill.site_list_clauses(framework),
        framework,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0007_calendar_feed"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
