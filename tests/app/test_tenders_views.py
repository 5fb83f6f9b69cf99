"""The tender pages: the scenario pre-selected from the market consultation, the tender with its parameters
and downloads, the bids uploaded and evaluated with the reason behind every fraction; behind a login and the
organisation's walls, every write audited and bad input storing nothing."""

import copy
import io
import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from hrdd.audit.models import AuditEvent
from hrdd.consultations.selectors import consultation_results
from hrdd.consultations.services import invitation_create, invitation_submit
from hrdd.domain.risk import Adjustments
from hrdd.risks import selectors as risk_selectors
from hrdd.risks.services import risk_assessment_save
from hrdd.tenders.models import BidEvaluation, Tender
from hrdd.tenders.services import bid_evaluation_create, tender_create
from tests.factories import ConsultationFactory, OrganisationFactory, response
from tests.html import controls, document, error_texts, value_of

REPO = Path(__file__).resolve().parents[2]
DEMO_BIDS = REPO / "hrdd" / "demo_data" / "bids-scenario-2.json"
LIST = reverse("tenders:list")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCENARIOS = {
    1: ["LABEL", "AC1", "AC2", "CC1"],
    2: ["LABEL", "SC1", "AC3", "AC4", "CC2", "CC3"],
    3: ["LABEL", "SC1", "SC2", "AC6", "AC7", "CC2", "CC3", "CC4"],
}
HIGH = {
    "transparency": ["end_to_end"],
    "risk_understanding": "good",
    "policies": ["due_diligence_strategy"],
    "actions": ["code_compliance", "complaints_procedure", "stakeholder_consultation"],
}


@pytest.fixture(autouse=True)
def _fresh_knowledge_cache():
    """knowledge_current() caches by edition ids; SQLite reuses ids after a test's rollback, so start clean."""
    risk_selectors._CACHE.clear()
    yield
    risk_selectors._CACHE.clear()


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


def respond(buyer, consultation, **answers):
    """Three suppliers submit the same answers (the factories' medium manufacturer, with overrides)."""
    for n in range(3):
        invitation = invitation_create(
            actor=buyer, consultation=consultation, email=f"s{n}@supplier{n}.example", send=False
        )
        invitation_submit(invitation=invitation, raw=response(company=f"Supplier {n}", **answers))


@pytest.fixture
def recommends_3(buyer, consultation):
    respond(buyer, consultation, **HIGH)
    assert consultation_results(consultation=consultation).market.recommended_scenario == 3
    return consultation


@pytest.fixture
def recommends_2(buyer, consultation):
    respond(buyer, consultation)
    assert consultation_results(consultation=consultation).market.recommended_scenario == 2
    return consultation


@pytest.fixture
def tender(buyer):
    return tender_create(actor=buyer, title="Notebooks 2027", scenario=2)


def detail_url(tender, **query):
    url = reverse("tenders:detail", args=[tender.public_id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def evaluate_url(tender):
    return reverse("tenders:evaluate", args=[tender.public_id])


def evaluation_url(stored, **query):
    url = reverse("tenders:evaluation", args=[stored.tender.public_id, stored.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def checked_scenarios(page):
    radios = controls(document(page).by_id("new-tender"), "scenario")
    assert [r.get("value") for r in radios] == ["1", "2", "3"]
    return [int(r.get("value")) for r in radios if value_of(r) is not None]


def messages_of(page):
    return [str(m) for m in page.context["messages"]]


def field_errors(page, form, field):
    """The errors shown beside a field of the page's form (form: the context name)."""
    return [str(e) for e in page.context[form].errors.get(field, [])]


def text_of(page):
    return " ".join(page.content.decode().split())


def upload(content, name="bids.json"):
    return SimpleUploadedFile(name, content, content_type="application/json")


def demo_bytes():
    return DEMO_BIDS.read_bytes()


def counts():
    return Tender.objects.count(), BidEvaluation.objects.count(), AuditEvent.objects.count()


def create_form(**overrides):
    return {"title": "Notebooks 2027", "scenario": "2", "months": "3", "require_label": "on", **overrides}


# login


def test_the_list_needs_a_login(client, db):
    # when
    page = client.get(LIST)

    # then
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))


def test_creating_needs_a_login_and_stores_nothing(client, db):
    # when
    page = client.post(LIST, create_form())

    # then
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))
    assert Tender.objects.count() == 0


