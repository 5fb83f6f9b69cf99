"""A procurement is the thread through the four steps: each step's record belongs to one purchase."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hrdd.consultations.services import consultation_create
from hrdd.core.errors import InputError
from hrdd.domain.risk import Adjustments
from hrdd.domain.tender import TenderInputError
from hrdd.procurements.models import Procurement
from hrdd.procurements.selectors import procurement_thread
from hrdd.procurements.services import procurement_create, procurement_update
from hrdd.risks.services import risk_assessment_save
from hrdd.tenders.models import Tender
from hrdd.tenders.services import tender_create
from tests.factories import ProcurementFactory
from tests.html import parse

DEADLINE = __import__("datetime").date(2031, 3, 1)


def test_opening_a_procurement_stores_it_in_the_buyers_organisation(buyer, municipality):
    procurement = procurement_create(
        actor=buyer, title="Notebooks 2027", product_category="notebook", reference="T-14"
    )
    assert (procurement.organisation, procurement.status, procurement.reference) == (
        municipality,
        "open",
        "T-14",
    )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": " ", "product_category": "notebook"}, "title"),
        ({"title": "x" * 201, "product_category": "notebook"}, "title"),
        ({"title": "Phones", "product_category": "toaster"}, "product_category"),
        ({"title": "Phones", "product_category": "notebook", "status": "won"}, "status"),
    ],
)
def test_bad_procurement_input_is_refused_naming_the_field(buyer, values, field):
    with pytest.raises(InputError) as refused:
        procurement_create(actor=buyer, **values)
    assert refused.value.field == field
    assert not Procurement.objects.exists()


def test_a_viewer_cannot_open_or_change_a_procurement(viewer, municipality):
    with pytest.raises(PermissionDenied):
        procurement_create(actor=viewer, title="Phones", product_category="smartphone")
    procurement = ProcurementFactory(organisation=municipality)
    with pytest.raises(PermissionDenied):
        procurement_update(
            actor=viewer,
            procurement=procurement,
            title="x",
            product_category="notebook",
            reference="",
            status="closed",
        )


def test_each_step_saved_for_a_procurement_points_to_it(buyer):
    # given
    procurement = procurement_create(actor=buyer, title="Notebooks 2027", product_category="notebook")
    # when each step is saved with it
    assessment = risk_assessment_save(
        actor=buyer, title="Risks", product="notebook", adjustments=Adjustments(), procurement=procurement
    )
    consultation = consultation_create(
        actor=buyer, title="Market", product_category="notebook", deadline=DEADLINE, procurement=procurement
    )
    tender = tender_create(
        actor=buyer, title="Annex", scenario=2, consultation=consultation, risk_assessment=assessment
    )
    # then the star holds together
    assert assessment.procurement == consultation.procurement == tender.procurement == procurement


def test_a_tender_cannot_mix_the_consultation_and_risk_assessment_of_two_purchases(buyer):
    # given two purchases, each with its own step
    consultation = consultation_create(
        actor=buyer, title="Notebooks", product_category="notebook", deadline=DEADLINE
    )
    assessment = risk_assessment_save(
        actor=buyer, title="Phones", product="smartphone", adjustments=Adjustments()
    )
    assert consultation.procurement != assessment.procurement
    # when a tender names both, then it is refused and nothing is stored
    with pytest.raises(TenderInputError) as refused:
        tender_create(
            actor=buyer, title="Annex", scenario=2, consultation=consultation, risk_assessment=assessment
        )
    assert refused.value.field == "procurement"
    assert not Tender.objects.exists()


def test_saving_a_step_without_a_procurement_opens_one_named_after_it(buyer):
    assessment = risk_assessment_save(
        actor=buyer, title="Phone risks", product="smartphone", adjustments=Adjustments()
    )
    assert (assessment.procurement.title, assessment.procurement.product_category) == (
        "Phone risks",
        "smartphone",
    )


def test_the_thread_says_what_is_done_and_what_comes_next(buyer):
    procurement = procurement_create(actor=buyer, title="Notebooks", product_category="notebook")
    thread = procurement_thread(procurement)
    assert [s.done for s in thread.steps] == [False, False, False, False]
    assert thread.next_step.number == 1
    risk_assessment_save(
        actor=buyer, title="Risks", product="notebook", adjustments=Adjustments(), procurement=procurement
    )
    thread = procurement_thread(procurement)
    assert [s.done for s in thread.steps] == [True, False, False, False]
    assert thread.next_step.number == 2


def test_the_procurement_page_shows_the_four_steps_and_the_next_one(client, buyer):
    procurement = procurement_create(actor=buyer, title="Notebooks", product_category="notebook")
    risk_assessment_save(
        actor=buyer, title="Risks", product="notebook", adjustments=Adjustments(), procurement=procurement
    )
    client.force_login(buyer)
    page = parse(client.get(procurement.get_absolute_url()).content)
    steps = page.find_all("li", cls="step")
    assert len(steps) == 4
    assert ["done" in s.classes for s in steps] == [True, False, False, False]
    assert "Risks" in steps[0].text
    assert "step 2" in page.find("p", cls="next-step").text


def test_another_organisations_procurement_is_not_found(client, outsider, municipality):
    procurement = ProcurementFactory(organisation=municipality)
    client.force_login(outsider)
    assert client.get(procurement.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("procurements:detail", args=["00000000-0000-0000-0000-000000000000"])).status_code
        == 404
    )


def test_the_list_shows_only_the_organisations_procurements_page_by_page(
    client, buyer, municipality, outsider
):
    for n in range(30):
        ProcurementFactory(organisation=municipality, title=f"Purchase {n:02d}")
    ProcurementFactory(organisation=outsider.organisation, title="Their purchase")
    client.force_login(buyer)
    table = parse(client.get(reverse("procurements:list")).content).find("table")
    assert "Their purchase" not in table.text
    assert len(table.find_all("tr")) == 1 + 25
    second = parse(client.get(reverse("procurements:list"), {"page": 2}).content).find("table")
    assert len(second.find_all("tr")) == 1 + 5


def test_opening_a_procurement_in_the_page_keeps_the_input_on_error(client, buyer):
    client.force_login(buyer)
    response = client.post(
        reverse("procurements:list"), {"title": "", "product_category": "notebook", "reference": "T-9"}
    )
    assert response.status_code == 400
    page = parse(response.content)
    assert page.by_id("id_title").get("aria-invalid") == "true"
    assert page.by_id("id_reference").get("value") == "T-9"
    ok = client.post(
        reverse("procurements:list"), {"title": "Phones", "product_category": "smartphone", "reference": ""}
    )
    assert ok.status_code == 302
    assert Procurement.objects.get().title == "Phones"


def test_changing_a_procurement_records_its_state_before_and_after(buyer):
    from hrdd.audit.models import AuditEvent

    procurement = procurement_create(actor=buyer, title="Phones", product_category="smartphone")
    procurement_update(
        actor=buyer,
        procurement=procurement,
        title="Phones",
        product_category="smartphone",
        reference="",
        status="closed",
    )
    event = AuditEvent.objects.get(action="procurement.update")
    assert (event.before["status"], event.after["status"]) == ("open", "closed")
    procurement.refresh_from_db()
    assert procurement.status == "closed"


def test_starting_step_four_from_the_procurement_proposes_its_tender_and_the_winner(client, buyer):
    # given the demo's path: a tender with evaluated bids, in a procurement
    from hrdd.demo import load_demo

    load_demo()
    demo_buyer = type(buyer).objects.get(email="buyer@exampleton.example")
    procurement = Procurement.objects.get(organisation=demo_buyer.organisation)
    client.force_login(demo_buyer)
    # when the buyer follows step 4's link from the procurement's page
    url = [s for s in procurement_thread(procurement).steps if s.number == 4][0].start_url
    page = parse(client.get(url).content)
    # then the contract form proposes the procurement, its tender and the bidder ranked first
    form = page.by_id("new-contract")
    chosen = {
        s.get("name"): s.find("option", selected="").get("value")
        for s in form.find_all("select")
        if s.find_all("option", selected="")
    }
    assert chosen["procurement"] == str(procurement.public_id)
    assert chosen["tender"] == str(procurement.tenders.get().public_id)
    assert page.by_id("contract_supplier_name").get("value") == "Lumen Computers"


def test_the_contract_form_offers_the_newest_tenders_and_keeps_an_older_pre_selected_one(
    client, buyer, municipality
):
    from hrdd.tenders.selectors import CHOICES
    from tests.factories import TenderFactory

    # given one old tender and more new ones than the select offers
    old = TenderFactory(organisation=municipality, title="The old tender")
    for n in range(CHOICES):
        TenderFactory(organisation=municipality, title=f"New tender {n}")
    client.force_login(buyer)
    # when the form opens on nothing, and on the old tender
    plain = parse(client.get(reverse("contracts:dashboard"), {"new": "1"}).content).by_id("contract_tender")
    chosen = parse(client.get(reverse("contracts:dashboard"), {"tender": str(old.public_id)}).content).by_id(
        "contract_tender"
    )
    # then the select holds the newest (and a blank), and the old one only when it is pre-selected
    assert len(plain.find_all("option")) == 1 + CHOICES
    assert "The old tender" not in plain.text
    assert chosen.find("option", selected="").text.startswith("The old tender")
