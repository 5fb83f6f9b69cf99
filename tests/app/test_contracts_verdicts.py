"""Stored verdicts of contract management: each obligation's KPIs and each site's risk links are rated when their
inputs change and read by the pages; a stale check (`hrdd verify`) proves stored and fresh agree; every list page
makes the same number of queries for 10 rows as for 1,000."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hrdd.audit.models import AuditEvent
from hrdd.contracts import selectors
from hrdd.contracts.models import Obligation, ProductionSite, Submission
from hrdd.contracts.services import (
    contract_create,
    information_request_answer,
    information_request_create,
    reminders_send,
    submission_create,
)
from hrdd.contracts.verdicts import (
    obligation_verdicts_catch_up,
    obligation_verdicts_refresh,
    obligation_verdicts_refresh_daily,
    site_links_stale,
    verdicts_stale,
)
from hrdd.demo import load_demo
from hrdd.domain.contracts import add_months
from hrdd.domain.risk import Adjustments
from hrdd.risks import selectors as risk_selectors
from hrdd.risks.services import risk_assessment_save
from hrdd.tenders.services import tender_create
from tests.cli_support import ok
from tests.html import document

TODAY = dt.date.today()
DASHBOARD = reverse("contracts:dashboard")


@pytest.fixture(autouse=True)
def _fresh_knowledge_cache():
    """knowledge_current() caches by edition ids, which SQLite hands out again after a test's rollback."""
    risk_selectors._CACHE.clear()
    yield
    risk_selectors._CACHE.clear()


def running(actor, *, title="Notebooks", supplier="Lumen Computers", years=2, tender=None):
    """A contract whose first anniversary has passed and whose second is 30 days away: `years` anniversaries
    (scenario 2: two obligations each, CC2 and CC3), the last on the end date (so no final report of a shorter
    last year is added)."""
    start = add_months(TODAY + dt.timedelta(days=30), -24)
    return contract_create(
        actor=actor,
        title=title,
        supplier_name=supplier,
        supplier_email="reports@lumen.example",
        award_date=start,
        start_date=start,
        end_date=add_months(start, 12 * years),
        scenario=None if tender else 2,
        tender=tender,
    )


def first(contract, clause):
    return contract.obligations.filter(clause=clause).order_by("due_date").first()


def sites_csv(rows, *, country="CHN", site_type="final assembly"):
    lines = ["name,address,country,site_type,products"]
    lines += [f"Site {i},{i} Factory Road,{country},{site_type},notebooks" for i in range(1, rows + 1)]
    return ("\n".join(lines) + "\n").encode()


def submit_sites(contract, rows, **data):
    return submission_create(
        obligation=first(contract, "CC2"),
        data=data,
        upload=SimpleUploadedFile("sites.csv", sites_csv(rows), content_type="text/csv"),
    )


def submit_report(obligation):
    return submission_create(
        obligation=obligation,
        data={"actions_count": "2", "stakeholder_evidence": "Met two unions."},
        upload=SimpleUploadedFile("report.txt", b"Our actions.", content_type="text/plain"),
    )


def scenario_3(actor, *, title="Notebooks"):
    risks = risk_assessment_save(
        actor=actor, title=f"{title}: risks", product="notebook", adjustments=Adjustments()
    )
    tender = tender_create(actor=actor, title=f"{title} tender", scenario=3, risk_assessment=risks)
    return running(actor, title=title, tender=tender)


def queries(client, url):
    """The number of queries a page makes, and the page."""
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)
    assert page.status_code == 200
    return len(captured.captured_queries), page


# stored when the inputs change


def test_a_new_contract_stores_the_verdict_of_each_obligation(buyer):
    # when
    contract = running(buyer)

    # then
    obligations = list(contract.obligations.all())
    assert all(o.verdict_on == TODAY and len(o.verdict_inputs) == 64 for o in obligations)
    assert [(o.clause, o.status, o.timeliness) for o in obligations] == [
        ("CC2", "problem", "problem"),
        ("CC3", "problem", "problem"),
        ("CC2", "pending", "pending"),
        ("CC3", "pending", "pending"),
    ]
    assert obligations[0].kpis[0]["label"].startswith("missing, ")
    assert obligations[0].submitted_on is None