@pytest.mark.parametrize("query", [{}, {"format": "docx"}, {"format": "ocds"}])
def test_the_tender_page_and_its_downloads_need_a_login(client, tender, query):
    # when
    page = client.get(detail_url(tender, **query))

    # then
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))


def test_the_evaluation_needs_a_login(client, buyer, tender):
    # given
    stored, _evaluation = bid_evaluation_create(actor=buyer, tender=tender, bids=json.loads(demo_bytes()))

    # when
    page = client.get(evaluation_url(stored))
    upload_page = client.post(evaluate_url(tender), {"bids": upload(demo_bytes())})

    # then
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))
    assert upload_page.status_code == 302
    assert upload_page["Location"].startswith(reverse("login"))
    assert BidEvaluation.objects.count() == 1


# the list


def test_the_list_shows_the_organisations_tenders_and_the_three_scenarios(logged_in, buyer, outsider):
    # given
    tender_create(actor=buyer, title="Our notebooks", scenario=3)
    tender_create(actor=outsider, title="Their notebooks", scenario=1)

    # when
    page = logged_in.get(LIST)

    # then
    assert page.status_code == 200
    assert [t.title for t in page.context["page"]] == ["Our notebooks"]
    text = text_of(page)
    assert "Our notebooks" in text
    assert "Their notebooks" not in text
    for title in ("Scenario 1: low market maturity", "Scenario 2: medium", "Scenario 3: high"):
        assert title in text
    assert checked_scenarios(page) == [1]  # no consultation: the first is checked
    assert page.context["recommended"] is None


def test_the_navigation_leads_to_the_tenders(logged_in):
    # when
    page = logged_in.get(reverse("consultations:list"))

    # then
    assert f'href="{LIST}"' in page.content.decode()


def test_a_consultation_recommending_scenario_3_pre_selects_it(logged_in, recommends_3):
    # when
    page = logged_in.get(LIST, {"consultation": str(recommends_3.public_id)})

    # then
    assert page.status_code == 200
    assert page.context["recommended"] == 3
    assert checked_scenarios(page) == [3]
    html = page.content.decode()
    assert "The market consultation recommends scenario 3; it is pre-selected." in html
    assert f'<option value="{recommends_3.public_id}" selected>' in html
    assert 'value="Notebooks 2027"' in html  # the title is the consultation's


def test_a_consultation_recommending_scenario_2_pre_selects_it(logged_in, recommends_2):
    # when
    page = logged_in.get(LIST, {"consultation": str(recommends_2.public_id)})

    # then
    assert page.context["recommended"] == 2
    assert checked_scenarios(page) == [2]


def test_a_consultation_without_responses_pre_selects_nothing_special(logged_in, consultation):
    # when
    page = logged_in.get(LIST, {"consultation": str(consultation.public_id)})

    # then
    assert page.status_code == 200
    assert page.context["recommended"] is None
    assert checked_scenarios(page) == [1]


def test_the_consultation_dashboard_links_to_the_pre_selected_tender(logged_in, recommends_3):
    # when
    page = logged_in.get(reverse("consultations:detail", args=[recommends_3.public_id]))

    # then
    html = page.content.decode()
    assert f'href="{LIST}?consultation={recommends_3.public_id}"' in html
    assert "Next: build the tender annex (scenario 3 pre-selected)" in html


def test_a_consultation_that_is_not_a_uuid_gives_404(logged_in):
    # when
    page = logged_in.get(LIST, {"consultation": "not-a-uuid"})

    # then
    assert page.status_code == 404


