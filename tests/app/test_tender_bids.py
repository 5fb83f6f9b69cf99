"""Step 3 without JSON (issue 10): the buyer enters each bid in a form generated from the tender's scenario, or in
the tender's bid template (XLSX), keeps them as drafts, and evaluates them when ready; a risk-assessment document
is read with step 1's check. The JSON of the API and the command line is read strictly and documented by example.
"""

import copy
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from hrdd.audit.models import AuditEvent
from hrdd.domain.tender import evaluate_bids, get_tender_framework
from hrdd.domain.tender_choices import TenderChoices
from hrdd.tenders import bids
from hrdd.tenders.models import BidDraft, BidEvaluation, BidFile
from hrdd.tenders.services import tender_create, tender_update
from tests.cli_support import assert_refused
from tests.html import controls, document, error_texts, value_of

REPO = Path(__file__).resolve().parents[2]
DEMO_BIDS = REPO / "hrdd" / "demo_data" / "bids-scenario-2.json"
FRAMEWORK = get_tender_framework()

LUMEN = {
    "bidder": "Lumen Computers",
    "price": "412 000",
    "label_kind": "tco",
    "label_details": "generation 9",
    "ra_components": "lithium-ion battery\nprinted circuit board",
    "ra_raw_materials": "cobalt; tin; tantalum",
    "ra_countries": "COD\nIDN\nCHN",
    "ra_risks": "Artisanal cobalt mining in the DRC supplies part of the cathode material.\n"
    "Migrant workers in component factories pay recruitment fees.\n"
    "Tin mining off Bangka is dangerous and poorly regulated.",
    "product_sites_given": "list",
    "product_sites_sites": "Lumen Assembly Plant 2; 88 Industrial Road, Kunshan; CHN\n"
    "Lumen Final Assembly; 14 Jalan Perindustrian, Penang; MYS",
    "action_1": "Cobalt refiners audited under RMAP",
    "justification_1": "Child labour risk in DRC artisanal mining.",
    "action_2": "Zero recruitment-fee policy with repayment",
    "justification_2": "Forced labour risk for migrant workers.",
    "action_3": "Worker voice hotline at final assembly",
    "justification_3": "Grievances reach us without the factory.",
}
CIVIC = {
    "bidder": "Civic IT Reseller",
    "price": "389000",
    "label_kind": "epeat",
    "label_details": "Gold with Responsible Supply Chain criteria",
    "ra_components": "battery",
    "ra_raw_materials": "cobalt\nlithium",
    "ra_countries": "COD; AUS",
    "ra_risks": "Cobalt from artisanal mines.\nWater use of lithium extraction.\nFactory workers' passports retained.",
    "product_sites_given": "plan",
    "product_sites_timeline": "Site list within 9 months of award",
    "product_sites_deliverables": "List of final assembly and battery sites",
    "product_sites_challenges": "The brand shares sites only under NDA",
    "product_sites_supplier_engagement": "Quarterly meetings with the brand's CSR team",
    "action_1": "Supplier code of conduct in every purchase order",
    "justification_1": "Makes the brand accountable.",
    "action_2": "Training of our buyers",
}
BUDGET = {
    "bidder": "Budget Office Supplies",
    "price": "255000",
    "label_kind": "tco",
    "ra_components": "battery",
    "ra_raw_materials": "cobalt",
    "ra_risks": "Cobalt",
}
NORDBYTE = {
    "bidder": "Nordbyte Systems",
    "price": "398000",
    "label_kind": "none",
    "ra_components": "printed circuit board",
    "ra_raw_materials": "gold; tin",
    "ra_countries": "PER; CHN",
    "ra_risks": "Artisanal gold.\nMercury use in small-scale gold mining.\nUnions are restricted at component plants.",
    "product_sites_sites": "Nordbyte Plant; 5 Harbour Street, Kaohsiung; TWN",
    "action_1": "RBA audits of tier-1 suppliers",
    "justification_1": "Covers labour rights at assembly.",
}
DEMO_ENTRIES = [LUMEN, CIVIC, BUDGET, NORDBYTE]

RISK_ASSESSMENT_TEXT = """Human-rights risk assessment: Lumen notebooks

Our notebooks contain a battery and a printed circuit board.
The battery uses cobalt mined in the Democratic Republic of the Congo and lithium from Chile.
The solder on the circuit board contains tin from Indonesia.
Cobalt mining in the DRC carries a high risk of child labour.
Tin mining in Indonesia exposes workers to unsafe working conditions and mine collapse.
Assembly workers in China have paid recruitment fees, a sign of forced labour.
"""


def demo_request():
    return json.loads(DEMO_BIDS.read_text(encoding="utf-8"))


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def tender(buyer):
    """A scenario 2 tender with the demo's weights (price 60, AC3 20, AC4 20)."""
    return tender_create(
        actor=buyer, title="Notebooks 2027", scenario=2, weights={"price": 60, "AC3": 20, "AC4": 20}
    )