def test_a_submission_a_request_and_its_answer_each_store_the_verdict_afresh(buyer):
    # given
    contract = running(buyer)
    cc3 = first(contract, "CC3")

    # when: the report arrives late
    submit_report(cc3)
    cc3.refresh_from_db()

    # then
    assert cc3.submitted_on == TODAY
    assert cc3.timeliness == "warning"
    assert [k["kpi"] for k in cc3.kpis] == ["timeliness", "contents", "responsiveness"]
    assert cc3.checklist == [
        {"item": "actions", "met": True, "detail": "2 mitigating action(s) reported"},
        {"item": "stakeholder_engagement", "met": True, "detail": "evidence of stakeholder engagement given"},
    ]

    # when: the buyer asks, then the supplier answers
    request = information_request_create(
        actor=buyer, obligation=cc3, question="Which unions?", due_on=TODAY + dt.timedelta(days=7)
    )
    cc3.refresh_from_db()
    asked = [k["label"] for k in cc3.kpis if k["kpi"] == "responsiveness"]
    information_request_answer(request=request, answer="Two.")
    cc3.refresh_from_db()

    # then
    assert asked == ["0/1 answered"]
    assert [k["label"] for k in cc3.kpis if k["kpi"] == "responsiveness"] == ["1/1 answered"]
    assert verdicts_stale() == ([], contract.obligations.count())


def test_a_site_list_stores_its_completeness_and_each_sites_risk_links_once(buyer):
    # given
    contract = scenario_3(buyer)

    # when
    submission = submit_sites(contract, 3)

    # then: the summary keeps the count, the rows keep the sites and their risks
    assert submission.summary == {"site_count": 3, "explanation": ""}
    site = submission.sites.get(row=2)
    assert site.risk_link["stage"] == "assembly"
    assert {r["category"] for r in site.risk_link["risks"]} >= {"child_labour", "forced_labour"}
    assert site.risk_link["reasons"][0] == "site type 'final assembly' is the stage assembly"
    cc2 = first(contract, "CC2")
    assert [k["label"] for k in cc2.kpis if k["kpi"] == "completeness"] == ["100% complete"]
    assert site_links_stale() == ([], 1)


def test_a_site_list_of_a_contract_without_a_risk_assessment_links_no_risk(buyer):
    # when
    submission = submit_sites(running(buyer), 2)

    # then
    assert [s.risk_link for s in submission.sites.all()] == [None, None]


# the date-driven statuses


def test_a_deadline_passing_changes_the_status_on_the_next_read_and_is_audited(buyer):
    # given: rated the day before the second anniversary's deadline
    contract = running(buyer)
    cc2 = contract.obligations.filter(clause="CC2").order_by("due_date")[1]
    due = cc2.due_date
    obligation_verdicts_refresh(obligations=contract.obligations.all(), today=due - dt.timedelta(days=1))
    cc2.refresh_from_db()
    assert cc2.status == "pending"

    # when: a page reads it the day after
    changes = obligation_verdicts_catch_up(
        obligations=contract.obligations.all(), today=due + dt.timedelta(days=1)
    )

    # then
    assert {(c.obligation.pk, c.before, c.after) for c in changes} >= {(cc2.pk, "pending", "problem")}
    cc2.refresh_from_db()
    assert (cc2.status, cc2.verdict_on) == ("problem", due + dt.timedelta(days=1))
    assert cc2.kpis[0]["label"] == "missing, 1 day overdue"
    event = AuditEvent.objects.get(action="obligation.status")
    assert event.target_id == str(contract.pk)
    assert {
        "obligation": cc2.pk,
        "clause": "CC2",
        "due": due.isoformat(),
        "before": "pending",
        "after": "problem",
    } in (event.after["changes"])