def test_the_consultations_risk_assessment_is_pre_selected(logged_in, buyer, consultation):
    # given
    saved = risk_assessment_save(
        actor=buyer,
        title="Notebooks 2027: risks",
        product="notebook",
        adjustments=Adjustments(),
        consultation=consultation,
    )

    # when
    page = logged_in.get(LIST, {"consultation": str(consultation.public_id)})

    # then
    assert page.context["default_risks"] == saved
    assert f'<option value="{saved.public_id}" selected>' in page.content.decode()


def test_another_organisations_consultation_gives_404(logged_in, db):
    # given
    theirs = ConsultationFactory(organisation=OrganisationFactory(name="Elsewhere"))

    # when
    page = logged_in.get(LIST, {"consultation": str(theirs.public_id)})

    # then
    assert page.status_code == 404


# creating a tender


def test_creating_a_tender_redirects_to_its_page(logged_in, buyer, recommends_3):
    # when
    page = logged_in.post(
        LIST, create_form(scenario="3", months="6", consultation=str(recommends_3.public_id))
    )

    # then
    tender = Tender.objects.get()
    assert page.status_code == 302
    assert page["Location"] == tender.get_absolute_url()
    assert tender.title == "Notebooks 2027"
    assert tender.scenario == 3
    assert tender.months == 6
    assert tender.require_label is True
    assert tender.consultation == recommends_3
    assert tender.created_by == buyer
    assert AuditEvent.objects.filter(action="tender.create", target_id=str(tender.pk)).count() == 1
    followed = logged_in.get(page["Location"])
    assert "Tender created. Adjust the weights, then download the annex." in messages_of(followed)


def test_creating_without_the_label_box_leaves_the_label_out(logged_in):
    # given
    data = create_form()
    del data["require_label"]

    # when
    logged_in.post(LIST, data)

    # then
    assert Tender.objects.get().require_label is False