def url(name, tender, *args):
    return reverse(f"tenders:{name}", args=[tender.public_id, *args])


def post_bid(client, tender, data, draft=None, **files):
    target = url("bid", tender, draft.public_id) if draft else url("bid_new", tender)
    return client.post(target, {**data, **files})


def txt(name, text):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


# --- the form follows the scenario ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "parts", "criteria"),
    [
        (1, ["bid", "label", "risk_assessment", "policy_commitment"], ["LABEL", "AC1", "AC2"]),
        (2, ["bid", "label", "risk_assessment", "product_sites", "actions"], ["LABEL", "SC1", "AC3", "AC4"]),
        (
            3,
            ["bid", "label", "risk_assessment", "product_sites", "component_sites", "due_diligence"],
            ["LABEL", "SC1", "SC2", "AC6", "AC7"],
        ),
    ],
)
def test_the_bid_form_has_a_group_per_field_the_scenario_reads(logged_in, buyer, scenario, parts, criteria):
    # given
    tender = tender_create(actor=buyer, title="Notebooks", scenario=scenario)

    # when
    page = document(logged_in.get(url("bid_new", tender)))

    # then
    groups = page.find_all("fieldset")
    keys = [g.get("id").removeprefix("part-") for g in groups if (g.get("id") or "").startswith("part-")]
    assert keys == parts
    shown = [c.id for part in bids.bid_parts(tender) for c in part.criteria]
    assert shown == criteria
    # each group takes an evidence file, stating the types it accepts
    for key in parts:
        (box,) = controls(page, f"file_{key}")
        assert box.get("type") == "file"
        assert ".pdf" in box.get("accept")


def test_scenario_1_asks_the_two_facts_of_ac2_and_scenario_3_the_five_elements_of_ac7(logged_in, buyer):
    one = document(logged_in.get(url("bid_new", tender_create(actor=buyer, title="One", scenario=1))))
    three = document(logged_in.get(url("bid_new", tender_create(actor=buyer, title="Three", scenario=3))))

    assert [o.get("value") for o in controls(one, "policy_written")[0].find_all("option")] == [
        "",
        "yes",
        "no",
    ]
    assert controls(one, "policy_communicated")
    assert not controls(one, "action_1")
    for element in ("policies", "risk_identification", "monitoring", "mitigation", "reporting"):
        assert controls(three, f"dd_{element}")
    assert controls(three, "component_sites_given") and controls(three, "product_sites_sites")


# --- drafts ---------------------------------------------------------------------------------------------------


def test_a_bid_entered_in_the_form_is_saved_as_a_draft_in_the_json_shape(logged_in, buyer, tender):
    # when
    answer = post_bid(logged_in, tender, LUMEN)

    # then
    assert answer.status_code == 302
    assert answer["Location"] == url("bids", tender)
    draft = BidDraft.objects.get()
    assert draft.bidder == "Lumen Computers" and draft.price == 412000.0 and draft.version == 1
    assert draft.bid == {
        "bidder": "Lumen Computers",
        "price": 412000.0,
        "label": "TCO Certified: generation 9",
        "risk_assessment": {
            "components": ["lithium-ion battery", "printed circuit board"],
            "raw_materials": ["cobalt", "tin", "tantalum"],
            "sourcing_countries": ["COD", "IDN", "CHN"],
            "risks": [
                {"description": "Artisanal cobalt mining in the DRC supplies part of the cathode material."},
                {"description": "Migrant workers in component factories pay recruitment fees."},
                {"description": "Tin mining off Bangka is dangerous and poorly regulated."},
            ],
        },
        "product_sites": {
            "sites": [
                {
                    "name": "Lumen Assembly Plant 2",
                    "address": "88 Industrial Road, Kunshan",
                    "country": "CHN",
                },
                {
                    "name": "Lumen Final Assembly",
                    "address": "14 Jalan Perindustrian, Penang",
                    "country": "MYS",
                },
            ]
        },
        "actions": [
            {
                "action": "Cobalt refiners audited under RMAP",
                "justification": "Child labour risk in DRC artisanal mining.",
            },
            {
                "action": "Zero recruitment-fee policy with repayment",
                "justification": "Forced labour risk for migrant workers.",
            },
            {
                "action": "Worker voice hotline at final assembly",
                "justification": "Grievances reach us without the factory.",
            },
        ],
    }
    event = AuditEvent.objects.get(action="tender.bid_draft.create")
    assert event.after["bidder"] == "Lumen Computers"