def test_a_read_when_no_deadline_passed_rates_nothing_in_one_query(buyer):
    # given
    contract = running(buyer)

    # when
    with CaptureQueriesContext(connection) as captured:
        changes = obligation_verdicts_catch_up(obligations=contract.obligations.all(), today=TODAY)

    # then
    assert changes == []
    assert len(captured.captured_queries) == 1


def test_the_daily_run_rates_what_the_day_changes_once(buyer, cli):
    # given: one report submitted (its verdict no longer depends on the day), the rest open
    contract = running(buyer)
    submit_report(first(contract, "CC3"))
    tomorrow = TODAY + dt.timedelta(days=1)

    # when
    first_run = obligation_verdicts_refresh_daily(today=tomorrow)
    with CaptureQueriesContext(connection) as captured:
        second_run = obligation_verdicts_refresh_daily(today=tomorrow)
    said = ok(cli("remind", "--today", tomorrow.isoformat()))

    # then
    assert first_run == contract.obligations.count() - 1
    assert second_run == 0
    assert len(captured.captured_queries) == 1
    assert "0 obligation verdict(s) rated for the day" in said.stdout
    assert verdicts_stale(today=tomorrow)[0] == []


# the stale check


def test_every_verdict_and_risk_link_the_demo_stores_agrees_with_a_fresh_rating(db, cli):
    # given
    load_demo()

    # when
    stale, checked = verdicts_stale()
    stale_links, lists = site_links_stale()
    said = cli("verify")

    # then
    assert checked == Obligation.objects.count() > 0
    assert stale == []
    assert (stale_links, lists) == ([], 1)
    assert ProductionSite.objects.exclude(risk_link=None).exists()  # the demo's tender names its assessment
    assert said.returncode == 0, said.stdout
    assert (
        f"all {checked} obligation verdict(s), the risk links of 1 site list(s), every stored response score,"
        " the stored dashboard counts and the suppliers' risk tiers agree" in said.stdout
    )


def test_a_tampered_verdict_is_reported_and_verify_exits_1(db, cli):
    # given: the demo, with one obligation's stored verdict turned green by hand
    load_demo()
    tampered = Obligation.objects.filter(status="problem").order_by("due_date").first()
    kpis = [dict(k, status="ok", label="on time") for k in tampered.kpis]
    Obligation.objects.filter(pk=tampered.pk).update(status="ok", kpis=kpis)

    # when
    stale, checked = verdicts_stale()
    said = cli("verify")
    as_json = cli("verify", "--json")

    # then
    [item] = stale
    assert item.obligation.pk == tampered.pk
    assert item.fields == ["status", "kpis"]
    assert (item.stored["status"], item.fresh["status"]) == ("ok", "problem")
    assert item.why == "the stored verdict is not what the rules give for the same inputs"
    assert said.returncode == 1
    assert f"(obligation {tampered.pk}): status, kpis differ; stored ok, fresh problem" in said.stdout
    assert f"1 of {checked} obligation verdict(s)" in said.stdout
    assert as_json.returncode == 1
    assert '"fresh_status": "problem"' in as_json.stdout

    # and --refresh stores the fresh verdict, after which all agree
    ok(cli("verify", "--refresh"))
    assert ok(cli("verify")).stdout.startswith(f"all {checked} obligation verdict(s)")
    tampered.refresh_from_db()
    assert tampered.status == "problem"


def test_a_tampered_risk_link_is_reported(db, cli):
    # given
    load_demo()
    [site, *_] = [s for s in ProductionSite.objects.exclude(risk_link=None) if s.risk_link["risks"]]
    ProductionSite.objects.filter(pk=site.pk).update(risk_link=dict(site.risk_link, risks=[]))

    # when
    stale_links, lists = site_links_stale()
    said = cli("verify")

    # then
    [item] = stale_links
    assert (item.differing, item.sites) == (1, 3)
    assert said.returncode == 1
    assert "the risk links of 1 of 3 sites differ" in said.stdout