@pytest.mark.parametrize(
    ("overrides", "field", "said"),
    [
        ({"title": "  "}, "title", "required"),
        ({"scenario": "4"}, "scenario", "unknown scenario 4"),
        ({"scenario": "high"}, "scenario", "'high' is not a whole number"),
        ({"months": "0"}, "months", ""),
        ({"months": "three"}, "months", "'three' is not a whole number"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_nothing_is_stored(logged_in, overrides, field, said):
    # when
    page = logged_in.post(LIST, create_form(**overrides))

    # then
    assert page.status_code == 400
    errors = field_errors(page, "form", field)
    assert errors and any(said in e for e in errors), errors
    assert counts() == (0, 0, 0)


def test_a_viewer_cannot_create_a_tender(client, viewer):
    # given
    client.force_login(viewer)

    # when
    form = client.get(LIST)
    page = client.post(LIST, create_form())

    # then
    assert 'id="new-tender"' not in form.content.decode()
    assert page.status_code == 400
    assert any("Your role does not allow changes" in e for e in page.context["form"].non_field_errors())
    assert any("Your role does not allow changes" in t for t in error_texts(document(page)))
    assert counts() == (0, 0, 0)


def test_creating_with_another_organisations_consultation_gives_404(logged_in, db):
    # given
    theirs = ConsultationFactory(organisation=OrganisationFactory(name="Elsewhere"))

    # when
    page = logged_in.post(LIST, create_form(consultation=str(theirs.public_id)))

    # then
    assert page.status_code == 404
    assert counts() == (0, 0, 0)


def test_creating_with_another_organisations_risk_assessment_gives_404(logged_in, outsider):
    # given
    theirs = risk_assessment_save(
        actor=outsider, title="Their risks", product="notebook", adjustments=Adjustments()
    )
    before = counts()

    # when
    page = logged_in.post(LIST, create_form(risk_assessment=str(theirs.public_id)))

    # then
    assert page.status_code == 404
    assert counts() == before


def test_creating_with_a_risk_assessment_puts_its_risks_in_the_annex(logged_in, buyer):
    # given
    saved = risk_assessment_save(
        actor=buyer, title="Notebooks: risks", product="notebook", adjustments=Adjustments()
    )

    # when
    page = logged_in.post(LIST, create_form(risk_assessment=str(saved.public_id)), follow=True)

    # then
    tender = Tender.objects.get()
    assert tender.risk_assessment == saved
    assert "Why these requirements: known risks of this product" in page.content.decode()
    assert 1 <= len(page.context["annex"].risk_notes) <= 5


def test_the_risk_assessment_choices_tell_two_of_the_same_title_apart_by_the_day_saved(logged_in, buyer):
    # given two assessments saved under the default title, on different days
    older = risk_assessment_save(
        actor=buyer, title="Notebooks: risks", product="notebook", adjustments=Adjustments()
    )
    newer = risk_assessment_save(
        actor=buyer, title="Notebooks: risks", product="notebook", adjustments=Adjustments()
    )
    type(older).objects.filter(pk=older.pk).update(
        updated_at=older.updated_at.replace(year=2026, month=3, day=2)
    )

    # when
    page = logged_in.get(LIST)

    # then
    select = document(page).find("select", name="risk_assessment")
    options = {o.get("value"): o.text for o in select.find_all("option")}
    assert options[str(older.public_id)] == "Notebooks: risks (saved 2026-03-02)"
    assert options[str(newer.public_id)].startswith("Notebooks: risks (saved ")
    assert options[str(newer.public_id)] != options[str(older.public_id)]


# the tender page


@pytest.mark.parametrize("scenario", [1, 2, 3])
def test_the_tender_page_shows_every_criterion_of_its_scenario(logged_in, buyer, scenario):
    # given
    tender = tender_create(actor=buyer, title="Notebooks 2027", scenario=scenario)

    # when
    page = logged_in.get(detail_url(tender))

    # then
    assert page.status_code == 200
    html = page.content.decode()
    shown = re.findall(r'<section class="criterion" id="criterion-(\w+)">', html)
    assert shown == SCENARIOS[scenario]
    for criterion in {c for ids in SCENARIOS.values() for c in ids} - set(SCENARIOS[scenario]):
        assert f"criterion-{criterion}" not in html
    assert "Legal basis" in html
    for award in (c for c in SCENARIOS[scenario] if c.startswith("AC")):
        assert f'name="weight_{award}"' in html


@pytest.mark.parametrize(
    ("fmt", "content_type", "extension"),
    [
        ("docx", DOCX_TYPE, "docx"),
        ("md", "text/markdown; charset=utf-8", "md"),
        ("html", "text/html; charset=utf-8", "html"),
        ("json", "application/json", "json"),
        ("ocds", "application/json", "ocds.json"),
    ],
)
def test_the_annex_downloads(logged_in, tender, fmt, content_type, extension):
    # when
    page = logged_in.get(detail_url(tender, format=fmt))

    # then
    assert page.status_code == 200
    assert page["Content-Type"] == content_type
    assert page["Content-Disposition"] == (
        f'attachment; filename="notebooks-2027-human-rights-annex.{extension}"'
    )
    body = page.content
    if fmt == "docx":
        document = Document(io.BytesIO(body))
        assert document.paragraphs[0].text == "Annex 1: Human-rights requirements"
        assert document.core_properties.title == "Annex 1 · Notebooks 2027"
        level3 = [p.text.split()[0] for p in document.paragraphs if p.style.name == "Heading 3"]
        assert level3[: len(SCENARIOS[2])] == SCENARIOS[2]  # then the response form's tables
    elif fmt == "json":
        assert [i["id"] for i in json.loads(body)["items"]] == SCENARIOS[2]
    elif fmt == "ocds":
        [release] = json.loads(body)["releases"]
        assert release["ocid"] == f"ocds-hrdd00-{tender.public_id}"
        assert release["buyer"]["name"] == "Municipality of Testville"
        assert release["tender"]["sustainability"][0]["goal"] == "social.humanRightsInSupplyChains"
    else:
        text = body.decode()
        for criterion in SCENARIOS[2]:
            assert criterion in text
        assert "Notebooks 2027" in text


def test_the_downloads_follow_the_saved_parameters(logged_in, buyer):
    # given
    tender = tender_create(actor=buyer, title="Notebooks", scenario=1, months=11, weights={"AC1": 30})

    # when
    data = json.loads(logged_in.get(detail_url(tender, format="json")).content)

    # then
    assert data["months"] == 11
    assert data["weights"] == {"price": 60.0, "AC1": 30.0, "AC2": 20.0}
    cc1 = next(i for i in data["items"] if i["id"] == "CC1")
    assert "no later than 11 months" in cc1["requirement"]


def test_saving_the_parameters(logged_in, buyer, tender):
    # when
    page = logged_in.post(
        detail_url(tender),
        {"months": "5", "weight_price": "50", "weight_AC3": "30", "weight_AC4": "20"},
    )

    # then
    assert page.status_code == 302
    assert page["Location"] == tender.get_absolute_url()
    tender.refresh_from_db()
    assert tender.months == 5
    assert tender.weights == {"price": 50.0, "AC3": 30.0, "AC4": 20.0}
    assert tender.require_label is False  # the box was not ticked
    event = AuditEvent.objects.get(action="tender.update")
    assert event.actor == buyer
    assert event.before["weights"] == {"price": 60.0, "AC3": 20.0, "AC4": 20.0}
    assert event.after["weights"] == {"price": 50.0, "AC3": 30.0, "AC4": 20.0}
    followed = logged_in.get(page["Location"])
    assert "Parameters saved." in messages_of(followed)
    assert "up to 30 points" in text_of(followed)


def test_a_decimal_comma_is_read_as_a_point(logged_in, tender):
    # when
    logged_in.post(detail_url(tender), {"months": "3", "require_label": "on", "weight_AC3": "12,5"})

    # then
    tender.refresh_from_db()
    assert tender.weights["AC3"] == 12.5


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"months": "3", "weight_AC3": "lots"}, "weight_AC3"),
        ({"months": "3", "weight_AC3": "-1"}, "weight_AC3"),
        ({"months": "0"}, "months"),
        ({"months": "soon"}, "months"),
    ],
)
def test_bad_parameters_are_shown_beside_their_field_and_change_nothing(logged_in, tender, data, field):
    # given
    before = counts()

    # when
    page = logged_in.post(detail_url(tender), data)

    # then
    assert page.status_code == 400
    assert field_errors(page, "parameters_form", field)
    tender.refresh_from_db()
    assert tender.months == 3
    assert tender.weights == {"price": 60.0, "AC3": 20.0, "AC4": 20.0}
    assert tender.require_label is True
    assert counts() == before


