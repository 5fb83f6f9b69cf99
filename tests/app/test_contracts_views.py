"""The contract pages: the contract manager's dashboard (overdue, due soon, the on-time trend), the contract
with its KPI statuses and site list, the calendars, the buyer's requests, and the supplier's page behind its
secret link; behind a login and the organisation's walls, bad input storing nothing."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from icalendar import Calendar

from hrdd.audit.models import AuditEvent
from hrdd.contracts.models import Contract, InformationRequest, Obligation, ProductionSite, Submission
from hrdd.contracts.services import contract_create, information_request_create, submission_create
from hrdd.core.tasks import run_queued_tasks
from hrdd.domain.contracts import add_months
from hrdd.domain.risk import Adjustments
from hrdd.risks import selectors as risk_selectors
from hrdd.risks.services import risk_assessment_save
from hrdd.tenders.services import tender_create
from tests.html import controls, described_by, document, error_texts

FIXTURES = Path(__file__).parent / "fixtures"
DASHBOARD = reverse("contracts:dashboard")
ORG_CALENDAR = reverse("contracts:calendar")
TODAY = dt.date.today()
SITES_CSV = (
    "name,address,country,site_type,products\n"
    'Assembly One,"1 Factory Road, Kunshan",CHN,final assembly,notebooks\n'
    'Cells Two,"2 Battery Street, Penang",MYS,component,lithium-ion cells\n'
)


@pytest.fixture(autouse=True)
def _fresh_knowledge_cache():
    """knowledge_current() caches by edition ids, which SQLite hands out again after a test's rollback."""
    risk_selectors._CACHE.clear()
    yield
    risk_selectors._CACHE.clear()


@pytest.fixture
def logged_in(client, contract_manager):
    client.force_login(contract_manager)
    return client


