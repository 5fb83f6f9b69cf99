"""Issue 15: a bid's policy commitment (AC2) and due-diligence description (AC7) are read from the attached document
with hrdd's document check, as the risk assessment (AC1) is read with step 1's check: the check is stored with the
file, fills what the buyer left empty, and the bid's source says which answers came from which reading."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from hrdd.domain.risk_check import check_risk_assessment
from hrdd.domain.tender import evaluate_bids, get_tender_framework
from hrdd.tenders import bids
from hrdd.tenders.models import BidDraft, BidFile
from hrdd.tenders.services import tender_create
from tests.html import controls, document, error_texts

POLICY = """Human-rights policy of Lumen Computers

We commit to respect human rights throughout our supply chain, as the UN Guiding Principles ask.
Our supplier code of conduct is part of every contract and is signed by suppliers each year.
It refers to the ILO core conventions.
"""
POLICY_WITHOUT_SUPPLIERS = """Lumen Computers and human rights

We commit to respect human rights in everything we do.
"""
DENIAL = """About Budget Office Supplies

We have no code of conduct.
"""
GERMAN_POLICY = [
    "Menschenrechtspolitik der Nordbyte GmbH",
    "Wir verpflichten uns, die Menschenrechte in unserer Lieferkette zu achten.",
    "Unser Verhaltenskodex ist Bestandteil unserer Verträge und wird von Lieferanten unterzeichnet.",
]
DUE_DILIGENCE = """How Civic IT handles due diligence.
Each year we carry out a risk assessment by country and raw material.
We audit high-risk suppliers with third-party audits and worker interviews.
We agree corrective action plans with the suppliers concerned.
"""
DUTCH_DUE_DILIGENCE = """Gepaste zorgvuldigheid bij Civic IT.
Ons mensenrechtenbeleid en onze gedragscode gelden voor alle leveranciers.
Elk jaar maken wij een risicoanalyse per land en per grondstof.
Wij voeren sociale audits uit bij leveranciers met een hoog risico.
Bij bevindingen spreken wij corrigerende maatregelen af met de leverancier.
Wij rapporteren jaarlijks over onze aanpak in ons jaarverslag.
"""
LUMEN = {"bidder": "Lumen Computers", "price": "412000", "label_kind": "tco"}


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def one(buyer):
    """A scenario 1 tender: AC1 risk assessment, AC2 policy commitment."""
    return tender_create(actor=buyer, title="Notebooks 2027", scenario=1)


@pytest.fixture
def three(buyer):
    """A scenario 3 tender: AC7 due-diligence processes, 20% per element."""
    return tender_create(actor=buyer, title="Servers 2027", scenario=3)


def url(name, tender, *args):
    return reverse(f"tenders:{name}", args=[tender.public_id, *args])


def post_bid(client, tender, data, draft=None, **files):
    target = url("bid", tender, draft.public_id) if draft else url("bid_new", tender)
    return client.post(target, {**data, **files})


def txt(name, text):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


def docx(name, paragraphs):
    out = io.BytesIO()
    word = Document()
    for paragraph in paragraphs:
        word.add_paragraph(paragraph)
    word.save(out)
    return SimpleUploadedFile(
        name,
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def reason(tender, criterion):
    preview = bids.bid_preview(tender, BidDraft.objects.get().bid)
    return preview.fractions[criterion], preview.fraction_reasons[criterion]


# --- AC2: the policy commitment -----------------------------------------------------------------------------


def test_a_policy_document_is_checked_stored_and_read_when_nothing_is_typed(logged_in, one):
    # when the buyer attaches the bidder's policy and types no answer
    answer = post_bid(logged_in, one, LUMEN, file_policy_commitment=txt("lumen-policy.txt", POLICY))

    # then the document check is stored with the file
    assert answer.status_code == 302
    evidence = BidFile.objects.get()
    assert evidence.part == "policy_commitment"
    assert evidence.check_result["check"] == "policy-commitment"
    assert evidence.check_result["score"] == 100
    # and the two facts of AC2 are the sentences it found them in
    policy = BidDraft.objects.get().bid["policy_commitment"]
    assert policy["written"].splitlines() == [
        "Human-rights policy of Lumen Computers",
        "We commit to respect human rights throughout our supply chain, as the UN Guiding Principles ask.",
        "Our supplier code of conduct is part of every contract and is signed by suppliers each year.",
    ]
    assert policy["communicated_to_suppliers"] == (
        "Our supplier code of conduct is part of every contract and is signed by suppliers each year."
    )
    assert policy["source"].startswith(
        "hrdd's check of lumen-policy.txt: a written commitment, “Human-rights policy of Lumen Computers”; "
    )
    fraction, why = reason(one, "AC2")
    assert fraction == 1.0
    assert why.startswith("written commitment, communicated to suppliers (hrdd's check of lumen-policy.txt: ")
    assert "communicated to suppliers, “Our supplier code of conduct is part of every contract" in why


def test_the_bid_page_shows_each_element_found_or_not_with_its_sentences(logged_in, one):
    post_bid(logged_in, one, LUMEN, file_policy_commitment=txt("lumen-policy.txt", POLICY))
    draft = BidDraft.objects.get()

    page = document(logged_in.get(url("bid", one, draft.public_id)))

    shown = page.by_id("check-policy_commitment")
    text = shown.text
    assert "4 of 5 elements found, 100 of 100 points." in text
    assert "Read as English." in text
    found = [li.text for li in shown.find_all("li", cls="element-found")]
    missing = [li.text for li in shown.find_all("li", cls="element-missing")]
    assert found[0].startswith("✓ A written commitment to respect human rights (50 points)")
    assert "“It refers to the ILO core conventions.”" in found[3]
    assert missing == ["✗ Due-diligence requirements for suppliers (reported, not scored; not found)"]
    assert "Source: CFIT manual 3.3.2, award criterion 2" in text
    # the risk assessment's box is not drawn as a policy check
    assert page.by_id("check-risk_assessment") is None


def test_a_german_policy_in_word_is_read_in_german(logged_in, one):
    answer = post_bid(
        logged_in, one, LUMEN, file_policy_commitment=docx("nordbyte-richtlinie.docx", GERMAN_POLICY)
    )

    assert answer.status_code == 302
    check = BidFile.objects.get().check_result
    assert check["language"] == "de"
    policy = BidDraft.objects.get().bid["policy_commitment"]
    assert "Wir verpflichten uns, die Menschenrechte" in policy["written"]
    assert "von Lieferanten unterzeichnet" in policy["communicated_to_suppliers"]
    assert reason(one, "AC2")[0] == 1.0
    page = logged_in.get(url("bid", one, BidDraft.objects.get().public_id)).content.decode()
    assert "Read as German." in page


def test_typed_answers_count_and_the_reason_names_where_the_check_disagrees(logged_in, one):
    # when the buyer answers yes and no, but the document shows it reaches suppliers
    answer = post_bid(
        logged_in,
        one,
        LUMEN | {"policy_written": "yes", "policy_communicated": "no"},
        file_policy_commitment=txt("lumen-policy.txt", POLICY),
    )

    # then the typed answers count, and hrdd's reading is named in the reason
    assert answer.status_code == 302
    policy = BidDraft.objects.get().bid["policy_commitment"]
    assert policy["written"] is True and policy["communicated_to_suppliers"] is False
    fraction, why = reason(one, "AC2")
    assert fraction == 0.5
    assert why == (
        "written commitment, not shown to be communicated to suppliers (typed by the buyer; hrdd's check of "
        "lumen-policy.txt disagrees: communicated to suppliers, “Our supplier code of conduct is part of every "
        "contract and is signed by suppliers each…”)"
    )


def test_a_fact_left_unanswered_is_read_from_the_document_and_the_answered_one_kept(logged_in, one):
    # when the buyer answers only that the policy did not reach suppliers
    post_bid(
        logged_in,
        one,
        LUMEN | {"policy_communicated": "no"},
        file_policy_commitment=txt("lumen-policy.txt", POLICY),
    )

    # then the written commitment comes from the document, the answer given counts, and both are named
    policy = BidDraft.objects.get().bid["policy_commitment"]
    assert policy["written"].startswith("Human-rights policy of Lumen Computers\nWe commit")
    assert policy["communicated_to_suppliers"] is False
    assert policy["source"] == (
        "hrdd's check of lumen-policy.txt: a written commitment, “Human-rights policy of Lumen Computers”; "
        "the communication to suppliers typed by the buyer; hrdd's check of lumen-policy.txt disagrees: "
        "communicated to suppliers, “Our supplier code of conduct is part of every contract and is signed by "
        "suppliers each…”"
    )
    assert reason(one, "AC2")[0] == 0.5


def test_typed_answers_that_agree_with_the_check_say_so(logged_in, one):
    post_bid(
        logged_in,
        one,
        LUMEN | {"policy_written": "yes", "policy_communicated": "no"},
        file_policy_commitment=txt("lumen-policy.txt", POLICY_WITHOUT_SUPPLIERS),
    )

    assert reason(one, "AC2") == (
        0.5,
        "written commitment, not shown to be communicated to suppliers "
        "(typed by the buyer; hrdd's check of lumen-policy.txt agrees)",
    )


def test_a_denied_code_of_conduct_does_not_count(logged_in, one):
    post_bid(logged_in, one, LUMEN, file_policy_commitment=txt("budget-policy.txt", DENIAL))

    check = BidFile.objects.get().check_result
    assert not any(e["found"] for e in check["elements"])
    policy = BidDraft.objects.get().bid["policy_commitment"]
    assert policy["written"] is False and policy["communicated_to_suppliers"] is False
    assert reason(one, "AC2") == (
        0.0,
        "no written commitment (hrdd's check of budget-policy.txt: no written commitment; "
        "not communicated to suppliers)",
    )


def test_the_buyer_may_have_the_document_read_over_the_typed_answers(logged_in, one):
    # given a draft with typed answers and no document: no choice to make yet
    post_bid(logged_in, one, LUMEN | {"policy_written": "no", "policy_communicated": "no"})
    draft = BidDraft.objects.get()
    assert not controls(document(logged_in.get(url("bid", one, draft.public_id))), "policy_read_from")
    post_bid(
        logged_in,
        one,
        LUMEN | {"policy_written": "no", "policy_communicated": "no", "version": "1"},
        draft,
        file_policy_commitment=txt("lumen-policy.txt", POLICY),
    )
    (choice,) = controls(document(logged_in.get(url("bid", one, draft.public_id))), "policy_read_from")
    assert [o.get("value") for o in choice.find_all("option")] == ["", "document", "typed"]

    # when the buyer chooses the document
    answer = post_bid(
        logged_in,
        one,
        LUMEN
        | {
            "policy_written": "no",
            "policy_communicated": "no",
            "policy_read_from": "document",
            "version": "2",
        },
        draft,
    )

    # then hrdd's reading counts and the reason says the typed answers differ
    assert answer.status_code == 302
    fraction, why = reason(one, "AC2")
    assert fraction == 1.0
    assert why.endswith("; the answers typed by the buyer say otherwise)")

    # and once the document is removed, the typed answers are what is left
    answer = post_bid(
        logged_in,
        one,
        LUMEN
        | {
            "policy_written": "no",
            "policy_communicated": "no",
            "policy_read_from": "document",
            "version": "3",
            "remove_policy_commitment": "on",
        },
        draft,
    )
    assert answer.status_code == 302
    assert not BidFile.objects.exists()
    assert "policy_read_from" not in BidDraft.objects.get().entries
    assert reason(one, "AC2") == (0.0, "no written commitment")


def test_a_refused_policy_file_stores_nothing(logged_in, one):
    answer = post_bid(
        logged_in,
        one,
        LUMEN,
        file_policy_commitment=SimpleUploadedFile(
            "policy.pdf", b"not a pdf at all", content_type="application/pdf"
        ),
    )

    assert answer.status_code == 400
    errors = error_texts(document(answer))
    assert any("policy.pdf" in e for e in errors)
    assert not BidDraft.objects.exists() and not BidFile.objects.exists()


def test_a_refused_file_on_an_existing_draft_leaves_it_as_it_was(logged_in, one):
    post_bid(logged_in, one, LUMEN, file_policy_commitment=txt("lumen-policy.txt", POLICY))
    draft = BidDraft.objects.get()
    before = (draft.bid, draft.version, BidFile.objects.get().check_result)

    answer = post_bid(
        logged_in,
        one,
        LUMEN | {"version": "1"},
        draft,
        file_policy_commitment=SimpleUploadedFile(
            "policy.exe", b"MZ", content_type="application/octet-stream"
        ),
    )

    assert answer.status_code == 400
    draft.refresh_from_db()
    assert (draft.bid, draft.version, BidFile.objects.get().check_result) == before
    assert BidFile.objects.get().filename == "lumen-policy.txt"


# --- AC7: the due-diligence description ---------------------------------------------------------------------


def test_elements_left_empty_are_filled_from_the_document_and_the_source_names_them(logged_in, three):
    # when the buyer types two elements and attaches a description that covers three others
    answer = post_bid(
        logged_in,
        three,
        LUMEN | {"dd_policies": "Supplier code of conduct, 2024", "dd_reporting": "Annual report, p. 12"},
        file_due_diligence=txt("civic-dd.txt", DUE_DILIGENCE),
    )

    # then the typed ones stay, the empty ones come from the document, and the bid says which is which
    assert answer.status_code == 302
    assert BidFile.objects.get().check_result["check"] == "due-diligence"
    dd = BidDraft.objects.get().bid["due_diligence"]
    assert dd["policies"] == "Supplier code of conduct, 2024"
    assert dd["reporting"] == "Annual report, p. 12"
    assert dd["monitoring"] == "We audit high-risk suppliers with third-party audits and worker interviews."
    assert dd["source"] == (
        "risk_identification, monitoring, mitigation from hrdd's check of civic-dd.txt; "
        "policies, reporting typed by the buyer; hrdd's check of civic-dd.txt did not find policies, reporting"
    )
    fraction, why = reason(three, "AC7")
    assert fraction == 1.0
    assert why.startswith(
        "5 of 5 elements described (risk_identification, monitoring, mitigation from hrdd's"
    )


def test_a_dutch_description_gives_all_five_elements(logged_in, three):
    post_bid(logged_in, three, LUMEN, file_due_diligence=txt("civic-zorgvuldigheid.txt", DUTCH_DUE_DILIGENCE))

    check = BidFile.objects.get().check_result
    assert check["language"] == "nl" and check["score"] == 100
    dd = BidDraft.objects.get().bid["due_diligence"]
    assert dd["reporting"] == "Wij rapporteren jaarlijks over onze aanpak in ons jaarverslag."
    assert reason(three, "AC7")[0] == 1.0
    page = document(logged_in.get(url("bid", three, BidDraft.objects.get().public_id)))
    shown = page.by_id("check-due_diligence").text
    assert "5 of 5 elements found, 100 of 100 points." in shown
    assert "How it monitors prioritised risks at high-risk suppliers (20 points)" in shown
    assert "“Wij voeren sociale audits uit bij leveranciers met een hoog risico.”" in shown


def test_with_typed_elements_only_the_check_is_named_but_not_read(logged_in, three):
    answer = post_bid(
        logged_in,
        three,
        LUMEN | {"dd_policies": "Supplier code of conduct"},
        file_due_diligence=txt("civic-dd.txt", DUE_DILIGENCE),
    )
    draft = BidDraft.objects.get()
    assert answer.status_code == 302

    post_bid(
        logged_in,
        three,
        LUMEN | {"dd_policies": "Supplier code of conduct", "dd_read_from": "typed", "version": "1"},
        draft,
    )

    dd = BidDraft.objects.get().bid["due_diligence"]
    assert set(dd) == {"policies", "source"}
    fraction, why = reason(three, "AC7")
    assert fraction == pytest.approx(0.2)
    assert (
        "hrdd's check of civic-dd.txt also found risk_identification, monitoring, mitigation, not read" in why
    )


def test_a_description_with_nothing_in_it_says_so(logged_in, three):
    post_bid(logged_in, three, LUMEN, file_due_diligence=txt("empty.txt", "We sell computers."))

    assert BidDraft.objects.get().bid["due_diligence"] == {
        "source": "hrdd's check of empty.txt found none of the elements"
    }
    assert reason(three, "AC7")[0] == 0.0


# --- the other ways in and out ------------------------------------------------------------------------------


def test_a_risk_assessment_stored_before_keeps_its_display_and_an_unread_policy_file_renders(logged_in, one):
    # given a draft whose files were stored before the policy was read: the AC1 check, and no check at all
    post_bid(logged_in, one, LUMEN | {"policy_written": "yes"})
    draft = BidDraft.objects.get()
    BidFile.objects.create(
        draft=draft,
        part="risk_assessment",
        file="bids/old-ra.txt",
        filename="old-ra.txt",
        content_type="text/plain",
        size=10,
        check_result=check_risk_assessment("Cobalt from the Democratic Republic of the Congo.").as_dict(),
    )
    BidFile.objects.create(
        draft=draft,
        part="policy_commitment",
        file="bids/old-policy.txt",
        filename="old-policy.txt",
        content_type="text/plain",
        size=10,
    )

    # when the page is opened and the draft saved again
    page = document(logged_in.get(url("bid", one, draft.public_id)))
    answer = post_bid(logged_in, one, LUMEN | {"policy_written": "yes", "version": "1"}, draft)

    # then the risk assessment's check shows as before, the unread policy file has no check and no choice
    assert "it does not meet the minimum contents." in page.by_id("check-risk_assessment").text
    assert page.by_id("check-policy_commitment") is None
    assert not controls(page, "policy_read_from")
    assert answer.status_code == 302
    assert BidDraft.objects.get().bid["policy_commitment"] == {
        "written": True,
        "communicated_to_suppliers": False,
    }


def test_choosing_the_document_of_an_unread_file_is_refused_naming_the_file(one):
    parts = bids.bid_parts(one)
    evidence = {"policy_commitment": bids.Evidence(filename="old-policy.txt")}

    with pytest.raises(bids.BidEntryError) as refused:
        bids.compose_bid(parts, {"bidder": "X", "price": 1.0, "policy_read_from": "document"}, evidence)

    assert refused.value.problems == [
        ("policy_read_from", "hrdd has not read old-policy.txt: attach it again, or choose the typed answers")
    ]


def test_a_template_import_replacing_a_draft_reads_its_policy_document(logged_in, one):
    # given a draft with its policy attached, the answers left to the document
    post_bid(logged_in, one, LUMEN, file_policy_commitment=txt("lumen-policy.txt", POLICY))
    workbook = load_workbook(io.BytesIO(logged_in.get(url("bids_template", one)).content))
    sheet = workbook.worksheets[0]
    columns = {str(c.value).removesuffix(" *"): c.column for c in sheet[1]}
    assert not any(
        name.startswith("Read the") for name in columns
    )  # the choice needs a file: not in the template
    sheet.cell(row=2, column=columns["Bidder"], value="Lumen Computers")
    sheet.cell(row=2, column=columns["Price"], value=405000)
    out = io.BytesIO()
    workbook.save(out)

    # when the template replaces it
    answer = logged_in.post(
        url("bids_import", one),
        {"file": SimpleUploadedFile("bids.xlsx", out.getvalue()), "replace": "on"},
    )

    # then the document still gives the answers
    assert answer.status_code == 302
    draft = BidDraft.objects.get()
    assert draft.price == 405000.0
    assert draft.bid["policy_commitment"]["source"].startswith("hrdd's check of lumen-policy.txt")
    assert reason(one, "AC2")[0] == 1.0


def test_the_json_documents_the_source_and_the_api_quotes_it_in_the_reason(client, db):
    assert "policy_commitment.source" in [path for path, _accepted, _meaning in bids.JSON_FIELDS]
    assert "due_diligence.source" in [path for path, _accepted, _meaning in bids.JSON_FIELDS]
    request = json.loads(json.dumps(bids.JSON_EXAMPLES[1]))
    request["bids"][0]["policy_commitment"]["source"] = "hrdd's check of lumen-policy.pdf"

    answer = client.post("/api/v1/tenders/evaluate", json.dumps(request), content_type="application/json")

    assert answer.status_code == 200
    lumen = answer.json()["bids"][0]
    assert lumen["fraction_reasons"]["AC2"] == (
        "written commitment, communicated to suppliers (hrdd's check of lumen-policy.pdf)"
    )
    example = evaluate_bids(bids.JSON_EXAMPLES[3], get_tender_framework())
    assert (
        "(reporting from hrdd's check of civic-due-diligence.pdf; policies typed by the buyer)"
        in (example.bids[1].fraction_reasons["AC7"])
    )


def test_a_source_that_is_no_text_is_refused_naming_its_field(client, db):
    request = json.loads(json.dumps(bids.JSON_EXAMPLES[3]))
    request["bids"][0]["due_diligence"]["source"] = 7

    answer = client.post("/api/v1/tenders/evaluate", json.dumps(request), content_type="application/json")

    assert answer.status_code == 422
    assert answer.json()["field"] == "bids[0].due_diligence.source"