def test_a_viewer_sees_the_tender_but_cannot_change_it(client, viewer, tender):
    # given
    client.force_login(viewer)

    # when
    page = client.get(detail_url(tender))
    refused = client.post(detail_url(tender), {"months": "9"})

    # then
    assert page.status_code == 200
    assert 'id="parameters"' not in page.content.decode()
    assert refused.status_code == 400
    tender.refresh_from_db()
    assert tender.months == 3


# evaluating the bids


def test_uploading_the_demo_bids_shows_the_evaluation(logged_in, buyer, tender):
    # when
    page = logged_in.post(evaluate_url(tender), {"bids": upload(demo_bytes())})

    # then
    stored = BidEvaluation.objects.get()
    assert page.status_code == 302
    assert page["Location"] == evaluation_url(stored)
    assert stored.created_by == buyer
    assert AuditEvent.objects.filter(action="tender.evaluate_bids").count() == 1

    evaluation = logged_in.get(page["Location"])
    assert evaluation.status_code == 200
    ranking = document(evaluation).by_id("ranking")
    rows = [[td.text for td in tr.find_all("td")][:3] for tr in ranking.find("tbody").find_all("tr")]
    assert [(rank, bidder) for rank, bidder, _price in rows] == [
        ("1", "Lumen Computers"),
        ("2", "Civic IT Reseller"),
        ("not admitted", "Budget Office Supplies"),
        ("not admitted", "Nordbyte Systems"),
    ]
    flagged = [bidder for _rank, bidder, price in rows if "possibly abnormally low" in price]
    assert flagged == ["Budget Office Supplies"]
    text = text_of(evaluation)
    # the reason behind each fraction and each refusal
    assert "SC1 not met (Human-rights risk assessment)" in text
    assert "LABEL not met: no label given" in text
    assert "Production sites of the products: a list with 2 site(s) with name and address." in text
    assert "Production sites of the products: no complete site, but a plan with all four parts." in text
    assert "1 action(s) with a justification (2 given)" in text
    assert "The price of EUR 255,000.00 is more than 30% below the mean of the other bids" in text
    assert "96.65 points" in text  # to two decimals, not 96.6505


