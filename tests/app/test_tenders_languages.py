"""The tender documents in the tender's language (issue 16): a tender has the language of its documents (by default
its creator's); its annex and award report are written in it whatever language the buyer reads hrdd in, or in
another one asked with ?language=, and say which one they are in; the pages say stored reasons in the reader's
language; the API reads and changes the language."""

import copy
import io
import json

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from docx import Document
from openpyxl import Workbook

from hrdd.audit.models import AuditEvent
from hrdd.core.texts import localize
from hrdd.domain.framework_texts import translate
from hrdd.domain.tender import Evaluation, evaluate_bids, get_tender_framework
from hrdd.domain.text_data import text_from_data
from hrdd.domain.texts import Text
from hrdd.tenders import bids as bid_entry
from hrdd.tenders.documents import sentence
from hrdd.tenders.models import BidEvaluation, Tender
from hrdd.tenders.services import bid_evaluation_create, tender_create
from tests.factories import UserFactory

SHORT_OF_COMPONENTS = {
    "bidder": "Lumen Computers",
    "price": 412000,
    "label": "TCO Certified generation 10",
    "risk_assessment": {
        "components": [],
        "raw_materials": ["cobalt", "tin"],
        "sourcing_countries": ["COD"],
        "risks": [{"description": "a"}, {"description": "b"}, {"description": "c"}],
    },
    "product_sites": {"sites": [{"name": "Plant", "address": "1 Road", "country": "CHN"}]},
    "actions": [{"action": "Audit", "justification": "Child labour"}],
}


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def dutch_tender(buyer):
    return tender_create(actor=buyer, title="Notebooks 2027", scenario=2, language="nl")