def test_a_tampered_response_score_is_reported_and_refresh_repairs_it(db, cli):
    # given: the demo, with one supplier's stored overall level changed by hand
    from hrdd.consultations.models import ResponseVerdict

    load_demo()
    verdict = ResponseVerdict.objects.order_by("pk").first()
    scored = verdict.overall
    ResponseVerdict.objects.filter(pk=verdict.pk).update(overall="high" if scored != "high" else "low")

    # when
    said = cli("verify")

    # then
    assert said.returncode == 1
    assert f"response {verdict.invitation_id}: the stored verdict differs" in said.stdout
    assert "1 response score(s) differ" in said.stdout
    ok(cli("verify", "--refresh"))
    assert ok(cli("verify")).returncode == 0
    assert ResponseVerdict.objects.get(invitation_id=verdict.invitation_id).overall == scored


def test_an_unknown_date_for_verify_is_refused(cli):
    # when
    said = cli("verify", "--today", "soon")

    # then
    assert said.returncode == 2
    assert "--today" in said.stderr


# pages read stored verdicts, one page at a time


def test_the_contract_page_never_reads_the_risk_assessment(client, buyer):
    # given
    contract = scenario_3(buyer)
    submit_sites(contract, 3)
    client.force_login(buyer)

    # when
    with CaptureQueriesContext(connection) as captured:
        page = client.get(contract.get_absolute_url())

    # then
    assert page.status_code == 200
    assert "Child labour (assembly" in page.content.decode()
    assert not [q for q in captured.captured_queries if "risks_productriskassessment" in q["sql"]]


def test_a_long_site_list_is_shown_a_page_at_a_time(client, buyer):
    # given
    contract = running(buyer)
    submit_sites(contract, 250)
    cc2 = first(contract, "CC2")
    client.force_login(buyer)

    # when
    page_one = client.get(contract.get_absolute_url())
    page_three = client.get(contract.get_absolute_url() + f"?sites{cc2.pk}=3")

    # then
    def rows(page):
        table = document(page).find("table", cls="sites")
        return [tr.find_all("td")[0].text for tr in table.find("tbody").find_all("tr")]

    assert rows(page_one) == [str(n) for n in range(2, 102)]
    assert rows(page_three) == [str(n) for n in range(202, 252)]
    section = document(page_one).by_id(f"obligation-{cc2.pk}")
    assert "Page 1 of 3" in section.text
    assert "1–100 of 250" in section.text
    assert f"?sites{cc2.pk}=2#obligation-{cc2.pk}" in [a.get("href") for a in section.find_all("a")]