def test_the_drafts_evaluated_rank_exactly_as_the_same_bids_sent_as_json(logged_in, buyer, tender):
    # given the four demo bids entered in the form
    for entries in DEMO_ENTRIES:
        assert post_bid(logged_in, tender, entries).status_code == 302

    # when the buyer evaluates them
    answer = logged_in.post(url("bids_evaluate", tender))

    # then the existing evaluation page shows the same result as the demo JSON
    stored = BidEvaluation.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == url("evaluation", tender, stored.pk)
    expected = evaluate_bids(demo_request(), FRAMEWORK)
    got = {b["bidder"]: b for b in stored.result["bids"]}
    for bid in expected.bids:
        assert got[bid.bidder]["rank"] == bid.rank
        assert got[bid.bidder]["total"] == bid.total
        assert got[bid.bidder]["admitted"] == bid.admitted
        assert got[bid.bidder]["fractions"] == dict(bid.fractions)
    assert {b.bidder: b.rank for b in expected.bids} == {
        "Lumen Computers": 1,
        "Civic IT Reseller": 2,
        "Budget Office Supplies": None,
        "Nordbyte Systems": None,
    }
    page = logged_in.get(answer["Location"])
    assert page.status_code == 200
    assert "Lumen Computers" in page.content.decode()
    # the drafts stay, to be corrected and evaluated again
    assert BidDraft.objects.count() == 4


def test_the_drafts_are_read_with_the_buyers_choices_as_the_evaluation_reads_them(logged_in, buyer, tender):
    # given the label made an award criterion worth 10 points
    tender_update(
        actor=buyer,
        tender=tender,
        months=3,
        weights={"price": 50, "LABEL": 10, "AC3": 20, "AC4": 20},
        require_label=False,
        choices=TenderChoices(label_role="award"),
    )
    post_bid(logged_in, tender, NORDBYTE)  # no label

    # when
    page = document(logged_in.get(url("bids", tender)))
    logged_in.post(url("bids_evaluate", tender))

    # then the bid is admitted, its label worth nothing, on the page as in the evaluation
    row = page.find_all("table", id="drafts")[0].find_all("tr")[1]
    cells = [td.text for td in row.find_all("td")]
    assert cells[2] == "yes" and cells[3] == "0%"
    (bid,) = BidEvaluation.objects.get().result["bids"]
    assert bid["admitted"] and bid["fractions"]["LABEL"] == 0


def test_a_draft_the_rules_now_refuse_is_named_by_its_bidder(logged_in, buyer, tender):
    # given a draft stored before a rule changed (its price is no longer accepted)
    post_bid(logged_in, tender, LUMEN)
    post_bid(logged_in, tender, CIVIC)
    BidDraft.objects.filter(bidder="Lumen Computers").update(
        bid=BidDraft.objects.get(bidder="Lumen Computers").bid | {"price": 0}
    )

    # when
    answer = logged_in.post(url("bids_evaluate", tender), follow=True)

    # then
    assert (
        "The bid of Lumen Computers: must be a number greater than 0, got 0. Open it to correct it."
        in answer.content.decode()
    )
    assert not BidEvaluation.objects.exists()


def test_evaluating_without_a_draft_says_to_enter_a_bid_first(logged_in, tender):
    answer = logged_in.post(url("bids_evaluate", tender), follow=True)

    assert "Enter at least one bid first." in answer.content.decode()
    assert BidEvaluation.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"bidder": ""}, "bidder", "Bidder is required."),
        ({"price": ""}, "price", "Price is required."),
        ({"price": "0"}, "price", "must be a number greater than 0"),
        ({"price": "412,000"}, "price", "could be read two ways"),
        ({"price": "lots"}, "price", "is not a number"),
        ({"label_kind": "equivalent", "label_details": ""}, "label_details", "name the equivalent label"),
        ({"label_kind": "shiny"}, "label_kind", "Select a valid choice"),
        (
            {"product_sites_given": "list", "product_sites_sites": ""},
            "product_sites_sites",
            "list at least one site",
        ),
        ({"product_sites_given": "plan"}, "product_sites_timeline", "describe the plan"),
        ({"action_4": "", "justification_4": "Because."}, "action_4", "the action this justification is for"),
        ({"product_sites_sites": "; 1 Road, Kunshan"}, "product_sites_sites", "line 1: a site needs a name"),
    ],
)
def test_bad_input_is_refused_beside_its_field_keeping_the_input(logged_in, tender, change, field, message):
    # when
    answer = post_bid(logged_in, tender, LUMEN | change)

    # then
    assert answer.status_code == 400
    page = document(answer)
    (box,) = controls(page, field)
    box_errors = page.find_all(id=f"bid_{field}_error")
    assert box_errors and message in box_errors[0].text
    assert f"bid_{field}_error" in (box.get("aria-describedby") or "")
    assert value_of(controls(page, "ra_raw_materials")[0]) == LUMEN["ra_raw_materials"]  # the input is kept
    assert not controls(page, "ra_read_from")  # no document, nothing to choose between
    assert BidDraft.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="tender.bid_draft").exists()


