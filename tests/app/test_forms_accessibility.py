"""Every page form says what went wrong where a screen reader and a sighted user look for it.

For each form, bad input is sent and the page is read as a browser would read it: the field in error has
aria-invalid="true", its aria-describedby (or that of the fieldset grouping its boxes) names an element that
holds the error, a summary with role="alert" opens the form and links to the field, and what was typed is
still in the fields.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from hrdd.companies.models import Company
from hrdd.consultations.forms import ImportForm
from hrdd.consultations.services import invitation_create
from hrdd.contracts.services import contract_create, information_request_create
from hrdd.domain.contracts import add_months
from hrdd.risks import selectors as risk_selectors
from hrdd.tenders.services import tender_create
from tests.factories import response
from tests.html import Element, controls, described_by, document, error_texts, parse, value_of

REPO = Path(__file__).resolve().parents[2]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _fresh_knowledge_cache():
    """knowledge_current() caches by edition ids, which SQLite hands out again after a test's rollback."""
    risk_selectors._CACHE.clear()
    yield
    risk_selectors._CACHE.clear()


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


def running_contract(actor):
    """A contract whose first anniversary has passed, so that its CC2 and CC3 reports are due."""
    start = add_months(TODAY + dt.timedelta(days=30), -24)
    return contract_create(
        actor=actor,
        title="Notebooks 2024-2027",
        supplier_name="Lumen Computers",
        supplier_email="reports@lumen.example",
        award_date=start,
        start_date=start,
        end_date=add_months(start, 30),
        scenario=2,
    )


def cc3_of(contract):
    return contract.obligations.filter(clause="CC3").order_by("due_date").first()


@dataclass(frozen=True)
class Case:
    """A form sent with bad input: where it is on the page, which field is in error, what is said, and what
    the fields must still show (a file box shows nothing again)."""

    send: Callable[[Any], tuple[Any, str]]  # (the test's fixtures) -> (the response, the form's id)
    field: str
    said: str
    kept: dict[str, Any] = field(default_factory=dict)


def _new_consultation(f):
    data = {"title": "Desktops 2030", "product_category": "desktop", "deadline": "next spring"}
    return f.logged_in.post(reverse("consultations:list"), data), "new-consultation"


def _invite_bad_address(f):
    data = {"email": "not-an-address", "company": "Acme Computers"}
    return f.logged_in.post(reverse("consultations:detail", args=[f.consultation.public_id]), data), "invite"


def _invite_twice(f):
    invitation_create(actor=f.buyer, consultation=f.consultation, email="sales@acme.example", send=False)
    data = {"email": "sales@acme.example", "company": "Acme Again"}
    return f.logged_in.post(reverse("consultations:detail", args=[f.consultation.public_id]), data), "invite"


def _import_broken(f):
    upload = SimpleUploadedFile("broken.xlsx", b"this is no spreadsheet", content_type=XLSX_TYPE)
    url = reverse("consultations:import", args=[f.consultation.public_id])
    return f.logged_in.post(url, {"file": upload}), "import"


def _questionnaire_incomplete(f):
    invitation = invitation_create(
        actor=f.buyer, consultation=f.consultation, email="supplier@acme.example", send=False
    )
    raw = response(company="Typed Company", role="reseller")
    del raw["answers"]["policies"]
    data = {"company": raw["company"], "role": raw["role"], "action": "submit"}
    for key, value in raw["answers"].items():
        data[key] = [value] if isinstance(value, str) else list(value)
    return f.client.post(reverse("respond", args=[invitation.token]), data), "questionnaire"


def _new_tender(**changes):
    def send(f):
        data = {"title": "Notebooks 2027", "scenario": "2", "months": "3", "require_label": "on", **changes}
        return f.logged_in.post(reverse("tenders:list"), data), "new-tender"

    return send


def _tender_parameters(f):
    tender = tender_create(actor=f.buyer, title="Notebooks 2027", scenario=2)
    data = {"months": "3", "weight_price": "60", "weight_AC3": "lots", "weight_AC4": "20"}
    return f.logged_in.post(reverse("tenders:detail", args=[tender.public_id]), data), "parameters"


def _bids_malformed(f):
    tender = tender_create(actor=f.buyer, title="Notebooks 2027", scenario=2)
    upload = SimpleUploadedFile("bids.json", b'{"bids": [,]}', content_type="application/json")
    return f.logged_in.post(
        reverse("tenders:evaluate", args=[tender.public_id]), {"bids": upload}
    ), "evaluate"