def test_the_tender_page_lists_its_evaluations(logged_in, buyer, tender):
    # given
    stored, _evaluation = bid_evaluation_create(actor=buyer, tender=tender, bids=json.loads(demo_bytes()))

    # when
    page = logged_in.get(detail_url(tender))

    # then
    assert f'href="{evaluation_url(stored)}"' in page.content.decode()
    assert "(4 bids)" in text_of(page)


def test_the_evaluation_exports_to_word(logged_in, buyer, tender):
    # given
    stored, _evaluation = bid_evaluation_create(actor=buyer, tender=tender, bids=json.loads(demo_bytes()))

    # when
    page = logged_in.get(evaluation_url(stored, format="docx"))

    # then
    assert page.status_code == 200
    assert page["Content-Type"] == DOCX_TYPE
    assert page["Content-Disposition"] == 'attachment; filename="notebooks-2027-evaluation.docx"'
    document = Document(io.BytesIO(page.content))
    assert document.paragraphs[0].text == "Award report: Notebooks 2027"
    ranking = [[c.text for c in row.cells] for row in document.tables[1].rows]  # after the facts
    assert [row[1] for row in ranking[1:]] == [
        "Lumen Computers",
        "Civic IT Reseller",
        "Budget Office Supplies",
        "Nordbyte Systems",
    ]


def test_the_evaluation_exports_to_excel(logged_in, buyer, tender):
    # given
    stored, _evaluation = bid_evaluation_create(actor=buyer, tender=tender, bids=json.loads(demo_bytes()))

    # when
    page = logged_in.get(evaluation_url(stored, format="xlsx"))

    # then
    assert page.status_code == 200
    assert page["Content-Type"] == XLSX_TYPE
    workbook = load_workbook(io.BytesIO(page.content))
    assert workbook.sheetnames == ["Bids", "Reasons", "Weights"]
    rows = list(workbook["Bids"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1]) for r in rows] == [
        (1, "Lumen Computers"),
        (2, "Civic IT Reseller"),
        (None, "Budget Office Supplies"),
        (None, "Nordbyte Systems"),
    ]


def test_an_unknown_evaluation_format_gives_404(logged_in, buyer, tender):
    # given
    stored, _evaluation = bid_evaluation_create(actor=buyer, tender=tender, bids=json.loads(demo_bytes()))

    # when
    page = logged_in.get(evaluation_url(stored, format="pdf"))

    # then
    assert page.status_code == 404


def test_a_malformed_json_upload_names_the_problem_and_stores_nothing(logged_in, tender):
    # given
    before = counts()

    # when
    page = logged_in.post(evaluate_url(tender), {"bids": upload(b'{"bids": [\n  {"bidder": "A",,}\n]}')})

    # then: the tender page again, the problem beside the file field
    assert page.status_code == 400
    [error] = field_errors(page, "upload_form", "bids")
    assert error.startswith("malformed JSON at line 2")
    assert counts() == before