def test_a_second_bid_of_the_same_bidder_is_refused(logged_in, tender):
    post_bid(logged_in, tender, LUMEN)

    answer = post_bid(logged_in, tender, CIVIC | {"bidder": "lumen computers"})

    assert answer.status_code == 400
    assert "a bid of lumen computers is entered already" in " ".join(error_texts(document(answer)))
    assert BidDraft.objects.count() == 1


def test_a_draft_is_edited_and_its_version_raised(logged_in, tender):
    post_bid(logged_in, tender, CIVIC)
    draft = BidDraft.objects.get()
    page = document(logged_in.get(url("bid", tender, draft.public_id)))
    assert value_of(controls(page, "version")[0]) == "1"
    assert value_of(controls(page, "price")[0]) == "389000"
    assert value_of(controls(page, "product_sites_given")[0]) == "plan"

    # when the buyer adds the missing justification
    answer = post_bid(
        logged_in,
        tender,
        CIVIC | {"justification_2": "Buyers ask the right questions.", "version": "1"},
        draft,
    )

    # then
    assert answer.status_code == 302
    draft.refresh_from_db()
    assert draft.version == 2
    assert draft.bid["actions"][1]["justification"] == "Buyers ask the right questions."
    event = AuditEvent.objects.get(action="tender.bid_draft.update")
    assert event.before["version"] == 1 and event.after["version"] == 2


def test_a_stale_save_is_refused_with_a_message_and_the_input_kept(logged_in, client, buyer, tender):
    # given the buyer opened the draft at version 1, and a colleague saved it since
    post_bid(logged_in, tender, CIVIC)
    draft = BidDraft.objects.get()
    bids.bid_draft_save(
        actor=buyer, tender=tender, draft=draft, version=1, entries=CIVIC | {"price": 380000.0}
    )

    # when the buyer saves the form opened before
    answer = post_bid(logged_in, tender, CIVIC | {"price": "395000", "version": "1"}, draft)

    # then nothing is overwritten and the page says why
    assert answer.status_code == 400
    page = document(answer)
    summary = page.find_all(cls="error-summary")[0].text
    assert "saved this bid at" in summary and "after you opened it" in summary
    assert value_of(controls(page, "price")[0]) == "395000"
    draft.refresh_from_db()
    assert draft.price == 380000.0 and draft.version == 2


def test_a_draft_is_deleted_with_its_files(logged_in, tender, django_capture_on_commit_callbacks):
    post_bid(logged_in, tender, LUMEN, file_bid=txt("offer.txt", "Our offer."))
    draft = BidDraft.objects.get()
    stored = BidFile.objects.get()
    path = Path(stored.file.path)
    assert path.is_file()

    with django_capture_on_commit_callbacks(execute=True):
        answer = logged_in.post(url("bid_delete", tender, draft.public_id))

    assert answer.status_code == 302
    assert not BidDraft.objects.exists() and not BidFile.objects.exists()
    assert not path.exists()
    assert AuditEvent.objects.filter(action="tender.bid_draft.delete").count() == 1


# --- evidence and the risk-assessment document ---------------------------------------------------------------


