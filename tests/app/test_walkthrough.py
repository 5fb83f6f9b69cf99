"""What a procurement officer new to hrdd stumbled on when walking from the risks to the contract (issue 10's
timed walkthrough), each fixed and kept fixed here."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from hrdd.consultations.services import invitation_create, invitation_submit
from hrdd.domain.questionnaire_framework import get_framework
from hrdd.tenders.services import bid_evaluation_create, tender_create
from tests.factories import response
from tests.html import controls, document, value_of

DEMO_BIDS = Path(__file__).resolve().parents[2] / "hrdd" / "demo_data" / "bids-scenario-2.json"


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def tender(buyer):
    return tender_create(
        actor=buyer, title="Notebooks 2027", scenario=2, weights={"price": 60, "AC3": 20, "AC4": 20}
    )


def test_the_tender_page_opens_with_the_tenders_title_and_the_way_to_its_bids(logged_in, tender):
    # when
    page = document(logged_in.get(tender.get_absolute_url()))

    # then: the page says which tender it is before anything else, not only the annex further down
    headings = page.find_all("h1")
    assert headings[0].text == "Notebooks 2027"
    assert headings[0].get("id") == "tender-title"
    # and the next steps are named at the top, with the link to the bids (not only at the foot of the page)
    next_step = page.by_id("tender-next")
    assert next_step.text.startswith("Scenario 2: medium market maturity.")
    links = [a.get("href") for a in next_step.find_all("a")]
    assert links == [reverse("tenders:bids", args=[tender.public_id])]


CIVIC = {
    "bidder": "Civic IT Reseller",
    "price": "389000",
    "label_kind": "epeat",
    "ra_components": "battery",
    "ra_raw_materials": "cobalt\nlithium",
    "ra_countries": "Congo; Australia",
    "ra_risks": "Cobalt from artisanal mines.\nWater use of lithium extraction.\nPassports retained at factories.",
    "product_sites_given": "plan",
    "product_sites_timeline": "Site list within 9 months of award",
    "product_sites_deliverables": "Final assembly and battery sites",
    "product_sites_challenges": "The brand shares sites only under NDA",
    "product_sites_supplier_engagement": "Quarterly meetings with the brand",
    "action_1": "Supplier code of conduct in every order",
    "justification_1": "Makes the brand accountable.",
}
LUMEN_SITES = {
    "bidder": "Lumen Computers",
    "price": "412000",
    "label_kind": "tco",
    "product_sites_given": "list",
    "product_sites_sites": "Lumen Assembly Plant 2; 88 Industrial Road, Kunshan; China",
}


def enter(client, tender, data):
    response = client.post(reverse("tenders:bid_new", args=[tender.public_id]), data)
    assert response.status_code == 302, response.content.decode()


def test_the_drafts_show_prices_and_shares_as_the_award_report_writes_them(logged_in, tender):
    # given
    enter(logged_in, tender, CIVIC)

    # when
    page = document(logged_in.get(reverse("tenders:bids", args=[tender.public_id])))

    # then: the price with its currency and separators, AC3 and AC4 in per cent (not 389000, 0.7 and 0.3)
    row = page.by_id("drafts").find_all("tr")[1]
    cells = [td.text for td in row.find_all("td")]
    assert cells[:7] == ["Civic IT Reseller", "EUR 389,000.00", "yes", "✓", "✓", "70%", "30%"]
    # and the reason behind a share is a sentence with the field's name in words
    ac3 = row.find_all("td")[5]
    assert (
        ac3.get("title")
        == "Production sites of the products: no complete site, but a plan with all four parts."
    )


def test_a_drafts_page_reads_its_criteria_in_words_not_field_names(logged_in, tender):
    # given
    enter(logged_in, tender, LUMEN_SITES)
    draft = tender.bid_drafts.get()

    # when
    page = document(logged_in.get(reverse("tenders:bid", args=[tender.public_id, draft.public_id])))

    # then: the columns of the award report's table, with its words
    table = page.by_id("preview-criteria")
    assert [th.text for th in table.find_all("th")] == ["Criterion", "Earned", "Why"]
    rows = [[td.text for td in tr.find_all("td")] for tr in table.find_all("tr")[1:]]
    assert rows[0] == ["LABEL", "met", "Label: TCO Certified."]
    assert rows[1][:2] == ["SC1", "not met"]
    assert rows[2] == [
        "AC3",
        "100%",
        "Production sites of the products: a list with 1 site(s) with name and address.",
    ]
    assert rows[3][:2] == ["AC4", "0%"]
    assert "product_sites" not in page.by_id("preview").text
    assert page.by_id("preview").find("li").text.startswith("SC1 not met")


def test_the_recommendation_gives_the_baseline_advice_once(logged_in, buyer, consultation):
    # given three suppliers answered
    for n in range(3):
        invitation = invitation_create(
            actor=buyer, consultation=consultation, email=f"s{n}@supplier{n}.example", send=False
        )
        invitation_submit(invitation=invitation, raw=response(company=f"Supplier {n}"))
    baseline = get_framework().market.baseline.text

    # when
    page = document(logged_in.get(consultation.get_absolute_url()))

    # then: the reasons end with the last scenario checked, and the baseline follows on its own line, once
    recommendation = page.by_id("recommendation")
    assert recommendation.text.count(baseline) == 1
    assert page.by_id("recommendation-why").text.endswith("so this is met.")


def test_awarding_from_the_award_report_fills_the_contract_form_without_filtering_the_obligations(
    logged_in, buyer, tender
):
    # given the bids evaluated
    stored, _evaluation = bid_evaluation_create(
        actor=buyer, tender=tender, bids=json.loads(DEMO_BIDS.read_text(encoding="utf-8"))
    )
    report = document(logged_in.get(reverse("tenders:evaluation", args=[tender.public_id, stored.pk])))
    award = next(a for a in report.find_all("a") if a.text == "Award the contract to Lumen Computers")

    # when the buyer follows the award link
    page = document(logged_in.get(award.get("href").split("#")[0]))

    # then the new contract names the tender and the winner
    form = page.by_id("new-contract")
    assert value_of(controls(form, "tender")[0]) == str(tender.public_id)
    assert value_of(controls(form, "supplier_name")[0]) == "Lumen Computers"
    # and the obligations are not filtered by the winner's name
    filters = page.by_id("obligation-filters")
    assert value_of(controls(filters, "supplier")[0]) in ("", None)


def test_a_tender_without_clause_cc1_does_not_ask_for_its_months(logged_in, buyer, tender):
    # given a scenario 1 tender beside the scenario 2 one
    scenario_1 = tender_create(
        actor=buyer, title="Tablets 2027", scenario=1, weights={"price": 60, "AC1": 20}
    )

    # when
    without = document(logged_in.get(tender.get_absolute_url())).by_id("parameters")
    with_cc1 = document(logged_in.get(scenario_1.get_absolute_url())).by_id("parameters")

    # then: scenario 2 has no CC1, so no box for its months; scenario 1 keeps it
    assert controls(without, "months") == []
    assert value_of(controls(with_cc1, "months")[0]) == "3"
    # and saving scenario 2's parameters without the box keeps its months
    logged_in.post(
        tender.get_absolute_url(), {"require_label": "on", "weight_price": "50", "weight_AC3": "30"}
    )
    tender.refresh_from_db()
    assert tender.months == 3
    assert tender.weights["price"] == 50


def test_the_new_tender_and_contract_forms_say_which_scenario_the_months_are_for(logged_in):
    # when
    tenders = document(logged_in.get(reverse("tenders:list")))
    contracts = document(logged_in.get(reverse("contracts:dashboard") + "?new=1"))

    # then
    for page, form in ((tenders, "new-tender"), (contracts, "new-contract")):
        months = controls(page.by_id(form), "months")[0]
        hint = page.by_id(months.get("aria-describedby").split()[0])
        assert hint.text == "Only for the risk assessment due after the award (clause CC1, scenario 1)."