def text_of(page):
    """The page's text: tags dropped, white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page.content.decode()).split())


def with_class(scope, value):
    """The elements in scope whose class attribute is exactly `value`."""
    return [e for e in scope.iter() if e.get("class") == value]


def site_rows(page):
    """The production sites table of the contract page, one dict per site: column header -> cell text."""
    table = document(page).find("table", cls="sites")
    headers = [th.text for th in table.find("thead").find_all("th")]
    return [
        dict(zip(headers, (td.text for td in tr.find_all("td")), strict=True))
        for tr in table.find("tbody").find_all("tr")
    ]


def messages_of(page):
    return [str(m) for m in page.context["messages"]]


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def stored_files():
    media = Path(settings.MEDIA_ROOT)
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def counts():
    return (
        Contract.objects.count(),
        Obligation.objects.count(),
        Submission.objects.count(),
        ProductionSite.objects.count(),
        InformationRequest.objects.count(),
        AuditEvent.objects.count(),
    )


def running(actor, *, title="Notebooks 2024-2027", supplier="Lumen Computers", scenario=2, tender=None):
    """A contract whose first anniversary has passed (CC2, CC3 overdue) and whose second, its end, is 30 days
    away (ending on an anniversary, it has no final report of a shorter last year)."""
    start = add_months(TODAY + dt.timedelta(days=30), -24)
    return contract_create(
        actor=actor,
        title=title,
        supplier_name=supplier,
        supplier_email="reports@lumen.example",
        award_date=start,
        start_date=start,
        end_date=add_months(start, 24),
        scenario=None if tender else scenario,
        tender=tender,
    )


def future(actor, *, title="Servers 2031-2035", supplier="Future Servers"):
    """A contract whose every deadline lies ahead."""
    start = TODAY + dt.timedelta(days=200)
    return contract_create(
        actor=actor,
        title=title,
        supplier_name=supplier,
        supplier_email="reports@future.example",
        award_date=TODAY,
        start_date=start,
        end_date=add_months(start, 36),
        scenario=2,
    )


def first(contract, clause):
    return contract.obligations.filter(clause=clause).order_by("due_date").first()


def detail_url(contract):
    return reverse("contracts:detail", args=[contract.public_id])


def calendar_url(contract):
    return reverse("contracts:contract_calendar", args=[contract.public_id])


def supplier_url(contract):
    return reverse("contracts:supplier", args=[contract.token])


def file_url(contract, submission):
    return reverse("contracts:file", args=[contract.public_id, submission.pk])


def submit_sites(contract, content=None, name="sites.csv", **data):
    content = SITES_CSV.encode() if content is None else content
    return submission_create(obligation=first(contract, "CC2"), data=data, upload=upload(name, content))


def events_of(content):
    calendar = Calendar.from_ical(content)
    return list(calendar.walk("VEVENT"))


# login


def test_the_contract_pages_need_a_login(client, buyer):
    # given
    contract = running(buyer)
    submission = submit_sites(contract)

    # when / then
    for url in (
        DASHBOARD,
        ORG_CALENDAR,
        detail_url(contract),
        calendar_url(contract),
        file_url(contract, submission),
    ):
        page = client.get(url)
        assert page.status_code == 302, url
        assert page["Location"].startswith(reverse("login")), url


def test_creating_a_contract_needs_a_login_and_stores_nothing(client, db):
    # given
    before = counts()

    # when
    page = client.post(DASHBOARD, {"title": "Notebooks", "scenario": "2"})

    # then
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))
    assert counts() == before


# the dashboard


def test_the_navigation_leads_to_the_contracts(logged_in):
    # when
    page = logged_in.get(reverse("consultations:list"))

    # then
    assert f'href="{DASHBOARD}"' in page.content.decode()
    assert "4 Contracts" in page.content.decode()


def test_an_empty_dashboard_says_so(logged_in):
    # when
    page = logged_in.get(DASHBOARD)

    # then
    assert page.status_code == 200
    text = text_of(page)
    assert "Nothing overdue." in text
    assert "Nothing due soon." in text
    assert "No contract yet." in text
    assert "No deadline has passed yet." in text
    assert "<svg" not in page.content.decode()


def test_the_dashboard_lists_overdue_and_due_soon_obligations_with_their_colours(logged_in, buyer):
    # given
    contract = running(buyer)
    past, soon = sorted({o.due_date for o in contract.obligations.all()})
    assert past < TODAY
    assert TODAY < soon <= TODAY + dt.timedelta(days=60)

    # when
    page = logged_in.get(DASHBOARD)

    # then
    assert page.status_code == 200
    board = page.context["board"]
    assert board.due_soon_days == 60
    assert [(s.obligation.clause, s.obligation.due_date) for s in board.overdue] == [
        ("CC2", past),
        ("CC3", past),
    ]
    assert [(s.obligation.clause, s.obligation.due_date) for s in board.due_soon] == [
        ("CC2", soon),
        ("CC3", soon),
    ]
    html = document(page)
    overdue = html.by_id("overdue")
    due_soon = html.by_id("due-soon")
    assert len(with_class(overdue, "kpi kpi-problem")) == 2
    assert any(
        e.tag == "span" and e.attrs == {"class": "kpi kpi-problem"} and e.text == f"{past:%Y-%m-%d}"
        for e in overdue.iter()
    )
    assert "Lumen Computers" in overdue.text
    assert "days overdue" in overdue.text
    assert contract.get_absolute_url() in [a.get("href") for a in overdue.find_all("a")]
    assert len(with_class(due_soon, "kpi kpi-pending")) == 2
    assert f"{soon:%Y-%m-%d}" in due_soon.text
    assert "Due in the next 60 days (2)" in due_soon.text
    assert "Overdue (2)" in text_of(page)
    # every obligation in the table, with the row's worst status
    rows = [tr.get("class") for tr in html.find_all("tr") if (tr.get("class") or "").startswith("row-")]
    assert rows == ["row-problem", "row-problem", "row-pending", "row-pending"]


def test_the_trend_chart_appears_once_a_deadline_has_passed(logged_in, buyer):
    # given
    future(buyer)
    before = logged_in.get(DASHBOARD)
    running(buyer)

    # when
    after = logged_in.get(DASHBOARD)

    # then
    assert "<svg" not in before.content.decode()
    assert "No deadline has passed yet." in text_of(before)
    [chart] = document(after).find_all("svg")
    assert chart.get("class") == "chart trend"
    labels = [t.text for t in chart.find_all("text")]
    assert "Lumen Computers" in labels
    assert "Future Servers" not in chart.text  # nothing of theirs is due yet
    assert not any("Future Servers" in v for e in chart.iter() for v in e.attrs.values())
    past = min(
        o.due_date for o in Contract.objects.get(supplier__legal_name="Lumen Computers").obligations.all()
    )
    assert f"Lumen Computers {past.year}: 0 of 2 on time" in [t.text for t in chart.find_all("title")]
    assert after.context["board"].trend == {"Lumen Computers": {past.year: (0, 2)}}


def test_the_dashboard_shows_only_the_organisations_contracts(logged_in, buyer, outsider):
    # given
    running(outsider, title="Their notebooks", supplier="Their Supplier")
    running(buyer, title="Our notebooks")

    # when
    page = logged_in.get(DASHBOARD)

    # then
    text = text_of(page)
    assert "Our notebooks" in text
    assert "Their notebooks" not in text
    assert "Their Supplier" not in text
    assert len(page.context["board"].statuses) == 4


def test_the_contracts_table_counts_each_contracts_obligations_per_status(logged_in, buyer):
    # given a running contract (two reports overdue, the rest ahead) and one whose every deadline lies ahead
    late = running(buyer, title="Our notebooks")
    ahead = future(buyer, title="Our servers")
    expected = {
        c.title: {s: c.obligations.filter(status=s).count() for s in ("problem", "warning", "pending", "ok")}
        for c in (late, ahead)
    }

    # when
    page = logged_in.get(DASHBOARD)

    # then every row shows its own contract's counts, and only the statuses it has
    rows = {
        tr.find_all("td")[0].text: tr.find_all("td")[4].text
        for tr in document(page).find("table", cls="contracts").find("tbody").find_all("tr")
    }
    assert expected["Our notebooks"]["problem"] >= 2 and expected["Our servers"]["problem"] == 0
    for title, per_status in expected.items():
        shown = " ".join(f"{s}: {n}" for s, n in per_status.items() if n)
        assert " ".join(rows[title].split()) == shown


# creating a contract through the dashboard form


def form(**overrides):
    data = {
        "tender": "",
        "scenario": "2",
        "title": "Notebooks 2030-2033",
        "supplier_name": "Acme Computers",
        "supplier_email": "reports@acme.example",
        "award_date": "2030-01-15",
        "first_delivery": "",
        "start_date": "2030-02-01",
        "end_date": "2033-01-31",
        "months": "",
    }
    data.update(overrides)
    return data


def test_the_dashboard_offers_the_new_contract_form_to_writers_only(client, contract_manager, viewer):
    # when
    client.force_login(contract_manager)
    writer = client.get(DASHBOARD)
    asked = client.get(DASHBOARD + "?new=1")
    client.force_login(viewer)
    reader = client.get(DASHBOARD + "?new=1")

    # then: the form when asked for; the dashboard itself links to it
    assert 'id="new-contract-link"' in writer.content.decode()
    assert 'id="new-contract"' not in writer.content.decode()
    assert 'id="new-contract"' in asked.content.decode()
    assert 'id="new-contract' not in reader.content.decode()


def test_creating_a_contract_through_the_form_redirects_to_it(logged_in, contract_manager):
    # when
    page = logged_in.post(DASHBOARD, form())

    # then
    contract = Contract.objects.get()
    assert page.status_code == 302
    assert page["Location"] == contract.get_absolute_url()
    assert contract.organisation == contract_manager.organisation
    assert contract.created_by == contract_manager
    assert contract.scenario == 2
    assert contract.obligations.count() == 6  # two anniversaries and a final report on 2033-01-31
    assert AuditEvent.objects.filter(action="contract.create", target_id=str(contract.pk)).exists()
    shown = logged_in.get(page["Location"])
    assert "Contract created with 6 obligations." in messages_of(shown)
    assert "Notebooks 2030-2033" in text_of(shown)


def test_creating_a_contract_from_a_tender_through_the_form_takes_its_scenario_and_months(logged_in, buyer):
    # given
    tender = tender_create(actor=buyer, title="Notebooks tender", scenario=1, months=6)

    # when
    page = logged_in.post(
        DASHBOARD, form(tender=str(tender.public_id), scenario="", first_delivery="", months="")
    )

    # then
    contract = Contract.objects.get()
    assert page["Location"] == contract.get_absolute_url()
    assert contract.tender == tender
    assert (contract.scenario, contract.months) == (1, 6)
    assert [(o.clause, o.due_date) for o in contract.obligations.all()] == [("CC1", dt.date(2030, 7, 15))]


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("award_date", "2030-02-30", "'2030-02-30' is not a date (YYYY-MM-DD)"),
        ("start_date", "tomorrow", "'tomorrow' is not a date (YYYY-MM-DD)"),
        ("end_date", "", "a date is required"),
        ("months", "three", "'three' is not a whole number"),
        ("supplier_email", "nobody", "enter a valid e-mail address"),
        ("scenario", "", "a scenario is required"),
    ],
)
def test_bad_input_in_the_form_shows_an_error_beside_the_field_and_stores_nothing(
    logged_in, field, value, said
):
    # given
    before = counts()

    # when
    page = logged_in.post(DASHBOARD, form(**{field: value}))

    # then
    assert page.status_code == 400
    assert [str(e) for e in page.context["form"].errors[field]] == [said]
    assert counts() == before
    assert 'id="new-contract"' in page.content.decode()


def test_a_viewer_posting_the_form_is_refused_and_nothing_is_stored(client, viewer):
    # given
    client.force_login(viewer)
    before = counts()

    # when
    page = client.post(DASHBOARD, form())

    # then
    assert page.status_code == 400
    assert any("Your role does not allow changes" in t for t in error_texts(document(page)))
    assert counts() == before


def test_another_organisations_tender_in_the_form_is_not_found_and_nothing_is_stored(logged_in, outsider):
    # given
    theirs = tender_create(actor=outsider, title="Their tender", scenario=2)
    before = counts()

    # when
    page = logged_in.post(DASHBOARD, form(tender=str(theirs.public_id)))

    # then
    assert page.status_code == 404
    assert counts() == before


# the contract page


def test_the_contract_page_shows_each_obligation_with_its_kpi_statuses(logged_in, buyer):
    # given
    contract = running(buyer)
    past = first(contract, "CC2").due_date

    # when
    page = logged_in.get(detail_url(contract))

    # then
    assert page.status_code == 200
    html = page.content.decode()
    text = text_of(page)
    assert "Notebooks 2024-2027" in text
    assert "Lumen Computers" in text
    assert contract.get_supplier_url() not in html  # shown once, when issued (issue 17)
    assert "works until" in document(page).by_id("link-state").text
    assert calendar_url(contract) in html
    statuses = page.context["statuses"]
    assert [(s.obligation.clause, s.status) for s in statuses] == [
        ("CC2", "problem"),
        ("CC3", "problem"),
        ("CC2", "pending"),
        ("CC3", "pending"),
    ]
    assert f"CC2 {first(contract, 'CC2').title} — due {past:%Y-%m-%d}" in text
    days = (TODAY - past).days
    assert f'<span class="kpi kpi-problem" title="due {past}, nothing submitted by {TODAY}">' in html
    assert f"Timeliness: missing, {days} days overdue" in text
    assert "Timeliness: not yet due" in text
    assert "Responsiveness: no request made" in text  # CC3 rates responsiveness from the start
    assert html.count('class="card obligation row-problem"') == 2


def test_a_submitted_site_list_rates_completeness_and_contents(logged_in, buyer):
    # given
    contract = running(buyer)
    incomplete = SITES_CSV + "Battery cells,,CHN,component,cells\n"
    submit_sites(contract, incomplete.encode(), explanation="The cell plant has not disclosed its address.")

    # when
    page = logged_in.get(detail_url(contract))

    # then
    text = text_of(page)
    html = page.content.decode()
    assert "Timeliness: late by" in text
    assert '<span class="kpi kpi-warning"' in html
    assert "Completeness: 66.7% complete, explained" in text
    assert "Contents: 2 of 2 items met" in text
    assert "Explanation: The cell plant has not disclosed its address." in text
    assert "v1" in text and "sites.csv" in text


def test_a_scenario_3_site_list_links_each_site_to_the_risks_of_its_country_and_stage(logged_in, buyer):
    # given: a tender with the buyer's saved risk assessment of notebooks
    risks = risk_assessment_save(
        actor=buyer, title="Notebooks: risks", product="notebook", adjustments=Adjustments()
    )
    tender = tender_create(actor=buyer, title="Notebooks tender", scenario=3, risk_assessment=risks)
    contract = running(buyer, tender=tender)
    assert contract.scenario == 3
    submission = submit_sites(contract)
    china = submission.sites.get(country_iso3="CHN")

    # when
    page = logged_in.get(detail_url(contract))

    # then
    assert page.status_code == 200
    links = page.context["site_links"][first(contract, "CC2").pk]
    linked = links[china.pk]
    assert linked
    assert len(linked) <= 3
    assert {r.stage for r in linked} == {"assembly"}
    assert {"child_labour", "forced_labour"} <= {r.category for r in linked}
    [site] = [row for row in site_rows(page) if row["Name"] == "Assembly One"]
    assert site["Country"] == "China"
    assert site["Type"] == "final assembly"
    assert "Child labour (assembly" in site["Risks of its country and stage"]
    assert "Forced labour (assembly" in site["Risks of its country and stage"]


def test_a_site_list_without_a_risk_assessment_says_none_is_linked(logged_in, buyer):
    # given: a direct contract, so no tender and no product risk assessment to link the sites to
    contract = running(buyer)
    submit_sites(contract)

    # when
    page = logged_in.get(detail_url(contract))

    # then: said once above the list, not in a risk cell of every row (issue 10)
    sites = site_rows(page)
    assert len(sites) == 2
    assert all("Risks of its country and stage" not in site for site in sites), sites
    assert text_of(page).count("No risk assessment is linked to the tender") == 1


def test_the_contract_page_of_another_organisation_is_not_found(client, buyer, outsider):
    # given
    contract = running(buyer)
    client.force_login(outsider)

    # when
    page = client.get(detail_url(contract))

    # then
    assert page.status_code == 404
    assert "Notebooks 2024-2027" not in page.content.decode()


def test_an_unknown_contract_is_not_found(logged_in):
    # when
    page = logged_in.get(reverse("contracts:detail", args=["00000000-0000-0000-0000-000000000000"]))

    # then
    assert page.status_code == 404


# calendars


def test_the_contract_calendar_has_one_event_per_obligation_on_its_due_date(logged_in, buyer):
    # given
    contract = running(buyer)

    # when
    page = logged_in.get(calendar_url(contract))

    # then
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/calendar")
    assert page["Content-Disposition"] == 'attachment; filename="notebooks-2024-2027.ics"'
    events = events_of(page.content)
    obligations = list(contract.obligations.all())
    assert len(events) == len(obligations) == 4
    assert sorted((str(e["SUMMARY"])[:3], e.decoded("DTSTART")) for e in events) == sorted(
        (o.clause, o.due_date) for o in obligations
    )
    for event in events:
        start = event.decoded("DTSTART")
        assert type(start) is dt.date  # an all-day event
        assert event.decoded("DTEND") == start + dt.timedelta(days=1)
        assert "Lumen Computers" in str(event["SUMMARY"])
        assert contract.get_absolute_url() in str(event["DESCRIPTION"])
    assert len({str(e["UID"]) for e in events}) == 4


def test_the_organisation_calendar_has_every_deadline_of_its_contracts_only(logged_in, buyer, outsider):
    # given
    ours = [running(buyer, title="Our notebooks"), future(buyer, title="Our servers")]
    running(outsider, title="Their notebooks", supplier="Their Supplier")

    # when
    page = logged_in.get(ORG_CALENDAR)

    # then
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/calendar")
    events = events_of(page.content)
    expected = sorted(o.due_date for c in ours for o in c.obligations.all())
    assert len(events) == len(expected)
    assert sorted(e.decoded("DTSTART") for e in events) == expected
    assert all("Their Supplier" not in str(e["SUMMARY"]) for e in events)
    assert b"Their notebooks" not in page.content


def test_another_organisations_calendar_is_not_found(client, buyer, outsider):
    # given
    contract = running(buyer)
    client.force_login(outsider)

    # when
    page = client.get(calendar_url(contract))

    # then
    assert page.status_code == 404


# files


def test_the_buyer_downloads_a_submitted_file(logged_in, buyer):
    # given
    contract = running(buyer)
    submission = submit_sites(contract)

    # when
    page = logged_in.get(file_url(contract, submission))

    # then
    assert page.status_code == 200
    assert page["Content-Disposition"] == 'attachment; filename="sites.csv"'
    assert b"".join(page.streaming_content) == SITES_CSV.encode()


def test_another_organisations_file_is_not_found(client, buyer, outsider):
    # given
    contract = running(buyer)
    submission = submit_sites(contract)
    theirs = running(outsider, title="Their notebooks")
    client.force_login(outsider)

    # when
    direct = client.get(file_url(contract, submission))
    through_their_own_contract = client.get(reverse("contracts:file", args=[theirs.public_id, submission.pk]))

    # then
    assert direct.status_code == 404
    assert through_their_own_contract.status_code == 404


# the supplier page


def test_the_supplier_page_works_without_a_login(client, buyer):
    # given
    contract = running(buyer)

    # when
    page = client.get(supplier_url(contract))

    # then
    assert page.status_code == 200
    text = text_of(page)
    assert "Reporting under the contract" in text
    assert "Municipality of Testville" in text
    assert "Notebooks 2024-2027" in text
    html = page.content.decode()
    assert html.count('enctype="multipart/form-data"') == 4
    assert 'name="explanation"' in html
    assert 'name="actions_count"' in html
    # no buyer navigation for the supplier
    assert "4 Contracts" not in text


def test_an_unknown_supplier_token_is_not_found(client, db):
    # when
    page = client.get(reverse("contracts:supplier", args=["not-a-real-token"]))

    # then
    assert page.status_code == 404


def test_uploading_on_the_supplier_page_creates_a_version_and_shows_it(client, buyer):
    # given
    contract = running(buyer)
    cc2 = first(contract, "CC2")

    # when: the list is accepted at once, and its rows are read by the task worker
    page = client.post(
        supplier_url(contract),
        {
            "obligation": str(cc2.pk),
            "action": "submit",
            "explanation": "All sites listed.",
            "file": upload("sites.csv", SITES_CSV.encode()),
        },
    )
    accepted = client.get(page["Location"])
    run_queued_tasks()
    shown = client.get(page["Location"])
    again_accepted = client.post(
        supplier_url(contract),
        {"obligation": str(cc2.pk), "action": "submit", "file": upload("sites.csv", SITES_CSV.encode())},
        follow=True,
    )
    run_queued_tasks()
    again = client.get(supplier_url(contract))

    # then
    assert page.status_code == 302
    assert page["Location"] == supplier_url(contract)
    assert [s.version for s in cc2.submissions.order_by("version")] == [1, 2]
    assert cc2.submissions.get(version=1).summary["explanation"] == "All sites listed."
    reading = "Received sites.csv: its rows are being read; the progress is shown under CC2."
    assert messages_of(accepted) == [reading]
    assert "Received: CC2, version 1 (sites.csv)." in text_of(shown)
    assert "Received: v1 sites.csv" in text_of(shown)
    assert messages_of(again_accepted) == [reading]
    text = text_of(again)
    assert "Received: CC2, version 2 (sites.csv)." in text
    assert "Received: v2 sites.csv" in text
    assert "v1 sites.csv" in text
    assert AuditEvent.objects.filter(action="submission.create").count() == 2


def test_a_report_with_its_summary_is_uploaded_on_the_supplier_page(client, buyer):
    # given
    contract = running(buyer)
    cc3 = first(contract, "CC3")

    # when
    page = client.post(
        supplier_url(contract),
        {
            "obligation": str(cc3.pk),
            "action": "submit",
            "actions_count": "3",
            "stakeholder_evidence": "Union at the assembly site.",
            "file": upload("actions.txt", b"Three mitigating actions."),
        },
        follow=True,
    )

    # then
    assert messages_of(page) == ["Received: CC3, version 1 (actions.txt)."]
    assert cc3.submissions.get().summary == {
        "actions_count": 3,
        "stakeholder_evidence": "Union at the assembly site.",
    }


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("tool.exe", b"MZ\x90\x00", "tool.exe: unsupported file type; upload one of .csv, .xlsx"),
        ("sites.xlsx", b"PK\x03\x04 broken", "not a readable XLSX workbook"),
    ],
)
def test_a_rejected_upload_on_the_supplier_page_returns_400_with_the_message_and_stores_nothing(
    client, buyer, name, content, said
):
    # given
    contract = running(buyer)
    cc2 = first(contract, "CC2")
    before = counts()

    # when
    page = client.post(
        supplier_url(contract), {"obligation": str(cc2.pk), "action": "submit", "file": upload(name, content)}
    )

    # then: the message beside the file box of that obligation, and nowhere else
    assert page.status_code == 400
    html = document(page)
    [box] = controls(html.by_id(f"obligation-{cc2.pk}"), "file")
    assert box.get("aria-invalid") == "true"
    assert any(said in e.text for e in described_by(html, box))
    assert [e for e in html.iter() if "errors" in e.classes] == [html.by_id(f"ob{cc2.pk}_file_error")]
    assert counts() == before
    assert stored_files() == []


def test_a_bad_row_in_a_site_list_is_shown_on_the_supplier_page_once_read_and_nothing_is_stored(
    client, buyer
):
    # given
    contract = running(buyer)
    cc2 = first(contract, "CC2")
    before = counts()
    content = b"name,address,country\nLost Plant,Nowhere,Atlantis\n"

    # when: accepted at once (the file is a real CSV), refused when the task worker reads its rows
    page = client.post(
        supplier_url(contract),
        {"obligation": str(cc2.pk), "action": "submit", "file": upload("sites.csv", content)},
    )
    run_queued_tasks()
    shown = client.get(supplier_url(contract))

    # then
    assert page.status_code == 302
    html = document(shown)
    section = html.by_id(f"obligation-{cc2.pk}")
    [alert] = [e for e in section.find_all("div") if e.attrs == {"class": "errors", "role": "alert"}]
    assert "row 2, column country: 'Atlantis' is not a known country" in alert.text
    assert "Retry" in [b.text for b in section.find_all("button")]
    assert with_class(html, "errors") == [alert]
    assert counts() == before
    assert stored_files() == []


def test_a_file_over_the_limit_on_the_supplier_page_returns_400_and_stores_nothing(client, buyer, settings):
    # given
    settings.HRDD_MAX_UPLOAD_BYTES = 50
    contract = running(buyer)
    before = counts()

    # when
    page = client.post(
        supplier_url(contract),
        {
            "obligation": str(first(contract, "CC2").pk),
            "action": "submit",
            "file": upload("sites.csv", SITES_CSV.encode()),
        },
    )

    # then
    assert page.status_code == 400
    assert "sites.csv is larger than 50 bytes" in page.content.decode()
    assert counts() == before
    assert stored_files() == []


def test_a_supplier_link_cannot_submit_for_another_contract(client, buyer, outsider):
    # given
    ours = running(buyer)
    theirs = running(outsider, title="Their notebooks")
    before = counts()

    # when
    page = client.post(
        supplier_url(ours),
        {
            "obligation": str(first(theirs, "CC2").pk),
            "action": "submit",
            "file": upload("sites.csv", SITES_CSV.encode()),
        },
    )

    # then
    assert page.status_code == 404
    assert counts() == before


@pytest.mark.parametrize("value", ["abc", "1.5"])
def test_a_tampered_obligation_field_on_the_supplier_page_is_refused_not_a_server_error(client, buyer, value):
    # given
    contract = running(buyer)
    client.raise_request_exception = False
    before = counts()

    # when
    page = client.post(
        supplier_url(contract),
        {"obligation": value, "action": "submit", "file": upload("sites.csv", SITES_CSV.encode())},
    )

    # then
    assert page.status_code in (400, 404), page.status_code
    assert counts() == before


# requests for more information


def test_the_buyers_request_appears_on_the_supplier_page_and_the_answer_is_recorded(
    client, logged_in, buyer, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    contract = running(buyer)
    cc3 = first(contract, "CC3")
    due_on = TODAY + dt.timedelta(days=14)

    # when: the contract manager asks
    with django_capture_on_commit_callbacks(execute=True):
        asked = logged_in.post(
            reverse("contracts:request", args=[contract.public_id, cc3.pk]),
            {"question": "Which sites did the audits cover?", "due_on": due_on.isoformat()},
            follow=True,
        )

    # then
    assert asked.redirect_chain[-1][0] == contract.get_absolute_url()
    assert messages_of(asked) == ["Request sent to reports@lumen.example."]
    request = InformationRequest.objects.get()
    assert (request.obligation, request.asked_on, request.due_on) == (cc3, TODAY, due_on)
    assert len(mailoutbox) == 1
    assert contract.get_supplier_url() in mailoutbox[0].body
    assert f"open, due {due_on:%Y-%m-%d}" in text_of(asked)
    assert "Responsiveness: 0/1 answered" in text_of(asked)

    # when: the supplier sees it and answers
    logged_in.logout()
    shown = client.get(supplier_url(contract))
    assert "Which sites did the audits cover?" in text_of(shown)
    assert f"answer by {due_on:%Y-%m-%d}" in text_of(shown)
    answered = client.post(
        supplier_url(contract),
        {
            "obligation": str(cc3.pk),
            "action": "answer",
            "request": str(request.pk),
            "answer": "Kunshan and Penang.",
        },
        follow=True,
    )

    # then
    assert messages_of(answered) == ["Answer sent."]
    request.refresh_from_db()
    assert request.answer == "Kunshan and Penang."
    assert request.answered_on == TODAY
    assert f"Your answer ({TODAY:%Y-%m-%d}): Kunshan and Penang." in text_of(answered)
    assert AuditEvent.objects.filter(action="information_request.answer").count() == 1

    # and the buyer sees the answer
    client.force_login(buyer)
    page = client.get(detail_url(contract))
    assert f"answered {TODAY:%Y-%m-%d}: Kunshan and Penang." in text_of(page)
    assert "Responsiveness: 1/1 answered" in text_of(page)


def test_an_empty_answer_on_the_supplier_page_returns_400(client, buyer):
    # given
    contract = running(buyer)
    cc3 = first(contract, "CC3")
    request = information_request_create(
        actor=buyer, obligation=cc3, question="Which sites?", due_on=TODAY + dt.timedelta(days=7)
    )

    # when
    page = client.post(
        supplier_url(contract),
        {"obligation": str(cc3.pk), "action": "answer", "request": str(request.pk), "answer": " "},
    )

    # then
    assert page.status_code == 400
    assert "an answer is required" in page.content.decode()
    request.refresh_from_db()
    assert request.answered_on is None


def test_a_request_without_a_question_is_refused_with_a_message(logged_in, buyer):
    # given
    contract = running(buyer)
    cc3 = first(contract, "CC3")

    # when
    page = logged_in.post(
        reverse("contracts:request", args=[contract.public_id, cc3.pk]),
        {"question": "", "due_on": (TODAY + dt.timedelta(days=7)).isoformat()},
    )

    # then: the contract page again, the message beside that obligation's question box
    assert page.status_code == 400
    [box] = controls(document(page).by_id(f"request-{cc3.pk}"), "question")
    assert [e.text for e in described_by(document(page), box)] == ["a question is required"]
    assert InformationRequest.objects.count() == 0


def test_an_outsider_cannot_ask_about_another_organisations_contract(client, buyer, outsider):
    # given
    contract = running(buyer)
    client.force_login(outsider)

    # when
    page = client.post(
        reverse("contracts:request", args=[contract.public_id, first(contract, "CC3").pk]),
        {"question": "Why?", "due_on": (TODAY + dt.timedelta(days=7)).isoformat()},
    )

    # then
    assert page.status_code == 404
    assert InformationRequest.objects.count() == 0