def test_a_risk_assessment_document_is_read_with_the_step_1_check(logged_in, tender):
    # given a bid with no typed lists, its risk assessment attached as a document
    entries = {k: v for k, v in LUMEN.items() if not k.startswith("ra_")}

    # when
    answer = post_bid(
        logged_in, tender, entries, file_risk_assessment=txt("lumen-risks.txt", RISK_ASSESSMENT_TEXT)
    )

    # then the check's findings are the bid's risk assessment, with the sentences kept
    assert answer.status_code == 302
    draft = BidDraft.objects.get()
    evidence = draft.files.get()
    assert evidence.part == "risk_assessment" and evidence.filename == "lumen-risks.txt"
    assert evidence.check_result["meets_minimum"] is True
    ra = draft.bid["risk_assessment"]
    assert ra["source"] == "hrdd's check of lumen-risks.txt"
    assert "COD" in ra["sourcing_countries"] and "cobalt" in ra["raw_materials"]
    assert len(ra["risks"]) >= 3 and all(r["description"] for r in ra["risks"])
    preview = bids.bid_preview(tender, draft.bid)
    assert preview.admitted
    assert (
        "(hrdd's check of lumen-risks.txt): all minimum contents present" in preview.fraction_reasons["SC1"]
    )
    # the page shows what the check found and links the document
    page = logged_in.get(url("bid", tender, draft.public_id)).content.decode()
    assert "it meets the minimum contents." in page
    assert "Cobalt mining in the DRC carries a high risk of child labour." in page
    download = logged_in.get(url("bid_file", tender, draft.public_id, "risk_assessment"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).decode() == RISK_ASSESSMENT_TEXT


def test_a_document_that_is_no_risk_assessment_fails_even_with_generous_typed_lists(logged_in, tender):
    # when the typed lists claim everything but the document says nothing
    answer = post_bid(
        logged_in,
        tender,
        LUMEN,
        file_risk_assessment=txt("hello.txt", "Hello, this is not a risk assessment"),
    )

    # then the document is what counts, and the reason shows the disagreement
    assert answer.status_code == 302
    draft = BidDraft.objects.get()
    preview = bids.bid_preview(tender, draft.bid)
    assert not preview.admitted
    reason = preview.fraction_reasons["SC1"]
    assert reason.startswith("0 component(s), 0 raw material(s)")
    assert "hrdd's check of hello.txt; the lists typed by the buyer give 2 component(s)" in reason


def test_the_buyer_may_read_the_document_and_evaluate_the_typed_lists_with_the_check_quoted(
    logged_in, tender
):
    # given a bid whose attached document hrdd's check finds nothing in
    post_bid(
        logged_in,
        tender,
        LUMEN,
        file_risk_assessment=txt("hello.txt", "Hello, this is not a risk assessment"),
    )
    draft = BidDraft.objects.get()
    (choice,) = controls(document(logged_in.get(url("bid", tender, draft.public_id))), "ra_read_from")
    assert [o.get("value") for o in choice.find_all("option")] == ["", "document", "lists"]

    # when the buyer, having read it, has the typed lists evaluated
    answer = post_bid(logged_in, tender, LUMEN | {"ra_read_from": "lists", "version": "1"}, draft)

    # then hrdd's reading stays in the reason
    assert answer.status_code == 302
    reason = bids.bid_preview(tender, BidDraft.objects.get().bid).fraction_reasons["SC1"]
    assert "typed by the buyer; hrdd's check of hello.txt found 0 component(s)" in reason
    assert "(below the minimum)" in reason


def test_an_unreadable_document_is_refused_beside_its_box_and_nothing_is_stored(logged_in, tender):
    answer = post_bid(
        logged_in,
        tender,
        LUMEN,
        file_risk_assessment=SimpleUploadedFile(
            "scan.pdf", b"not a pdf at all", content_type="application/pdf"
        ),
    )

    assert answer.status_code == 400
    errors = document(answer).find_all(id="bid_file_risk_assessment_error")
    assert errors and "scan.pdf" in errors[0].text
    assert not BidDraft.objects.exists() and not BidFile.objects.exists()


def test_an_attached_file_is_replaced_or_removed(logged_in, tender, django_capture_on_commit_callbacks):
    post_bid(logged_in, tender, LUMEN, file_label=txt("tco.txt", "Certificate 1"))
    draft = BidDraft.objects.get()
    first = Path(BidFile.objects.get().file.path)

    with django_capture_on_commit_callbacks(execute=True):
        post_bid(
            logged_in, tender, LUMEN | {"version": "1"}, draft, file_label=txt("tco-2.txt", "Certificate 2")
        )
    assert BidFile.objects.get().filename == "tco-2.txt"
    assert not first.exists()

    post_bid(logged_in, tender, LUMEN | {"version": "2", "remove_label": "on"}, draft)
    assert not BidFile.objects.exists()


# --- the bid template -----------------------------------------------------------------------------------------


def template_sheet(client, tender):
    answer = client.get(url("bids_template", tender))
    assert answer.status_code == 200
    assert answer["Content-Disposition"].endswith('notebooks-2027-bid-template.xlsx"')
    workbook = load_workbook(io.BytesIO(answer.content))
    return workbook


def fill(workbook, rows):
    """Write rows of {column label: value} below the header; return the XLSX bytes."""
    sheet = workbook.worksheets[0]
    header = [str(c.value).removesuffix(" *") for c in sheet[1]]
    for number, row in enumerate(rows, start=2):
        for label, value in row.items():
            sheet.cell(row=number, column=header.index(label) + 1, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx(content, name="bids.xlsx"):
    return SimpleUploadedFile(name, content)


TEMPLATE_ROWS = [
    {
        "Bidder": "Lumen Computers",
        "Price": 412000,
        "Label": "TCO Certified",
        "Label details": "generation 9",
        "Risk assessment: key components": "lithium-ion battery\nprinted circuit board",
        "Risk assessment: raw materials": "cobalt; tin; tantalum",
        "Risk assessment: sourcing countries": "COD; IDN; CHN",
        "Risk assessment: human-rights risks": LUMEN["ra_risks"],
        "Production sites of the products: given as": "A list of sites",
        "Production sites of the products: sites": LUMEN["product_sites_sites"],
        "Action 1": LUMEN["action_1"],
        "Justification 1": LUMEN["justification_1"],
        "Action 2": LUMEN["action_2"],
        "Justification 2": LUMEN["justification_2"],
        "Action 3": LUMEN["action_3"],
        "Justification 3": LUMEN["justification_3"],
    },
    {
        "Bidder": "Civic IT Reseller",
        "Price": "389000",
        "Label": "epeat",  # a choice in any case, by its value too
        "Label details": CIVIC["label_details"],
        "Risk assessment: key components": "battery",
        "Risk assessment: raw materials": "cobalt; lithium",
        "Risk assessment: sourcing countries": "COD; AUS",
        "Risk assessment: human-rights risks": CIVIC["ra_risks"],
        "Production sites of the products: given as": "a plan to compile the list",
        "Production sites of the products: plan: timeline": CIVIC["product_sites_timeline"],
        "Production sites of the products: plan: deliverables": CIVIC["product_sites_deliverables"],
        "Production sites of the products: plan: main challenges": CIVIC["product_sites_challenges"],
        "Production sites of the products: plan: how suppliers will be engaged": CIVIC[
            "product_sites_supplier_engagement"
        ],
        "Action 1": CIVIC["action_1"],
        "Justification 1": CIVIC["justification_1"],
        "Action 2": CIVIC["action_2"],
    },
    {
        "Bidder": "Budget Office Supplies",
        "Price": 255000,
        "Label": "TCO Certified",
        "Risk assessment: key components": "battery",
        "Risk assessment: raw materials": "cobalt",
        "Risk assessment: human-rights risks": "Cobalt",
    },
]


def test_the_template_has_one_sheet_a_column_per_input_and_drop_downs_for_the_choices(logged_in, tender):
    workbook = template_sheet(logged_in, tender)

    assert len(workbook.worksheets) == 1
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    expected = [
        str(e.label) + (" *" if e.required else "")
        for e in bids.entries_of(bids.bid_parts(tender))
        if e.in_template
    ]
    assert header == expected
    assert header[:2] == ["Bidder *", "Price *"]
    assert "Read the risk assessment from" not in header  # a document cannot travel in a cell
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    letter = {value: cell.column_letter for value, cell in zip(header, sheet[1], strict=True)}
    assert validations[f"{letter['Label']}2"].formula1 == '"TCO Certified,EPEAT,An equivalent label,No label"'
    given = validations[f"{letter['Production sites of the products: given as']}2"].formula1
    assert given == '"A list of sites,A plan to compile the list,Nothing"'
    assert validations[f"{letter['Price *']}2"].type == "decimal"
    assert "One site per line" in sheet[f"{letter['Production sites of the products: sites']}1"].comment.text


def test_an_imported_template_gives_the_same_drafts_as_the_form(logged_in, buyer, tender, client):
    # given the template filled in for three bidders
    content = fill(template_sheet(logged_in, tender), TEMPLATE_ROWS)

    # when
    answer = logged_in.post(url("bids_import", tender), {"file": xlsx(content)})

    # then
    assert answer.status_code == 302
    imported = {d.bidder: d.bid for d in BidDraft.objects.all()}
    assert set(imported) == {"Lumen Computers", "Civic IT Reseller", "Budget Office Supplies"}
    # the same bids as entered in the browser
    for entries in (LUMEN, CIVIC, BUDGET):
        typed = bids.compose_bid(
            bids.bid_parts(tender), entries | {"price": bids.parse_price(entries["price"])}
        )
        assert imported[entries["bidder"]] == typed
    assert AuditEvent.objects.filter(action="tender.bid_draft.create").count() == 3
    # and evaluated as such
    logged_in.post(url("bids_evaluate", tender))
    ranks = {b["bidder"]: b["rank"] for b in BidEvaluation.objects.get().result["bids"]}
    assert ranks == {"Lumen Computers": 1, "Civic IT Reseller": 2, "Budget Office Supplies": None}


def test_an_import_with_bad_rows_is_refused_whole_naming_each_row_and_column(logged_in, tender):
    rows = copy.deepcopy(TEMPLATE_ROWS)
    rows[1]["Price"] = "412,000"
    rows[2]["Label"] = "Gold star"
    rows[2]["Production sites of the products: given as"] = "A list of sites"
    content = fill(template_sheet(logged_in, tender), rows)

    answer = logged_in.post(url("bids_import", tender), {"file": xlsx(content)})

    assert answer.status_code == 400
    errors = document(answer).find_all(id="import_file_error")[0].text
    assert "row 3, column B (Price): '412,000' could be read two ways" in errors
    assert (
        "row 4, column C (Label): 'Gold star' is not one of TCO Certified, EPEAT, An equivalent label, No label"
        in errors
    )
    assert (
        "row 4, column" in errors
        and "(Production sites of the products: sites): list at least one site" in errors
    )
    assert not BidDraft.objects.exists()  # not even the good first row
    assert not AuditEvent.objects.filter(action__startswith="tender.bid_draft").exists()


def test_an_unknown_column_is_named_with_the_column_meant(logged_in, tender):
    workbook = template_sheet(logged_in, tender)
    workbook.worksheets[0]["B1"] = "Prize"
    content = fill(workbook, [])
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    sheet["A2"], sheet["B2"] = "Lumen", 1
    buffer = io.BytesIO()
    sheet.parent.save(buffer)

    answer = logged_in.post(url("bids_import", tender), {"file": xlsx(buffer.getvalue())})

    errors = " ".join(error_texts(document(answer)))
    assert (
        "row 1, column B (Prize): not a column of this tender's bid template; did you mean Price?" in errors
    )
    assert "row 1: the column Price is missing" in errors


def test_a_bidder_twice_in_the_file_or_already_entered_is_named(logged_in, tender):
    content = fill(template_sheet(logged_in, tender), [TEMPLATE_ROWS[2], TEMPLATE_ROWS[2] | {"Price": 1}])
    answer = logged_in.post(url("bids_import", tender), {"file": xlsx(content)})
    assert "row 3, column A (Bidder): Budget Office Supplies is on row 2 already" in " ".join(
        error_texts(document(answer))
    )

    post_bid(logged_in, tender, BUDGET)
    content = fill(template_sheet(logged_in, tender), [TEMPLATE_ROWS[2] | {"Price": 250000}])
    answer = logged_in.post(url("bids_import", tender), {"file": xlsx(content)})
    assert "row 2: Budget Office Supplies has a bid entered already" in " ".join(
        error_texts(document(answer))
    )
    assert BidDraft.objects.get().price == 255000

    # with "replace" the row takes the draft's place
    answer = logged_in.post(url("bids_import", tender), {"file": xlsx(content), "replace": "on"})
    assert answer.status_code == 302
    draft = BidDraft.objects.get()
    assert draft.price == 250000 and draft.version == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bids.xlsx", b"PK\x03\x04 not really", "bids.xlsx"),
        ("bids.csv", b"Bidder,Price\nLumen,1\n", "unsupported file type"),
    ],
)
def test_a_file_that_is_no_workbook_is_refused(logged_in, tender, name, content, message):
    answer = logged_in.post(url("bids_import", tender), {"file": SimpleUploadedFile(name, content)})

    assert answer.status_code == 400
    assert message in " ".join(error_texts(document(answer)))
    assert not BidDraft.objects.exists()


