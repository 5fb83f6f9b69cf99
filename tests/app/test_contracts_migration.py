"""The migration that stores verdicts fills them for the contracts made before it: each obligation's KPIs, each
site's risk links, and site-list summaries without a copy of every site."""

import datetime as dt

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.migration_support import migrate_to

BEFORE = [("contracts", "0003_procurement_supplier_required")]
AFTER = [("contracts", "0005_fill_verdicts")]


def test_the_migration_stores_the_verdicts_of_existing_obligations_and_slims_site_list_summaries(
    empty_database,
):
    # given a contract as stored before verdicts were: an overdue report and a late site list of two sites
    old = migrate_to(BEFORE)
    Organisation = old.get_model("accounts", "Organisation")
    Procurement = old.get_model("procurements", "Procurement")
    Company = old.get_model("companies", "Company")
    Contract = old.get_model("contracts", "Contract")
    Obligation = old.get_model("contracts", "Obligation")
    Submission = old.get_model("contracts", "Submission")
    ProductionSite = old.get_model("contracts", "ProductionSite")
    town = Organisation.objects.create(name="Exampleton", kind="public_buyer")
    purchase = Procurement.objects.create(organisation=town, title="Notebooks", product_category="notebook")
    lumen = Company.objects.create(organisation=town, legal_name="Lumen", normalised_name="lumen")
    contract = Contract.objects.create(
        organisation=town,
        procurement=purchase,
        supplier=lumen,
        title="Notebooks 2020-2023",
        supplier_email="r@lumen.example",
        scenario=2,
        award_date=dt.date(2020, 1, 1),
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2023, 1, 1),
        token="t-1",
    )
    report = Obligation.objects.create(
        contract=contract, clause="CC3", title="Report", due_date=dt.date(2021, 1, 1), reason="anniversary 1"
    )
    site_list = Obligation.objects.create(
        contract=contract, clause="CC2", title="Sites", due_date=dt.date(2021, 1, 1), reason="anniversary 1"
    )
    sites = [
        {"name": "Assembly One", "address": "1 Road", "country": "CHN"},
        {"name": "Cells Two", "address": "", "country": "MYS"},
    ]
    submission = Submission.objects.create(
        obligation=site_list,
        version=1,
        summary={"sites": sites, "explanation": "The cell plant will not say."},
    )
    Submission.objects.filter(pk=submission.pk).update(
        submitted_at=dt.datetime(2021, 1, 11, 9, tzinfo=dt.UTC)
    )
    for row, site in enumerate(sites, start=2):
        ProductionSite.objects.create(
            submission=submission,
            row=row,
            name=site["name"],
            address=site["address"],
            country_iso3=site["country"],
            site_type="final assembly",
        )

    # when
    new = migrate_to(AFTER)

    # then
    Obligation = new.get_model("contracts", "Obligation")
    Submission = new.get_model("contracts", "Submission")
    ProductionSite = new.get_model("contracts", "ProductionSite")
    report = Obligation.objects.get(pk=report.pk)
    site_list = Obligation.objects.get(pk=site_list.pk)
    assert (report.status, report.timeliness, report.submitted_on) == ("problem", "problem", None)
    assert report.kpis[0]["label"].startswith("missing, ")
    assert report.verdict_on is not None and len(report.verdict_inputs) == 64
    assert (site_list.status, site_list.timeliness, site_list.submitted_on) == (
        "warning",
        "warning",
        dt.date(2021, 1, 11),
    )
    labels = {k["kpi"]: k["label"] for k in site_list.kpis}
    assert labels["timeliness"] == "late by 10 days"
    assert labels["completeness"] == "50% complete, explained"
    assert Submission.objects.get(pk=submission.pk).summary == {
        "explanation": "The cell plant will not say.",
        "site_count": 2,
    }
    assert list(ProductionSite.objects.values_list("risk_link", flat=True)) == [None, None]  # no tender

    # and the stale check agrees with what the migration stored
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    migrate_to(leaves)
    from hrdd.contracts.verdicts import verdicts_stale

    assert verdicts_stale() == ([], 2)


def test_the_migration_keeps_with_each_stored_verdict_the_day_its_status_may_change(empty_database):
    # given verdicts stored on 2026-03-01: a report not yet due, one submitted, one with an open request
    old = migrate_to([("contracts", "0005_fill_verdicts")])
    Organisation = old.get_model("accounts", "Organisation")
    Procurement = old.get_model("procurements", "Procurement")
    Company = old.get_model("companies", "Company")
    Contract = old.get_model("contracts", "Contract")
    Obligation = old.get_model("contracts", "Obligation")
    InformationRequest = old.get_model("contracts", "InformationRequest")
    town = Organisation.objects.create(name="Exampleton", kind="public_buyer")
    purchase = Procurement.objects.create(organisation=town, title="Notebooks", product_category="notebook")
    lumen = Company.objects.create(organisation=town, legal_name="Lumen", normalised_name="lumen")
    contract = Contract.objects.create(
        organisation=town,
        procurement=purchase,
        supplier=lumen,
        title="Notebooks 2026-2029",
        supplier_email="r@lumen.example",
        scenario=2,
        award_date=dt.date(2026, 1, 1),
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2029, 1, 1),
        token="t-2",
    )
    rated = {"verdict_on": dt.date(2026, 3, 1), "reason": "anniversary 1", "title": "Report"}
    waiting = Obligation.objects.create(
        contract=contract, clause="CC3", due_date=dt.date(2026, 4, 30), **rated
    )
    delivered = Obligation.objects.create(
        contract=contract,
        clause="CC3",
        due_date=dt.date(2026, 4, 30),
        submitted_on=dt.date(2026, 2, 1),
        **rated,
    )
    asked = Obligation.objects.create(
        contract=contract,
        clause="CC2",
        due_date=dt.date(2026, 1, 31),
        submitted_on=dt.date(2026, 1, 20),
        **rated,
    )
    InformationRequest.objects.create(
        obligation=asked, question="Which plant?", asked_on=dt.date(2026, 2, 20), due_on=dt.date(2026, 3, 10)
    )
    never = Obligation.objects.create(
        contract=contract, clause="CC3", title="Report", due_date=dt.date(2026, 4, 30), reason="anniversary 1"
    )

    # when
    new = migrate_to([("contracts", "0006_obligation_rerate_on")])

    # then each status may change the day after the date that passes, and not otherwise
    Obligation = new.get_model("contracts", "Obligation")
    rerate = dict(Obligation.objects.values_list("pk", "rerate_on"))
    assert rerate == {
        waiting.pk: dt.date(2026, 5, 1),
        delivered.pk: None,
        asked.pk: dt.date(2026, 3, 11),
        never.pk: None,  # never rated: found by its empty verdict_on
    }