def _adjust(**query):
    def send(f):
        return f.logged_in.get(reverse("risks:assess"), {"product": "notebook", **query}), "adjust"

    return send


def _save_long_title(f):
    data = {"product": "notebook", "title": "x" * 201, "exclude_material": "cobalt"}
    return f.logged_in.post(reverse("risks:save"), data), "save"


def _check_program(f):
    upload = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    return f.logged_in.post(reverse("risks:check"), {"document": upload}), "check"


def _new_contract(**changes):
    def send(f):
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
            **changes,
        }
        return f.logged_in.post(reverse("contracts:dashboard"), data), "new-contract"

    return send


def _information_request(f):
    contract = running_contract(f.buyer)
    cc3 = cc3_of(contract)
    url = reverse("contracts:request", args=[contract.public_id, cc3.pk])
    return f.logged_in.post(url, {"question": "Which sites were audited?", "due_on": ""}), f"request-{cc3.pk}"


def _supplier_report(f):
    contract = running_contract(f.buyer)
    cc3 = cc3_of(contract)
    data = {
        "obligation": str(cc3.pk),
        "action": "submit",
        "actions_count": "three",
        "stakeholder_evidence": "Union at the assembly site.",
        "file": SimpleUploadedFile("actions.txt", b"Three mitigating actions.", content_type="text/plain"),
    }
    return f.client.post(reverse("contracts:supplier", args=[contract.token]), data), f"submit-{cc3.pk}"


def _supplier_answer(f):
    contract = running_contract(f.buyer)
    cc3 = cc3_of(contract)
    request = information_request_create(
        actor=f.buyer, obligation=cc3, question="Which sites?", due_on=TODAY + dt.timedelta(days=7)
    )
    data = {"obligation": str(cc3.pk), "action": "answer", "request": str(request.pk), "answer": "  "}
    return f.client.post(reverse("contracts:supplier", args=[contract.token]), data), f"answer-{request.pk}"


def _new_procurement(f):
    data = {"title": "x" * 201, "product_category": "notebook", "reference": "2030/17"}
    return f.logged_in.post(reverse("procurements:list"), data), "new-procurement"


def _new_company(f):
    data = {
        "legal_name": "Acme Computers B.V.",
        "kind": Company.Kind.choices[0][0],
        "country_iso3": "Atlantis",
    }
    return f.logged_in.post(reverse("companies:list"), data), "new-company"


CASES = {
    "new procurement, a title too long": Case(
        _new_procurement, "title", "at most 200 characters", {"title": "x" * 201, "reference": "2030/17"}
    ),
    "new company, no country answers to the name": Case(
        _new_company,
        "country_iso3",
        "is not a country hrdd knows",
        {"country_iso3": "Atlantis", "legal_name": "Acme Computers B.V."},
    ),
    "new consultation, a deadline that is no date": Case(
        _new_consultation,
        "deadline",
        "Enter a valid date",
        {"deadline": "next spring", "title": "Desktops 2030"},
    ),
    "invitation, an address that is none": Case(
        _invite_bad_address, "email", "valid email", {"email": "not-an-address", "company": "Acme Computers"}
    ),
    "invitation, the service refuses a second one": Case(
        _invite_twice, "email", "already invited", {"email": "sales@acme.example", "company": "Acme Again"}
    ),
    "questionnaire import, a file that is no workbook": Case(_import_broken, "file", "broken.xlsx"),
    "supplier questionnaire, a question left out": Case(
        _questionnaire_incomplete,
        "policies",
        "an answer is required",
        {"company": "Typed Company", "role": ["reseller"], "policies": []},
    ),
    "new tender, months that are no number": Case(
        _new_tender(months="three"), "months", "'three' is not a whole number", {"months": "three"}
    ),
    "new tender, the service refuses the scenario": Case(
        _new_tender(scenario="4"),
        "scenario",
        "unknown scenario 4",
        {"title": "Notebooks 2027", "scenario": []},
    ),
    "tender parameters, a weight that is no number": Case(
        _tender_parameters, "weight_AC3", "'lots' is not a number", {"weight_AC3": "lots", "weight_AC4": "20"}
    ),
    "bids, malformed JSON": Case(_bids_malformed, "bids", "malformed JSON"),
    "risk adjustments, a country code that is none": Case(
        _adjust(manufacturing_countries="XXX", add_material="mica"),
        "manufacturing_countries",
        "is not a country hrdd knows",
        {"manufacturing_countries": "XXX", "add_material": "mica"},
    ),
    "risk adjustments, a component without materials": Case(
        _adjust(add_component="stand"), "add_component", "component: material", {"add_component": "stand"}
    ),
    "saving a risk assessment, a title too long": Case(
        _save_long_title, "title", "at most 200 characters", {"title": "x" * 201}
    ),
    "checking a supplier's risk assessment, a program": Case(
        _check_program, "document", "unsupported file type"
    ),
    "new contract, a date that does not exist": Case(
        _new_contract(award_date="2030-02-30"),
        "award_date",
        "'2030-02-30' is not a date (YYYY-MM-DD)",
        {"award_date": "2030-02-30", "title": "Notebooks 2030-2033", "supplier_name": "Acme Computers"},
    ),
    "new contract, the service asks for a scenario": Case(
        _new_contract(scenario=""), "scenario", "a scenario is required", {"end_date": "2033-01-31"}
    ),
    "request for more information, no answer date": Case(
        _information_request, "due_on", "a date is required", {"question": "Which sites were audited?"}
    ),
    "supplier's report, a count that is no number": Case(
        _supplier_report,
        "actions_count",
        "whole number",
        {"actions_count": "three", "stakeholder_evidence": "Union at the assembly site."},
    ),
    "supplier's answer, left blank": Case(
        _supplier_answer, "answer", "an answer is required", {"answer": "  "}
    ),
}