def test_the_dashboard_pages_filters_and_sorts_its_obligations(client, buyer):
    # given: 6 contracts of 10 obligations each (five years of CC2 and CC3)
    for n in range(6):
        running(buyer, title=f"Contract {n}", supplier=f"Supplier {n}", years=5 if n else 4)
    client.force_login(buyer)
    total = Obligation.objects.count()

    # when
    page_one = client.get(DASHBOARD)
    page_two = client.get(DASHBOARD + "?page=2")
    problems = client.get(DASHBOARD + "?status=problem")
    of_supplier = client.get(DASHBOARD + "?supplier=supplier+3&clause=CC3&sort=-due")
    overdue = client.get(DASHBOARD + "?when=overdue")
    refused = client.get(DASHBOARD + "?status=nonsense&clause=CC9")

    # then
    per_page = selectors.OBLIGATIONS_PER_PAGE
    assert total > per_page
    assert len(page_one.context["board"].statuses) == per_page
    assert len(page_two.context["board"].statuses) == min(per_page, total - per_page)
    assert page_one.context["board"].counts == {"problem": 12, "warning": 0, "pending": total - 12, "ok": 0}
    assert {s.status for s in problems.context["board"].statuses} == {"problem"}
    assert len(problems.context["board"].statuses) == 12
    chosen = of_supplier.context["board"].statuses
    assert {(s.obligation.contract.supplier_name, s.obligation.clause) for s in chosen} == {
        ("Supplier 3", "CC3")
    }
    dues = [s.obligation.due_date for s in chosen]
    assert dues == sorted(dues, reverse=True) and len(dues) == 5
    assert of_supplier.context["board"].trend.keys() == {"Supplier 3"}
    assert len(overdue.context["board"].statuses) == 12
    assert page_one.context["board"].page.paginator.count == total
    assert overdue.context["board"].page.paginator.count == overdue.context["board"].overdue_count == 12
    assert problems.context["board"].page.paginator.count == 12
    assert of_supplier.context["board"].page.paginator.count == 5
    assert overdue.context["board"].overdue_count == 12
    assert len(overdue.context["board"].overdue) == 10  # the card shows the first ten and links to all
    assert "All 12 overdue obligations" in overdue.content.decode()
    assert len(refused.context["board"].statuses) == per_page  # refused values filter nothing
    assert refused.context["filter_form"].errors.keys() == {"status", "clause"}


def test_the_dashboard_lists_the_contracts_a_page_at_a_time(client, buyer):
    # given
    for n in range(23):
        running(buyer, title=f"Contract {n:02d}", supplier=f"Supplier {n}", years=1)
    client.force_login(buyer)

    # when
    page_one = client.get(DASHBOARD)
    page_two = client.get(DASHBOARD + "?contracts=2")

    # then
    assert [c.title for c in page_one.context["contracts"]] == [f"Contract {n:02d}" for n in range(22, 2, -1)]
    assert [c.title for c in page_two.context["contracts"]] == ["Contract 02", "Contract 01", "Contract 00"]
    first_row = document(page_one).find("table", cls="contracts").find("tbody").find_all("tr")[0]
    assert "problem: 2" in first_row.text


# a bounded number of queries, whatever the size


def contracts_of(actor, count, *, prefix):
    for n in range(count):
        running(actor, title=f"{prefix} {n}", supplier=f"{prefix} supplier {n}", years=10)


def test_the_dashboard_makes_as_many_queries_for_1000_obligations_as_for_10(client, buyer):
    # given
    client.force_login(buyer)
    running(buyer, title="Small", years=5)  # 10 obligations
    assert Obligation.objects.count() == 10
    small, _ = queries(client, DASHBOARD)

    # when
    contracts_of(buyer, 50, prefix="Large")  # 20 obligations each
    large, page = queries(client, DASHBOARD)

    # then
    assert Obligation.objects.count() >= 1000
    assert len(page.context["board"].statuses) == selectors.OBLIGATIONS_PER_PAGE
    assert large == small


def test_the_contract_page_makes_as_many_queries_for_1000_sites_as_for_10(client, buyer):
    # given
    client.force_login(buyer)
    small_contract = scenario_3(buyer, title="Small")
    submit_sites(small_contract, 10)
    large_contract = scenario_3(buyer, title="Large")
    submit_sites(large_contract, 1000)

    # when
    small, _ = queries(client, small_contract.get_absolute_url())
    large, page = queries(client, large_contract.get_absolute_url())

    # then
    assert large == small
    assert len(document(page).find("table", cls="sites").find("tbody").find_all("tr")) == 100


def test_the_supplier_page_makes_as_many_queries_for_1000_sites_as_for_10(client, buyer):
    # given
    small_contract = running(buyer, title="Small")
    submit_sites(small_contract, 10)
    large_contract = running(buyer, title="Large")
    submit_sites(large_contract, 1000)

    # when
    small, _ = queries(client, small_contract.get_supplier_url())
    large, page = queries(client, large_contract.get_supplier_url())

    # then
    assert large == small
    assert "Completeness: 100% complete" in page.content.decode()


