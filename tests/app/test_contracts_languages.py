"""Contract management in the reader's language (issue 16): the contract page, the dashboard and the calendar
feeds say the clauses' titles and the stored verdicts' labels and reasons in the language the page is read in,
numbers in its format; the English pages are as before; a verdict stored before its texts were reads in English."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from hrdd.contracts.models import Obligation
from hrdd.contracts.selectors import stored_verdict
from hrdd.contracts.services import calendar_feed_renew, contract_create, submission_create
from hrdd.contracts.verdicts import obligation_verdicts_refresh, verdicts_stale
from hrdd.core.texts import localize
from hrdd.domain.contracts import add_months
from hrdd.domain.framework_texts import translate
from hrdd.risks import selectors as risk_selectors
from tests.html import document

TODAY = dt.date.today()
CC2_TITLE = "Reporting on supply-chain transparency"
SITES = (
    b"name,address,country,site_type,products\n"
    b"Site 1,1 Factory Road,CHN,final assembly,notebooks\n"
    b"Site 2,,CHN,final assembly,notebooks\n"
    b"Site 3,3 Factory Road,CHN,final assembly,notebooks\n"
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_knowledge_cache():
    """knowledge_current() caches by edition ids, which SQLite hands out again after a test's rollback."""
    risk_selectors._CACHE.clear()
    yield
    risk_selectors._CACHE.clear()


@pytest.fixture
def contract(buyer):
    """A scenario 2 contract in its second year whose first site list (CC2) leaves one of three addresses out."""
    start = add_months(TODAY + dt.timedelta(days=30), -24)
    contract = contract_create(
        actor=buyer,
        title="Notebooks",
        supplier_name="Lumen Computers",
        supplier_email="reports@lumen.example",
        award_date=start,
        start_date=start,
        end_date=add_months(start, 24),
        scenario=2,
    )
    submission_create(
        obligation=cc2(contract),
        data={"explanation": ""},
        upload=SimpleUploadedFile("sites.csv", SITES, content_type="text/csv"),
    )
    return contract


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


def cc2(contract) -> Obligation:
    return contract.obligations.filter(clause="CC2").order_by("due_date").first()


def obligation_card(client, contract, language):
    page = client.get(contract.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    return document(page).by_id(f"obligation-{cc2(contract).pk}")


def completeness_badge(card):
    [badge] = [span for span in card.find_all("span", cls="kpi") if "66" in span.text]
    return badge


def test_the_german_contract_page_says_the_clause_and_the_kpi_with_german_numbers(logged_in, contract):
    # given: the framework's German title of the clause
    german_title = translate(CC2_TITLE, "de")
    assert german_title != CC2_TITLE

    # when
    card = obligation_card(logged_in, contract, "de")

    # then
    assert german_title in card.find("h2").text
    badge = completeness_badge(card)
    assert "66,7" in badge.text and "66.7" not in badge.text
    with translation.override("de"):
        completeness = next(k for k in stored_verdict(cc2(contract)).kpis if k.kpi == "completeness")
        said = [str(localize(reason)) for reason in completeness.reasons]
    assert badge.get("title") == "; ".join(said)
    why = " ".join(details.text for details in card.find_all("details"))
    assert all(reason in why for reason in said)


def test_the_english_contract_page_is_as_before(logged_in, contract):
    # when
    card = obligation_card(logged_in, contract, "en")

    # then
    start = contract.start_date.isoformat()
    assert f"CC2 {CC2_TITLE} — due" in card.find("h2").text
    assert card.find_all("p", cls="hint")[0].text == f"anniversary 1 of the start on {start}"
    badge = completeness_badge(card)
    assert badge.text == "Completeness: 66.7% complete, not explained"
    assert badge.get("title") == (
        "2 of 3 sites have a name, an address and a country; incomplete rows: 2; "
        "no explanation for the incomplete list (required by CC2)"
    )


def test_a_verdict_stored_before_its_texts_reads_in_english_until_it_is_rated_again(logged_in, contract):
    # given: the stored verdict as an older hrdd kept it, its English only
    obligation = cc2(contract)
    english_only = [
        {k: v for k, v in kpi.items() if k not in ("label_text", "reasons_texts", "checklist_texts")}
        for kpi in obligation.kpis
    ]
    Obligation.objects.filter(pk=obligation.pk).update(kpis=english_only)

    # when
    before = completeness_badge(obligation_card(logged_in, contract, "de")).text
    stale, _checked = verdicts_stale()
    obligation_verdicts_refresh(obligations=[s.obligation for s in stale])
    after = completeness_badge(obligation_card(logged_in, contract, "de")).text

    # then: the reader sees the reason in English, never nothing; `hrdd verify` names it, and its refresh says it
    assert "66.7% complete, not explained" in before
    assert obligation.pk in {s.obligation.pk for s in stale}
    assert "66,7" in after


def test_the_german_dashboard_names_the_clause_in_german(logged_in, contract):
    # when
    page = logged_in.get(reverse("contracts:dashboard"), HTTP_ACCEPT_LANGUAGE="de")

    # then
    rows = document(page).by_id("obligations").text
    assert translate(CC2_TITLE, "de") in rows
    assert "66,7" in rows


def events(body: bytes) -> list:
    return [e for e in Calendar.from_ical(body).walk("VEVENT")]


def test_a_calendar_feed_is_written_in_the_readers_language_each_its_own_version(logged_in, contract):
    # when
    english = logged_in.get(reverse("contracts:calendar"), HTTP_ACCEPT_LANGUAGE="en")
    german = logged_in.get(reverse("contracts:calendar"), HTTP_ACCEPT_LANGUAGE="de")

    # then
    assert english["ETag"] != german["ETag"]
    assert german["Content-Language"] == "de"
    english_summaries = {str(e["SUMMARY"]) for e in events(english.content)}
    german_summaries = {str(e["SUMMARY"]) for e in events(german.content)}
    assert f"CC2 {CC2_TITLE} — Lumen Computers" in english_summaries
    assert f"CC2 {translate(CC2_TITLE, 'de')} — Lumen Computers" in german_summaries


def test_a_secret_calendar_address_is_written_in_its_accounts_language(client, buyer, contract):
    # given: the buyer reads hrdd in Dutch
    buyer.language = "nl"
    buyer.save(update_fields=["language"])
    feed = calendar_feed_renew(actor=buyer)

    # when: a calendar program that names no language subscribes
    answer = client.get(feed.get_absolute_url())

    # then
    assert answer["Content-Language"] == "nl"
    summaries = {str(e["SUMMARY"]) for e in events(answer.content)}
    assert f"CC2 {translate(CC2_TITLE, 'nl')} — Lumen Computers" in summaries