def detail(tender, **query):
    url = reverse("tenders:detail", args=[tender.public_id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def said(language: str, english: str) -> str:
    with translation.override(language):
        return gettext(english)


def headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


# --- the annex -------------------------------------------------------------------------------------------------


def test_a_dutch_tenders_annex_is_dutch_while_the_buyer_reads_english(logged_in, dutch_tender):
    # given: the buyer's page is in English
    page = logged_in.get(detail(dutch_tender))
    assert page.status_code == 200 and "Award criteria" in page.content.decode()

    # when
    download = logged_in.get(detail(dutch_tender, format="docx"))

    # then: a Dutch annex, named as the tender's own, that says its language
    assert download.status_code == 200
    assert download["Content-Language"] == "nl"
    assert download["Content-Disposition"] == 'attachment; filename="notebooks-2027-human-rights-annex.docx"'
    document = Document(io.BytesIO(download.content))
    assert document.core_properties.language == "nl"
    assert document.paragraphs[0].text == "Bijlage 1: " + said("nl", "Human-rights requirements")
    assert said("nl", "Award criteria") == "Gunningscriteria"
    assert "Gunningscriteria" in headings(document, 2)
    level3 = headings(document, 3)
    action_plan = translate("Action plan", "nl")
    assert action_plan != "Action plan"
    assert any(h.startswith(f"AC4 {action_plan}") for h in level3)
    assert not any("Action plan" in h for h in level3)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "How the bids are scored" not in text and said("nl", "How the bids are scored") in text


def test_another_language_is_asked_with_the_language_parameter(logged_in, dutch_tender):
    # when
    download = logged_in.get(detail(dutch_tender, format="docx", language="fr"))

    # then: French, and its file name says so
    assert download.status_code == 200
    assert download["Content-Language"] == "fr"
    assert (
        download["Content-Disposition"] == 'attachment; filename="notebooks-2027-human-rights-annex-fr.docx"'
    )
    document = Document(io.BytesIO(download.content))
    assert document.core_properties.language == "fr"
    assert document.paragraphs[0].text == "Annexe 1: " + said("fr", "Human-rights requirements")
    assert said("fr", "Award criteria") in headings(document, 2)
    assert any(h.startswith("AC4 " + translate("Action plan", "fr")) for h in headings(document, 3))


def test_an_unknown_language_is_refused_naming_the_parameter(logged_in, dutch_tender):
    # when
    page = logged_in.get(detail(dutch_tender, format="docx", language="xx"))

    # then: the page again, with what is wrong, and no download
    assert page.status_code == 400
    assert "Content-Disposition" not in page
    html = page.content.decode()
    assert "Unknown language &#x27;xx&#x27; for the parameter “language”" in html


@pytest.mark.parametrize("language", ["nl", "de"])
def test_the_html_annex_says_its_language(logged_in, buyer, language):
    # given
    tender = tender_create(actor=buyer, title="Notebooks", scenario=3, language=language)

    # when
    download = logged_in.get(detail(tender, format="html"))

    # then
    html = download.content.decode()
    assert f'<html lang="{language}">' in html
    assert said(language, "Contract clauses (performance conditions)") in html
    assert translate("Due-diligence processes", language) in html


def test_the_ocds_release_says_the_language_of_its_texts(logged_in, dutch_tender):
    # when
    download = logged_in.get(detail(dutch_tender, format="ocds"))

    # then
    [release] = json.loads(download.content)["releases"]
    assert release["language"] == "nl"
    names = [c["name"] for c in release["tender"]["lots"][0]["awardCriteria"]["criteria"]]
    assert f"AC4 {translate('Action plan', 'nl')}" in names


def test_the_json_annex_is_in_the_tenders_language_and_the_api_annex_in_english(logged_in, dutch_tender):
    # when
    download = json.loads(logged_in.get(detail(dutch_tender, format="json")).content)
    api = logged_in.post("/api/v1/tenders/annex", {"scenario": 2}, content_type="application/json").json()

    # then: the same shape, the texts in Dutch for the download
    assert [i["id"] for i in download["items"]] == [i["id"] for i in api["items"]]
    ac4 = next(i for i in download["items"] if i["id"] == "AC4")
    assert ac4["title"] == translate("Action plan", "nl")
    assert next(i for i in api["items"] if i["id"] == "AC4")["title"] == "Action plan"


def test_the_english_annex_of_an_english_tender_is_unchanged(logged_in, buyer):
    # given
    tender = tender_create(actor=buyer, title="Notebooks", scenario=2, language="en")

    # when
    download = logged_in.get(detail(tender, format="md"))

    # then
    text = download.content.decode()
    assert download["Content-Language"] == "en"
    assert "## Award criteria" in text and "### AC4 Action plan" in text


# --- the tender's language -------------------------------------------------------------------------------------


def test_a_tender_is_in_its_creators_language(municipality):
    # given: a buyer who reads hrdd in German
    german = UserFactory(organisation=municipality, language="de")

    # when
    tender = tender_create(actor=german, title="Notebooks", scenario=1)

    # then
    assert tender.language == "de"


def test_without_a_language_on_the_account_the_tender_takes_the_one_the_buyer_reads_now(buyer):
    # given
    assert buyer.language == ""

    # when
    with translation.override("fr"):
        tender = tender_create(actor=buyer, title="Notebooks", scenario=1)

    # then
    assert tender.language == "fr"


def test_the_new_tender_form_sets_the_language(logged_in):
    # when
    page = logged_in.post(
        reverse("tenders:list"),
        {"title": "Notebooks", "scenario": "2", "require_label": "on", "language": "nl"},
    )

    # then
    assert page.status_code == 302
    assert Tender.objects.get().language == "nl"


def test_the_parameters_form_changes_the_language_and_audits_it(logged_in, dutch_tender):
    # when
    page = logged_in.post(detail(dutch_tender), {"months": "3", "language": "fr"})

    # then
    assert page.status_code == 302
    dutch_tender.refresh_from_db()
    assert dutch_tender.language == "fr"
    event = AuditEvent.objects.filter(action="tender.update").latest("id")
    assert (event.before["language"], event.after["language"]) == ("nl", "fr")


def test_an_unknown_language_is_refused_by_the_service(buyer):
    from hrdd.domain.tender import TenderInputError

    with pytest.raises(TenderInputError) as refused:
        tender_create(actor=buyer, title="Notebooks", scenario=1, language="klingon")
    assert refused.value.field == "language"
    assert not Tender.objects.exists()


# --- the API ---------------------------------------------------------------------------------------------------


def test_the_api_gives_the_tenders_language(logged_in, dutch_tender):
    # when
    answer = logged_in.get(f"/api/v1/tenders/{dutch_tender.public_id}")

    # then
    assert answer.status_code == 200
    body = answer.json()
    assert body["language"] == "nl"
    assert (body["id"], body["scenario"]) == (str(dutch_tender.public_id), 2)


def test_the_api_changes_the_language(logged_in, dutch_tender):
    # when
    answer = logged_in.patch(
        f"/api/v1/tenders/{dutch_tender.public_id}", {"language": "de"}, content_type="application/json"
    )

    # then
    assert answer.status_code == 200 and answer.json()["language"] == "de"
    dutch_tender.refresh_from_db()
    assert dutch_tender.language == "de"
    assert AuditEvent.objects.filter(action="tender.update", after={"language": "de"}).exists()


def test_the_api_refuses_an_unknown_language_naming_the_field(logged_in, dutch_tender):
    # when
    answer = logged_in.patch(
        f"/api/v1/tenders/{dutch_tender.public_id}", {"language": "xx"}, content_type="application/json"
    )

    # then
    assert answer.status_code == 422
    assert "language" in json.dumps(answer.json())
    dutch_tender.refresh_from_db()
    assert dutch_tender.language == "nl"


def test_a_viewer_cannot_change_the_language(client, viewer, dutch_tender):
    # given
    client.force_login(viewer)

    # when
    answer = client.patch(
        f"/api/v1/tenders/{dutch_tender.public_id}", {"language": "de"}, content_type="application/json"
    )

    # then
    assert answer.status_code == 403
    dutch_tender.refresh_from_db()
    assert dutch_tender.language == "nl"


def test_the_api_ocds_of_a_tender_is_in_its_language_or_the_one_asked(logged_in, dutch_tender):
    # when
    own = logged_in.get(f"/api/v1/tenders/{dutch_tender.public_id}/ocds")
    asked = logged_in.get(f"/api/v1/tenders/{dutch_tender.public_id}/ocds?language=de")
    unknown = logged_in.get(f"/api/v1/tenders/{dutch_tender.public_id}/ocds?language=xx")

    # then
    assert own.json()["releases"][0]["language"] == "nl"
    assert asked.json()["releases"][0]["language"] == "de"
    assert unknown.status_code == 422 and "language" in json.dumps(unknown.json())


# --- the evaluation --------------------------------------------------------------------------------------------


def _evaluated(buyer, tender):
    request = json.loads(json.dumps(bid_entry.JSON_EXAMPLES[2]))
    request["bids"].append(SHORT_OF_COMPONENTS | {"bidder": "Short Ltd", "price": 450000})
    stored, _evaluation = bid_evaluation_create(actor=buyer, tender=tender, bids=request["bids"])
    return stored


def test_a_stored_evaluation_keeps_the_templates_of_its_reasons(buyer, dutch_tender):
    # when
    stored = _evaluated(buyer, dutch_tender)

    # then: the result is the English JSON as before; the templates are kept beside it
    again = Evaluation.from_dict(stored.result, BidEvaluation.objects.get(pk=stored.pk).texts)
    assert again.as_dict() == stored.result
    short = next(b for b in again.bids if b.bidder == "Short Ltd")
    reason = short.fraction_reasons["SC1"]
    assert isinstance(reason, Text)
    assert reason.template == "%(found)s; missing: %(missing)s"
    assert all(isinstance(r, Text) for b in again.bids for r in b.reasons)


def test_a_template_that_no_longer_gives_the_stored_english_is_not_used():
    # given
    data = {"template": "%(count)s action(s)", "params": {"count": 2}}

    # when / then
    assert text_from_data("2 action(s)", data) == "2 action(s)"
    assert isinstance(text_from_data("2 action(s)", data), Text)
    assert not isinstance(text_from_data("two actions", data), Text)


def test_the_evaluation_page_says_the_reasons_in_the_readers_language(client, buyer, dutch_tender):
    # given: a buyer who reads hrdd in French
    stored = _evaluated(buyer, dutch_tender)
    buyer.language = "fr"
    buyer.save(update_fields=["language"])
    client.force_login(buyer)

    # when
    page = client.get(
        reverse("tenders:evaluation", args=[dutch_tender.public_id, stored.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    )

    # then: the shortfall is said in French (its sentence is translated), not in English
    html = page.content.decode()
    assert page.status_code == 200
    assert ": 0 alors qu’au moins 1 sont demandés" in html
    assert "where at least 1 are asked" not in html


def test_the_award_report_is_in_the_tenders_language(logged_in, buyer, dutch_tender):
    # given
    stored = _evaluated(buyer, dutch_tender)
    url = reverse("tenders:evaluation", args=[dutch_tender.public_id, stored.pk])

    # when
    dutch = logged_in.get(url + "?format=docx")
    german = logged_in.get(url + "?format=docx&language=de")
    unknown = logged_in.get(url + "?format=docx&language=xx")

    # then
    assert dutch["Content-Language"] == "nl"
    assert dutch["Content-Disposition"] == 'attachment; filename="notebooks-2027-evaluation.docx"'
    report = Document(io.BytesIO(dutch.content))
    assert said("nl", "Proposed award") in headings(report, 2)
    cells = [cell.text for table in report.tables for row in table.rows for cell in row.cells]
    assert any("terwijl er minstens 1 worden gevraagd" in c for c in cells)
    assert german["Content-Disposition"] == 'attachment; filename="notebooks-2027-evaluation-de.docx"'
    assert said("de", "Proposed award") in headings(Document(io.BytesIO(german.content)), 2)
    assert unknown.status_code == 400 and "Content-Disposition" not in unknown


def test_a_reason_as_a_sentence_reads_the_same_in_english_from_its_template_or_its_text():
    # given: every reason and note of the examples, and of bids short of something
    framework = get_tender_framework()
    texts = []
    for number, example in bid_entry.JSON_EXAMPLES.items():
        request = copy.deepcopy(example)
        request["bids"].append(SHORT_OF_COMPONENTS | {"bidder": "Short", "price": 100})
        if number == 3:
            request["bids"][1]["component_sites"] = {"plan": {"timeline": "soon"}}
        request["weights"] = {"price": 60}
        evaluation = evaluate_bids(request, framework)
        texts += list(evaluation.notes)
        for b in evaluation.bids:
            texts += [*b.reasons, *b.fraction_reasons.values()]

    # then
    assert len(texts) > 30 and all(isinstance(t, Text) for t in texts)
    with translation.override("en"):
        for text in texts:
            assert sentence(text) == sentence(str(text))
            assert localize(text) == str(text)


# --- the bid template ------------------------------------------------------------------------------------------


def test_a_bid_template_filled_in_another_language_imports(buyer, dutch_tender):
    # given: a colleague reading hrdd in Dutch filled in the template with its Dutch column names
    with translation.override("nl"):
        labels = [e.label for e in bid_entry._template_entries(bid_entry.bid_parts(dutch_tender))]
    assert "Bidder" not in labels
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([str(labels[0]), str(labels[1])])
    sheet.append(["Lumen Computers", 412000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("bids.xlsx", buffer.getvalue())

    # when: imported by a buyer reading English
    with translation.override("en"):
        drafts = bid_entry.bid_template_import(actor=buyer, tender=dutch_tender, upload=upload)

    # then
    assert [(d.bidder, d.price) for d in drafts] == [("Lumen Computers", 412000.0)]