def test_an_empty_template_is_refused(logged_in, tender):
    content = fill(template_sheet(logged_in, tender), [])

    answer = logged_in.post(url("bids_import", tender), {"file": xlsx(content)})

    assert "holds no bid" in " ".join(error_texts(document(answer)))


# --- the pages: walls, roles, speed, links ---------------------------------------------------------------------


def test_another_organisation_sees_none_of_it(client, outsider, buyer, tender):
    bids.bid_draft_save(
        actor=buyer,
        tender=tender,
        entries=LUMEN | {"price": 412000.0},
        uploads={"label": txt("tco.txt", "Certificate")},
    )
    draft = BidDraft.objects.get()
    client.force_login(outsider)

    for address in (
        url("bids", tender),
        url("bid_new", tender),
        url("bid", tender, draft.public_id),
        url("bid_file", tender, draft.public_id, "label"),
        url("bids_template", tender),
    ):
        assert client.get(address).status_code == 404, address
    assert client.post(url("bid_delete", tender, draft.public_id)).status_code == 404
    assert client.post(url("bids_evaluate", tender)).status_code == 404
    assert BidDraft.objects.count() == 1


def test_a_viewer_sees_the_drafts_but_cannot_change_them(client, viewer, buyer, tender):
    bids.bid_draft_save(actor=buyer, tender=tender, entries=LUMEN | {"price": 412000.0})
    client.force_login(viewer)

    page = client.get(url("bids", tender)).content.decode()
    assert "Lumen Computers" in page
    assert 'id="evaluate-drafts"' not in page and 'id="import-bids"' not in page

    answer = client.post(url("bid_new", tender), CIVIC)
    assert "Your role does not allow changes" in " ".join(error_texts(document(answer)))
    assert BidDraft.objects.count() == 1


