"""The check page reads three documents a buyer judges: a risk assessment (award criterion 1), a policy commitment
or supplier code of conduct (AC2) and a due-diligence description (AC7); each result quotes its sentences, and
the AC1 result lists the risks it set aside and why."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.html import controls, described_by, document, error_texts, value_of

FIXTURES = Path(__file__).parent / "fixtures"
CHECK = reverse("risks:check")

CODE_OF_CONDUCT = (
    "Our Supplier Code of Conduct sets out our commitment to respect human rights. "
    "It refers to the Universal Declaration of Human Rights and the OECD Guidelines for Multinational "
    "Enterprises. "
    "The code is part of every contract and all suppliers sign it."
)
DUE_DILIGENCE_DE = (
    "Wir führen jährlich eine Risikoanalyse durch und priorisieren unsere Lieferanten. "
    "Lieferanten mit hohem Risiko werden durch Audits überprüft."
)
SET_ASIDE = (
    " Our code of conduct prohibits discrimination. There is no excessive overtime at our assembly plants."
)


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


def check(client, text, kind=None, name="supplier.txt"):
    data = {"document": SimpleUploadedFile(name, text if isinstance(text, bytes) else text.encode())}
    if kind is not None:
        data["kind"] = kind
    return client.post(CHECK, data)


def chosen_kind(page):
    return [value_of(c) for c in controls(document(page), "kind") if value_of(c) is not None]


def test_the_page_offers_the_three_documents_each_with_a_line_of_help(logged_in):
    # when
    page = document(logged_in.get(CHECK))

    # then
    radios = controls(page, "kind")
    assert [r.get("value") for r in radios] == ["risk-assessment", "policy-commitment", "due-diligence"]
    assert [value_of(r) for r in radios] == ["risk-assessment", None, None]  # the default
    labels = [next(lb.text for lb in page.find_all("label") if lb.get("for") == r.get("id")) for r in radios]
    assert labels == [
        "Risk assessment",
        "Policy commitment or supplier code of conduct",
        "Description of the due-diligence process",
    ]
    helps = [[e.text for e in described_by(page, r) if e.get("id", "").endswith("_help")] for r in radios]
    assert [h[0].split(":")[0] for h in helps] == [
        "Award criterion 1",
        "Award criterion 2",
        "Award criterion 7",
    ]


def test_a_code_of_conduct_shows_each_element_with_its_sentences_and_the_score(logged_in):
    # when
    page = check(logged_in, CODE_OF_CONDUCT, "policy-commitment")

    # then
    assert page.status_code == 200
    html = document(page)
    verdict = html.by_id("verdict")
    assert "Policy commitment or supplier code of conduct: 100 of 100 points" in verdict.find("h2").text
    read_as = html.by_id("read-as").text
    assert "read as English" in read_as
    assert "CFIT manual 3.3.2, award criterion 2" in read_as
    communicated = html.by_id("element-communicated")
    assert communicated.find("h3").text == "Found: the commitment is communicated to suppliers"
    assert [q.text for q in communicated.find_all("q")] == [
        "The code is part of every contract and all suppliers sign it."
    ]
    ilo = html.by_id("element-ilo_core_conventions")
    assert ilo.find("h3").text == "Not found: references to the ILO core labour conventions"
    assert ilo.find_all("q") == []
    rows = {
        r.find_all("td")[0].text: r.find_all("td")[2].text
        for r in html.by_id("elements-table").find_all("tr")[1:]
    }
    assert rows["A written commitment to respect human rights"] == "50 / 50"
    assert rows["References to the ILO core labour conventions"] == "reported, not scored"
    assert chosen_kind(page) == ["policy-commitment"]  # the choice stays for the next document


def test_a_german_due_diligence_description_scores_the_elements_found_and_names_the_language(logged_in):
    # when
    page = check(logged_in, DUE_DILIGENCE_DE, "due-diligence")

    # then
    assert page.status_code == 200
    html = document(page)
    assert "Due-diligence description: 40 of 100 points" in html.by_id("verdict").find("h2").text
    assert "read as German" in html.by_id("read-as").text
    assert "award criterion 7" in html.by_id("read-as").text
    monitoring = html.by_id("element-monitoring")
    assert monitoring.find("h3").text.startswith("Found:")
    assert [q.text for q in monitoring.find_all("q")] == [
        "Lieferanten mit hohem Risiko werden durch Audits überprüft."
    ]
    reporting = html.by_id("element-reporting")
    assert reporting.find("h3").text.startswith("Not found:")
    rows = {
        r.find_all("td")[0].text: r.find_all("td")[2].text
        for r in html.by_id("elements-table").find_all("tr")[1:]
    }
    assert rows["References to reporting on due-diligence processes"] == "0 / 20"


def test_a_risk_assessment_lists_the_risks_it_did_not_count_and_why(logged_in):
    # given
    text = (FIXTURES / "supplier_two_risks.txt").read_text() + SET_ASIDE

    # when
    page = check(logged_in, text, "risk-assessment")

    # then
    assert page.status_code == 200
    result = page.context["result"]
    assert {f.id: f.reason for f in result.risks_not_counted} == {
        "discrimination": "policy",
        "inadequate_wages": "negated",
    }
    section = document(page).by_id("not-counted")
    assert section.find("h2").text == "Mentioned but not counted"
    items = {
        li.find_all("strong")[0].text: li
        for li in section.find_all("ul")[0].children
        if not isinstance(li, str)
    }
    assert set(items) == {"Discrimination", "Inadequate wages"}
    assert "a rule, not a finding" in items["Discrimination"].text
    assert [q.text for q in items["Discrimination"].find_all("q")] == [
        "Our code of conduct prohibits discrimination."
    ]
    assert "denied" in items["Inadequate wages"].text
    assert [q.text for q in items["Inadequate wages"].find_all("q")] == [
        "There is no excessive overtime at our assembly plants."
    ]
    # the risks set aside do not count: still two of three
    risks = next(r for r in result.requirements if r.name == "human-rights risks")
    assert risks.found == 2
    assert "read as English" in document(page).by_id("read-as").text


def test_a_risk_assessment_with_nothing_set_aside_says_so(logged_in):
    # when
    page = check(logged_in, (FIXTURES / "supplier_risk_assessment.txt").read_bytes())

    # then
    assert page.status_code == 200
    assert page.context["result"].risks_not_counted == ()
    assert document(page).by_id("not-counted").find_all("ul")[0].text == "none found"


def test_a_document_sent_without_a_kind_is_read_as_a_risk_assessment(logged_in):
    # when
    page = check(logged_in, (FIXTURES / "supplier_risk_assessment.txt").read_bytes())

    # then
    assert page.status_code == 200
    assert page.context["kind"] == "risk-assessment"
    assert "Meets the minimum contents" in document(page).by_id("verdict").text


def test_a_refused_file_keeps_the_chosen_kind_and_says_why_beside_the_file_box(logged_in):
    # when
    page = check(logged_in, b"MZ\x90\x00", "due-diligence", name="tool.exe")

    # then
    assert page.status_code == 400
    html = document(page)
    assert chosen_kind(page) == ["due-diligence"]
    box = controls(html, "document")[0]
    assert any("tool.exe: unsupported file type" in e.text for e in described_by(html, box))
    assert html.by_id("verdict") is None


def test_an_unknown_kind_is_refused_beside_the_choice(logged_in):
    # when
    page = check(logged_in, CODE_OF_CONDUCT, "press-release")

    # then
    assert page.status_code == 400
    html = document(page)
    assert html.by_id("verdict") is None
    errors = page.context["form"].errors
    assert list(errors) == ["kind"]
    assert "press-release" in errors["kind"][0]
    assert any("press-release" in t for t in error_texts(html))


def test_the_risk_home_offers_the_three_documents_too(logged_in):
    # when
    page = document(logged_in.get(reverse("risks:home")))

    # then
    assert [r.get("value") for r in controls(page, "kind")] == [
        "risk-assessment",
        "policy-commitment",
        "due-diligence",
    ]