@dataclass
class Fixtures:
    client: Any
    logged_in: Any
    buyer: Any
    consultation: Any


@pytest.fixture
def fixtures(client, buyer, consultation):
    signed_in = client.__class__()
    signed_in.force_login(buyer)
    return Fixtures(client=client, logged_in=signed_in, buyer=buyer, consultation=consultation)


def boxes_of(form: Element, name: str) -> list[Element]:
    """The boxes a user fills for a field (hidden copies left aside)."""
    return [c for c in controls(form, name) if c.get("type") != "hidden"]


def shown(form: Element, name: str) -> Any:
    """What a field shows: the text of its box, or the values ticked among its boxes."""
    boxes = boxes_of(form, name)
    assert boxes, f"no field named {name!r} in the form"
    if boxes[0].get("type") in ("radio", "checkbox"):
        return [value_of(b) for b in boxes if value_of(b) is not None]
    [box] = boxes
    return value_of(box)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_field_in_error_is_marked_described_and_keeps_the_input(fixtures, case):
    # when
    page, form_id = case.send(fixtures)

    # then: the page is sent again with 400 (409 is for a questionnaire already submitted)
    assert page.status_code == 400, page.status_code
    html = document(page)
    form = html.by_id(form_id)
    assert form is not None and form.tag == "form", form_id

    # the field in error is marked, and its description holds the message
    boxes = boxes_of(form, case.field)
    assert boxes and all(b.get("aria-invalid") == "true" for b in boxes)
    for box in boxes:
        descriptions = described_by(html, box)
        assert any(case.said in d.text for d in descriptions), [d.text for d in descriptions]

    # no other field of the form is marked
    marked = {c.get("name") for c in form.iter() if c.get("aria-invalid") == "true"}
    assert marked == {case.field}

    # the summary on top says it too, with a link to the field
    [summary] = form.find_all(cls="error-summary")
    assert summary.get("role") == "alert"
    assert case.said in summary.text
    targets = [html.by_id(a.get("href", "")[1:]) for a in summary.find_all("a")]
    assert any(t is not None and boxes[0].closest(lambda e, t=t: e is t) for t in targets)

    # what was typed is still there
    for name, value in case.kept.items():
        assert shown(form, name) == value, name


def test_the_summary_of_a_refusal_that_names_no_field_is_an_alert(fixtures, submitted, consultation):
    # given: the response was reopened already, so reopening again is refused
    reopen = reverse("consultations:reopen", args=[consultation.public_id, submitted.pk])
    fixtures.logged_in.post(reopen, {"confirm": "on"})

    # when
    page = fixtures.logged_in.post(reopen, {"confirm": "on"})

    # then
    assert page.status_code == 400
    summary = document(page).by_id("confirm").find(cls="error-summary")
    assert summary.get("role") == "alert"
    assert "Only a submitted response can be reopened." in summary.text