def test_remind_run_again_makes_as_many_queries_for_many_contracts_as_for_one(buyer, mailoutbox):
    # given: contracts whose first-year obligations are overdue and the next due in 30 days, reminded once already
    contracts_of(buyer, 1, prefix="One")
    reminders_send()
    with CaptureQueriesContext(connection) as one:
        again = reminders_send()
    assert again == []
    contracts_of(buyer, 30, prefix="Many")
    assert len(reminders_send()) >= 60

    # when
    with CaptureQueriesContext(connection) as many:
        again = reminders_send()

    # then
    assert again == []
    assert len(many.captured_queries) == len(one.captured_queries) <= 3


def test_the_file_download_makes_as_many_queries_for_many_submissions_as_for_one(client, buyer):
    # given
    client.force_login(buyer)
    few = running(buyer, title="Few")
    only = submit_sites(few, 2)
    many = running(buyer, title="Many", years=6)
    for obligation in many.obligations.filter(clause="CC3"):
        submit_report(obligation)
        submit_report(obligation)
    last = Submission.objects.filter(obligation__contract=many).order_by("pk").last()

    # when
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("contracts:file", args=[few.public_id, only.pk])).status_code == 200
    with CaptureQueriesContext(connection) as lots:
        assert client.get(reverse("contracts:file", args=[many.public_id, last.pk])).status_code == 200

    # then
    assert len(lots.captured_queries) == len(one.captured_queries)


def test_selectors_read_the_stored_verdict(buyer):
    # given
    contract = running(buyer)
    Obligation.objects.filter(contract=contract).update(status="ok")  # what is stored is what is shown

    # when
    statuses = selectors.contract_statuses(contract)

    # then
    assert {s.status for s in statuses} == {"ok"}


def test_saving_the_tenders_risk_assessment_again_links_the_listed_sites_to_its_new_result(buyer):
    # given a scenario-3 contract whose site list in China is linked to the assembly risks of China
    contract = scenario_3(buyer)
    submit_sites(contract, 3)
    assessment = contract.tender.risk_assessment
    linked = ProductionSite.objects.first().risk_link
    assert linked and linked["risks"]

    # when the buyer saves the assessment again with China left out
    risk_assessment_save(
        actor=buyer,
        title=assessment.title,
        product="notebook",
        adjustments=Adjustments(exclude_countries=frozenset({"CHN"})),
        assessment=assessment,
    )

    # then every site's stored link follows the new result, and the stale check agrees
    relinked = [s.risk_link for s in ProductionSite.objects.order_by("row")]
    assert len(relinked) == 3
    assert all(link != linked for link in relinked)
    assert all(not (link or {}).get("risks") for link in relinked)
    assert site_links_stale() == ([], 1)


def test_the_on_time_chart_shows_the_suppliers_with_the_most_deadlines_passed(client, buyer):
    # given 14 suppliers: two with a longer contract (more deadlines passed), twelve alike
    for n in range(14):
        running(buyer, title=f"Contract {n}", supplier=f"Supplier {n:02}", years=2)
    for n in (12, 13):
        running(buyer, title=f"Contract {n}b", supplier=f"Supplier {n:02}", years=2)
    client.force_login(buyer)

    # when
    board = client.get(DASHBOARD).context["board"]

    # then the chart names 12 of the 14, the two busiest among them, each year with (on time, due)
    assert board.trend_suppliers == 14
    assert len(board.trend) == 12
    assert {"Supplier 12", "Supplier 13"} <= board.trend.keys()
    assert list(board.trend) == sorted(board.trend)
    passed = Obligation.objects.filter(contract__supplier__legal_name="Supplier 13", due_date__lte=TODAY)
    assert sum(due for _, due in board.trend["Supplier 13"].values()) == passed.count() > 0
    assert all(on_time == 0 for on_time, _ in board.trend["Supplier 13"].values())