def test_the_list_of_drafts_costs_the_same_queries_for_3_or_30_bids(logged_in, buyer, tender):
    def add(start, count):
        for n in range(start, start + count):
            BidDraft.objects.create(
                tender=tender,
                bidder=f"Bidder {n:03d}",
                price=1000 + n,
                bid={"bidder": f"Bidder {n:03d}", "price": 1000 + n},
            )

    add(0, 3)
    with CaptureQueriesContext(connection) as few:
        assert logged_in.get(url("bids", tender)).status_code == 200
    add(3, 27)
    with CaptureQueriesContext(connection) as many:
        page = logged_in.get(url("bids", tender))
    assert len(many) == len(few)
    assert "1–25 of 30" in page.content.decode()


def test_the_tender_page_links_to_the_bids(logged_in, tender):
    page = document(logged_in.get(tender.get_absolute_url()))

    (link,) = page.find_all("a", id="enter-bids")
    assert link.text == "Enter the bids"
    assert link.get("href") == url("bids", tender)


# --- JSON: strict, and documented by example ---------------------------------------------------------------------


def test_the_bids_page_documents_the_json_with_an_example_that_evaluates(logged_in, tender):
    page = document(logged_in.get(url("bids", tender)))

    (details,) = page.find_all("details", id="bids-json")
    assert "did you mean risk_assessment?" in details.text
    fields = [row.find_all("td")[0].text for row in details.find_all("tr")[1:]]
    assert fields[:3] == ["bidder", "price", "label"]
    assert "product_sites, component_sites" in fields
    example = json.loads(details.find_all("pre", id="json-example")[0].text)
    assert example == bids.JSON_EXAMPLES[2]