def test_a_wrong_password_is_said_on_top_and_the_address_is_kept(client, buyer):
    # when
    page = client.post(reverse("login"), {"username": buyer.email, "password": "not the password"})

    # then
    html = document(page)
    [summary] = html.find_all(cls="error-summary")
    assert summary.get("role") == "alert"
    assert "correct" in summary.text
    [address] = controls(html, "username")
    assert address.get("type") == "email"
    assert value_of(address) == buyer.email
    [password] = controls(html, "password")
    assert value_of(password) == ""  # a password is never sent back


PAGES = {
    "procurements": lambda f: reverse("procurements:list"),
    "companies": lambda f: reverse("companies:list"),
    "consultations": lambda f: reverse("consultations:list"),
    "a consultation": lambda f: reverse("consultations:detail", args=[f.consultation.public_id]),
    "tenders": lambda f: reverse("tenders:list"),
    "a tender": lambda f: reverse(
        "tenders:detail", args=[tender_create(actor=f.buyer, title="T", scenario=3).public_id]
    ),
    "risks": lambda f: reverse("risks:home"),
    "an assessment": lambda f: reverse("risks:assess") + "?product=notebook&add_component=stand:%20cobalt",
    "contracts": lambda f: reverse("contracts:dashboard"),
    "a contract": lambda f: reverse("contracts:detail", args=[running_contract(f.buyer).public_id]),
}


@pytest.mark.parametrize("url", PAGES.values(), ids=PAGES.keys())
def test_a_form_shown_afresh_has_a_label_for_every_box_and_no_error(fixtures, url):
    # when
    page = fixtures.logged_in.get(url(fixtures))

    # then
    assert page.status_code == 200
    html = document(page)
    assert error_texts(html) == []
    assert not [e for e in html.iter() if e.get("aria-invalid")]
    for form in html.find_all("form"):
        for box in form.iter():
            if box.tag not in ("input", "select", "textarea") or box.get("type") in ("hidden", "submit"):
                continue
            if box.has("hidden"):  # not shown to anyone (a create form's one-time key): nothing to label
                continue
            labelled = box.closest(lambda e: e.tag == "label") is not None or any(
                label.get("for") == box.get("id") for label in html.find_all("label")
            )
            assert labelled, f"{box.get('name')!r} in form {form.get('id')!r} has no label"


def test_a_supplier_page_after_a_refused_upload_marks_only_that_obligation(fixtures):
    # given
    contract = running_contract(fixtures.buyer)
    cc2, cc3 = (contract.obligations.filter(clause=c).order_by("due_date").first() for c in ("CC2", "CC3"))

    # when
    upload = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    page = fixtures.client.post(
        reverse("contracts:supplier", args=[contract.token]),
        {"obligation": str(cc2.pk), "action": "submit", "file": upload},
    )

    # then: the ids of the obligations' forms differ, and only CC2's file box is in error
    assert page.status_code == 400
    html = document(page)
    ids = [e.get("id") for e in html.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    [refused] = [c for c in html.iter() if c.get("aria-invalid") == "true"]
    assert refused.closest(lambda e: e.get("id") == f"submit-{cc2.pk}") is not None
    assert html.by_id(f"submit-{cc3.pk}").find_all(cls="error-summary") == []


def test_the_json_demo_bids_still_pass_the_bids_form(fixtures):
    # A control that the form's reading of the file changed nothing for good input.
    # given
    tender = tender_create(actor=fixtures.buyer, title="Notebooks 2027", scenario=2)
    bids = (REPO / "hrdd" / "demo_data" / "bids-scenario-2.json").read_bytes()
    assert json.loads(bids)

    # when
    page = fixtures.logged_in.post(
        reverse("tenders:evaluate", args=[tender.public_id]),
        {"bids": SimpleUploadedFile("bids.json", bids, content_type="application/json")},
    )

    # then
    assert page.status_code == 302


def test_the_import_form_takes_several_workbooks_in_one_box():
    # given
    first = SimpleUploadedFile("a.xlsx", b"PK first", content_type=XLSX_TYPE)
    second = SimpleUploadedFile("b.xlsx", b"PK second", content_type=XLSX_TYPE)

    # when
    form = ImportForm({}, MultiValueDict({"file": [first, second]}))

    # then
    assert form.is_valid(), form.errors
    assert [f.name for f in form.cleaned_data["file"]] == ["a.xlsx", "b.xlsx"]
    assert controls(parse(str(form)), "file")[0].has("multiple")


def test_the_import_form_without_a_file_says_which_to_choose():
    # when
    form = ImportForm({}, {})

    # then
    assert not form.is_valid()
    assert form.errors["file"] == ["Choose a filled questionnaire (XLSX) to import."]
