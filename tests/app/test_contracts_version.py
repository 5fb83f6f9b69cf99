"""Each organisation's contracts version (issue 9): every writer of what the dashboard counts and the feeds say
moves it, in its own transaction; the dashboard's counts are stored with the version and the day, read back
while neither moved, and `hrdd verify` counts them again."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hrdd.companies.services import company_update
from hrdd.contracts import selectors
from hrdd.contracts.lifecycle import contract_archive, contract_restore, contract_update
from hrdd.contracts.models import ContractsVersion
from hrdd.contracts.services import (
    contract_create,
    information_request_answer,
    information_request_create,
    submission_create,
)
from hrdd.contracts.versions import contracts_version
from hrdd.domain.contracts import add_months
from tests.cli_support import ok

TODAY = dt.date.today()
SITES_CSV = (
    b"name,address,country,site_type,products\nAssembly One,1 Factory Road,CHN,final assembly,notebooks\n"
)


def contract(actor, *, title="Notebooks", supplier="Lumen Computers"):
    start = add_months(TODAY + dt.timedelta(days=30), -24)  # a first anniversary passed, a second ahead
    return contract_create(
        actor=actor,
        title=title,
        supplier_name=supplier,
        supplier_email="reports@lumen.example",
        award_date=start,
        start_date=start,
        end_date=add_months(start, 30),
        scenario=2,
    )


def number(user):
    return contracts_version(user.organisation_id).number


def test_every_writer_moves_the_version_of_its_organisation_only(buyer, outsider):
    # given
    steps = []
    record = contract(buyer)
    theirs = number(outsider)
    obligation = record.obligations.filter(clause="CC2").order_by("due_date").first()

    def moved(step):
        before = number(buyer)
        step()
        steps.append(number(buyer) > before)

    # when
    moved(lambda: contract(buyer, title="Servers", supplier="Future Servers"))
    moved(
        lambda: submission_create(
            obligation=obligation,
            data={},
            upload=SimpleUploadedFile("sites.csv", SITES_CSV, content_type="text/csv"),
        )
    )
    asked = []
    moved(
        lambda: asked.append(
            information_request_create(
                actor=buyer, obligation=obligation, question="Which smelters?", due_on=TODAY + dt.timedelta(7)
            )
        )
    )
    moved(lambda: information_request_answer(request=asked[0], answer="See the list."))
    moved(
        lambda: contract_update(
            actor=buyer, contract=record, title="Notebooks, lot 1", supplier_email="a@b.example"
        )
    )
    moved(lambda: contract_archive(actor=buyer, contract=record))
    moved(lambda: contract_restore(actor=buyer, contract=record))
    moved(lambda: company_update(actor=buyer, company=record.supplier, legal_name="Lumen Computers B.V."))

    # then
    assert steps == [True] * 8
    assert number(outsider) == theirs


def test_the_dashboard_stores_its_counts_and_reads_them_back_while_nothing_changes(buyer):
    # given
    contract(buyer)
    first = selectors.dashboard(user=buyer)
    stored = ContractsVersion.objects.get(pk=buyer.organisation_id).summary

    # when
    with CaptureQueriesContext(connection) as queries:
        again = selectors.dashboard(user=buyer)

    # then
    assert stored["key"] == {"number": number(buyer), "day": TODAY.isoformat(), "days": first.due_soon_days}
    assert (again.counts, again.overdue_count, again.due_soon_count) == (
        first.counts,
        first.overdue_count,
        first.due_soon_count,
    )
    assert again.trend == first.trend and first.trend
    assert not any(
        "COUNT(" in q["sql"].upper() and "GROUP BY" in q["sql"].upper() for q in queries.captured_queries
    )


def test_a_change_is_counted_at_once_and_another_day_is_counted_again(buyer):
    # given
    record = contract(buyer)
    before = selectors.dashboard(user=buyer)

    # when: a contract archived leaves the counts; a year later its obligations are overdue
    contract_archive(actor=buyer, contract=record)
    after = selectors.dashboard(user=buyer)
    contract_restore(actor=buyer, contract=record)
    selectors.dashboard(user=buyer)
    later = selectors.dashboard(user=buyer, today=TODAY + dt.timedelta(days=400))

    # then
    assert before.total == record.obligations.count() and after.total == 0
    assert later.overdue_count > before.overdue_count
    assert selectors.dashboard_summaries_stale() == []


def test_a_stored_count_that_differs_is_reported_by_verify_and_counted_again_with_refresh(buyer, cli):
    # given: the stored counts changed by hand
    contract(buyer)
    selectors.dashboard(user=buyer)
    version = ContractsVersion.objects.get(pk=buyer.organisation_id)
    version.summary["counts"]["overdue"] += 5
    version.save()

    # when
    said = cli("verify")
    as_json = cli("verify", "--json")

    # then
    assert said.returncode == 1
    assert f"the stored dashboard counts of organisation {buyer.organisation_id}" in said.stdout
    assert f'"dashboard_counts_differ": [\n    {buyer.organisation_id}\n  ]' in as_json.stdout

    # and --refresh drops them; the next dashboard counts again
    ok(cli("verify", "--refresh"))
    assert ok(cli("verify")).returncode == 0
    assert selectors.dashboard(user=buyer).overdue_count == version.summary["counts"]["overdue"] - 5


@pytest.mark.parametrize("days", [0, 3])
def test_a_day_passing_rates_again_moves_the_version_and_the_counts_follow(buyer, days):
    # given
    record = contract(buyer)
    first_due = record.obligations.order_by("due_date").filter(due_date__gte=TODAY).first().due_date
    selectors.dashboard(user=buyer)
    held = number(buyer)

    # when: the day after that deadline, its status changes on the first read
    board = selectors.dashboard(user=buyer, today=first_due + dt.timedelta(days=1 + days))

    # then
    assert number(buyer) > held
    assert board.overdue_count >= 1
    assert selectors.dashboard_summaries_stale() == []