def _spoiled(**changes):
    request = json.loads(demo_bytes())
    bids = copy.deepcopy(request["bids"])
    for key, (index, value) in changes.items():
        bids[index][key] = value
    return json.dumps({**request, "bids": bids}).encode()


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (_spoiled(price=(0, 0)), "bids[0].price: must be a number greater than 0, got 0"),
        (_spoiled(price=(1, -1)), "bids[1].price"),
        (_spoiled(bidder=(3, "Lumen Computers")), "bids[3].bidder"),
        (b'{"bids": []}', "must be a non-empty list of bids"),
        (b"[1, 2]", "bids[0]: must be an object"),
        ("Soci\u00e9t\u00e9".encode("latin-1"), "not UTF-8"),
    ],
)
def test_bad_bids_are_refused_naming_the_problem_and_store_nothing(logged_in, tender, content, said):
    # given
    before = counts()

    # when
    page = logged_in.post(evaluate_url(tender), {"bids": upload(content)})

    # then
    assert page.status_code == 400
    errors = field_errors(page, "upload_form", "bids")
    assert any(said in e for e in errors), errors
    assert counts() == before


def test_a_file_over_the_upload_limit_is_refused(logged_in, tender, settings):
    # given
    settings.HRDD_MAX_UPLOAD_BYTES = 100

    # when
    page = logged_in.post(evaluate_url(tender), {"bids": upload(demo_bytes())})

    # then
    assert page.status_code == 400
    (said,) = field_errors(page, "upload_form", "bids")
    assert said.startswith("bids.json is larger than 100 bytes, too large for hrdd to accept.")
    assert BidEvaluation.objects.count() == 0


def test_an_upload_without_a_file_is_refused(logged_in, tender):
    # when
    page = logged_in.post(evaluate_url(tender), {})

    # then
    assert page.status_code == 400
    assert field_errors(page, "upload_form", "bids") == ["Choose a JSON file with the bids."]
    assert BidEvaluation.objects.count() == 0


def test_a_viewer_cannot_evaluate_bids(client, viewer, tender):
    # given
    client.force_login(viewer)
    before = counts()

    # when
    page = client.post(evaluate_url(tender), {"bids": upload(demo_bytes())})

    # then
    assert page.status_code == 400
    assert any("Your role does not allow changes" in t for t in error_texts(document(page)))
    assert counts() == before


# the walls


def test_an_outsider_gets_404_on_the_tender_its_downloads_and_its_evaluation(client, buyer, outsider, tender):
    # given
    stored, _evaluation = bid_evaluation_create(actor=buyer, tender=tender, bids=json.loads(demo_bytes()))
    client.force_login(outsider)
    before = counts()

    # when
    pages = [client.get(detail_url(tender))]
    pages += [client.get(detail_url(tender, format=f)) for f in ("docx", "md", "html", "json", "ocds")]
    pages += [client.get(evaluation_url(stored, **q)) for q in ({}, {"format": "docx"}, {"format": "xlsx"})]
    pages.append(client.post(detail_url(tender), {"months": "9"}))
    pages.append(client.post(evaluate_url(tender), {"bids": upload(demo_bytes())}))

    # then
    assert [p.status_code for p in pages] == [404] * len(pages)
    assert all(b"Notebooks 2027" not in p.content for p in pages)
    assert counts() == before
    tender.refresh_from_db()
    assert tender.months == 3


def test_an_evaluation_of_another_tender_gives_404(logged_in, buyer, tender):
    # given
    other = tender_create(actor=buyer, title="Displays", scenario=2)
    stored, _evaluation = bid_evaluation_create(actor=buyer, tender=other, bids=json.loads(demo_bytes()))

    # when
    page = logged_in.get(reverse("tenders:evaluation", args=[tender.public_id, stored.pk]))

    # then
    assert page.status_code == 404
