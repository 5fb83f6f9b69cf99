"""Store what pages read for the contracts made before verdicts were stored: each obligation's verdict (rated as
of today, by the same rules), each listed site's risk links, and site-list summaries without their sites."""

from django.db import migrations
from django.utils import timezone

from hrdd.contracts.verdicts import VerdictInputs, link_site_rows, site_list_clauses, verdict_fields
from hrdd.domain.contracts import InformationRequestState
from hrdd.domain.tender import get_tender_framework

BATCH = 500


def _summaries(Submission, ProductionSite, site_lists):
    """A site list's summary keeps its explanation and the count of sites; the sites are ProductionSite rows."""
    for submission in list(Submission.objects.filter(obligation__clause__in=site_lists).order_by("pk")):
        summary = dict(submission.summary or {})
        if "sites" not in summary and "site_count" in summary:
            continue
        summary.pop("sites", None)
        summary["site_count"] = ProductionSite.objects.filter(submission=submission).count()
        summary.setdefault("explanation", "")
        Submission.objects.filter(pk=submission.pk).update(summary=summary)


def _risk_links(Contract, Submission, ProductionSite):
    results = {}
    submissions = (
        Submission.objects.filter(sites__isnull=False).distinct().select_related("obligation").order_by("pk")
    )
    for submission in list(submissions):
        contract_id = submission.obligation.contract_id
        if contract_id not in results:
            result = (
                Contract.objects.filter(pk=contract_id)
                .values_list("tender__risk_assessment__result", flat=True)
                .first()
            )
            results[contract_id] = result if isinstance(result, dict) else None
        sites = list(ProductionSite.objects.filter(submission=submission).order_by("pk"))
        links = link_site_rows([(s.pk, s.country_iso3, s.site_type) for s in sites], results[contract_id])
        for site in sites:
            site.risk_link = links[site.pk]
        ProductionSite.objects.bulk_update(sites, ["risk_link"], batch_size=BATCH)


def _verdicts(Obligation, Submission, ProductionSite, InformationRequest, site_lists, framework):
    today = timezone.localdate()
    pending = []
    fields = None
    known = {f.name for f in Obligation._meta.get_fields()}
    for obligation in list(Obligation.objects.order_by("pk")):  # listed first: SQLite does not isolate a cursor
        submissions = list(
            Submission.objects.filter(obligation=obligation).order_by("-version").values("pk", "submitted_at", "summary")
        )
        latest = submissions[0] if submissions else None
        sites = ()
        if latest is not None and obligation.clause in site_lists:
            sites = tuple(
                {"name": name, "address": address, "country": country}
                for name, address, country in ProductionSite.objects.filter(submission_id=latest["pk"])
                .order_by("row", "pk")
                .values_list("name", "address", "country_iso3")
            )
        inputs = VerdictInputs(
            clause=obligation.clause,
            due=obligation.due_date,
            first_submitted=min(s["submitted_at"] for s in submissions).date() if submissions else None,
            latest={k: v for k, v in latest["summary"].items() if k != "sites"} if latest else None,
            sites=sites,
            requests=tuple(
                InformationRequestState(asked, due, answered)
                for asked, due, answered in InformationRequest.objects.filter(obligation=obligation)
                .order_by("asked_on", "id")
                .values_list("asked_on", "due_on", "answered_on")
            ),
        )
        values = verdict_fields(inputs, today=today, framework=framework)
        values = {k: v for k, v in values.items() if k in known}  # later migrations add the later fields
        fields = list(values)
        for name, value in values.items():
            setattr(obligation, name, value)
        pending.append(obligation)
        if len(pending) >= BATCH:
            Obligation.objects.bulk_update(pending, fields)
            pending = []
    if pending:
        Obligation.objects.bulk_update(pending, fields)


def fill(apps, schema_editor):
    Contract = apps.get_model("contracts", "Contract")
    Obligation = apps.get_model("contracts", "Obligation")
    Submission = apps.get_model("contracts", "Submission")
    ProductionSite = apps.get_model("contracts", "ProductionSite")
    InformationRequest = apps.get_model("contracts", "InformationRequest")
    framework = get_tender_framework()
    site_lists = site_list_clauses(framework)
    _summaries(Submission, ProductionSite, site_lists)
    _risk_links(Contract, Submission, ProductionSite)
    _verdicts(Obligation, Submission, ProductionSite, InformationRequest, site_lists, framework)


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0004_obligation_verdict"),
        ("tenders", "0003_procurement_required"),
        ("risks", "0003_procurement_required"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