@pytest.mark.parametrize("scenario", [1, 2, 3])
def test_every_example_evaluates_and_together_they_show_every_field_and_form(scenario):
    evaluation = evaluate_bids(bids.JSON_EXAMPLES[scenario], FRAMEWORK)

    assert len(evaluation.bids) == 2
    assert not evaluation.notes  # no field an example gives goes unread


def test_the_examples_cover_each_accepted_form():
    given = [bid for request in bids.JSON_EXAMPLES.values() for bid in request["bids"]]
    assert any("sites" in b.get("product_sites", {}) for b in given)
    assert any("plan" in b.get("product_sites", {}) for b in given)
    assert any("plan" in b.get("component_sites", {}) for b in given)
    assert any(b.get("policy_commitment", {}).get("written") is True for b in given)
    assert any(isinstance(b.get("policy_commitment", {}).get("written"), str) for b in given)
    assert any(b.get("label", "x") is None for b in given)
    assert any("source" in b.get("risk_assessment", {}) for b in given)


def test_the_readme_example_is_accepted():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- bids-json-example -->")
    block = readme[start:].split("```json", 1)[1].split("```", 1)[0]
    evaluation = evaluate_bids(json.loads(block), FRAMEWORK)
    assert [b.bidder for b in evaluation.bids]
    assert "risk_assesment: unknown field; did you mean risk_assessment?" in " ".join(readme.split())


def test_the_api_refuses_a_misspelled_field_naming_it_and_the_field_meant(client, db):
    request = demo_request()
    request["bids"][0]["risk_assesment"] = request["bids"][0].pop("risk_assessment")

    answer = client.post("/api/v1/tenders/evaluate", json.dumps(request), content_type="application/json")

    assert answer.status_code == 422
    assert answer.json() == {
        "detail": "bids[0].risk_assesment: unknown field; did you mean risk_assessment?",
        "field": "bids[0].risk_assesment",
        "errors": [
            {"field": "bids[0].risk_assesment", "message": "unknown field; did you mean risk_assessment?"}
        ],
    }


def test_the_api_names_a_misspelled_required_field_before_its_absence(client, db):
    request = demo_request()
    request["bids"][1]["prise"] = request["bids"][1].pop("price")

    answer = client.post("/api/v1/tenders/evaluate", json.dumps(request), content_type="application/json")

    assert answer.status_code == 422
    assert answer.json()["detail"] == "bids[1].prise: unknown field; did you mean price?"


def test_the_openapi_document_gives_an_example_per_scenario(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/tenders/evaluate"]["post"]["requestBody"]["content"]["application/json"]
    examples = body["examples"]
    assert [e["value"] for e in examples.values()] == [bids.JSON_EXAMPLES[n] for n in (1, 2, 3)]
    described = schema["components"]["schemas"]["EvaluationIn"]["description"]
    assert "did you mean" in described


def test_the_command_line_refuses_a_misspelled_field_with_exit_status_2(cli, tmp_path):
    request = demo_request()
    request["bids"][0]["risk_assesment"] = request["bids"][0].pop("risk_assessment")
    path = tmp_path / "bids.json"
    path.write_text(json.dumps(request), encoding="utf-8")

    result = cli("tender", "evaluate", path)

    assert_refused(result, "bids[0].risk_assesment: unknown field; did you mean risk_assessment?")


def test_the_page_upload_refuses_a_misspelled_field_too(logged_in, tender):
    request = demo_request()
    request["wieghts"] = request.pop("weights")
    upload = SimpleUploadedFile("bids.json", json.dumps(request).encode(), content_type="application/json")

    answer = logged_in.post(url("evaluate", tender), {"bids": upload})

    assert answer.status_code == 400
    assert "wieghts: unknown field; did you mean weights?" in " ".join(error_texts(document(answer)))
    assert not BidEvaluation.objects.exists()
