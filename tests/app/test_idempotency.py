"""Back-and-resubmit never creates a second record: every create form posts, redirects and carries a one-time
key; the same form sent again leads to what the first sending created."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from hrdd.consultations.models import Consultation, Invitation
from hrdd.core.models import FormSubmission
from tests.html import document

NEXT_MONTH = (timezone.localdate() + dt.timedelta(days=30)).isoformat()


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


def drawn_key(page, form_id: str) -> str:
    """The one-time key of the form a page drew."""
    form = document(page).by_id(form_id)
    key = form.find(tag="input", name="form_key")
    # a hidden text box, which a browser fills in again when the person goes back
    assert key is not None and key.has("hidden")
    return key.get("value")


def sent_twice(client, address: str, data: dict) -> tuple:
    first = client.post(address, data)
    second = client.post(address, data)
    return first, second


# the consultation and invitation forms


def test_a_consultation_form_sent_twice_creates_one_consultation(logged_in):
    # given
    key = drawn_key(logged_in.get(reverse("consultations:list")), "new-consultation")
    data = {"title": "Tablets 2028", "product_category": "tablet", "deadline": NEXT_MONTH, "form_key": key}

    # when
    first, second = sent_twice(logged_in, reverse("consultations:list"), data)

    # then
    consultation = Consultation.objects.get(title="Tablets 2028")
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == consultation.get_absolute_url()
    assert Consultation.objects.filter(title="Tablets 2028").count() == 1
    shown = logged_in.get(second.url)
    assert "already sent" in shown.content.decode()


def test_each_drawing_of_the_form_has_a_new_key(logged_in):
    page = reverse("consultations:list")
    assert drawn_key(logged_in.get(page), "new-consultation") != drawn_key(
        logged_in.get(page), "new-consultation"
    )


def test_a_second_sending_after_changes_still_leads_to_the_first_record(logged_in):
    # given: the first sending, then back, a changed title, the same form sent again
    data = {"title": "Phones", "product_category": "tablet", "deadline": NEXT_MONTH, "form_key": "k-phones"}
    logged_in.post(reverse("consultations:list"), data)

    # when
    again = logged_in.post(reverse("consultations:list"), data | {"title": "Phones (again)"})

    # then
    assert again.status_code == 302
    assert Consultation.objects.filter(title__startswith="Phones").count() == 1


def test_a_refused_sending_does_not_use_up_the_key(logged_in):
    # given: a first sending refused (no title)
    data = {"title": "", "product_category": "tablet", "deadline": NEXT_MONTH, "form_key": "k-retry"}
    refused = logged_in.post(reverse("consultations:list"), data)
    assert refused.status_code == 400
    assert drawn_key(refused, "new-consultation") == "k-retry"  # the form shown again keeps its key

    # when
    created = logged_in.post(reverse("consultations:list"), data | {"title": "Servers"})

    # then
    assert created.status_code == 302
    assert Consultation.objects.filter(title="Servers").count() == 1


def test_another_persons_key_never_leads_to_their_record(client, logged_in, buyer, outsider):
    # given
    data = {"title": "Secret", "product_category": "tablet", "deadline": NEXT_MONTH, "form_key": "k-shared"}
    logged_in.post(reverse("consultations:list"), data)
    client.force_login(outsider)

    # when
    page = client.post(reverse("consultations:list"), data | {"title": "Mine"})

    # then
    assert page.status_code == 400
    assert "expired" in page.content.decode()
    assert not Consultation.objects.filter(title="Mine").exists()
    assert FormSubmission.objects.get(key="k-shared").user == buyer


def test_an_invitation_form_sent_twice_invites_once(logged_in, consultation):
    # given
    page = logged_in.get(consultation.get_absolute_url())
    data = {"email": "twice@example.org", "company": "", "form_key": drawn_key(page, "invite")}

    # when
    first, second = sent_twice(logged_in, consultation.get_absolute_url(), data)

    # then
    assert first.status_code == second.status_code == 302
    assert second.url == consultation.get_absolute_url()
    assert Invitation.objects.filter(email="twice@example.org").count() == 1
    assert "already invited" not in logged_in.get(second.url).content.decode()


def test_a_tender_form_sent_twice_creates_one_tender(logged_in, consultation):
    from hrdd.tenders.models import Tender

    # given
    page = logged_in.get(reverse("tenders:list") + f"?consultation={consultation.public_id}")
    form = document(page).by_id("new-tender")
    data = {"title": "Twice tender", "consultation": str(consultation.public_id), "scenario": "1"}
    data["form_key"] = form.find(tag="input", name="form_key").get("value")

    # when
    first, second = sent_twice(logged_in, reverse("tenders:list"), data)

    # then
    tender = Tender.objects.get(title="Twice tender")
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == tender.get_absolute_url()


# the other create forms: procurements, companies, risk assessments


def test_a_procurement_form_sent_twice_opens_one_procurement(logged_in):
    from hrdd.procurements.models import Procurement

    key = drawn_key(logged_in.get(reverse("procurements:list")), "new-procurement")
    data = {"title": "Monitors 2028", "product_category": "notebook", "reference": "M-1", "form_key": key}
    first, second = sent_twice(logged_in, reverse("procurements:list"), data)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Procurement.objects.filter(title="Monitors 2028").count() == 1


def test_a_company_form_sent_twice_records_one_company(logged_in):
    from hrdd.companies.models import Company

    key = drawn_key(logged_in.get(reverse("companies:list")), "new-company")
    data = {"legal_name": "Twice Computers", "kind": "supplier", "form_key": key}
    first, second = sent_twice(logged_in, reverse("companies:list"), data)
    assert first.status_code == second.status_code == 302
    assert Company.objects.filter(legal_name="Twice Computers").count() == 1


def test_a_risk_assessment_saved_twice_is_saved_once(logged_in):
    from hrdd.risks import selectors as risk_selectors
    from hrdd.risks.models import ProductRiskAssessment

    risk_selectors._CACHE.clear()
    try:
        page = logged_in.get(reverse("risks:assess"), {"product": "notebook"})
        key = drawn_key(page, "save")
        data = {"product": "notebook", "title": "Notebook risks, once", "form_key": key}
        first, second = sent_twice(logged_in, reverse("risks:save"), data)
    finally:
        risk_selectors._CACHE.clear()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert ProductRiskAssessment.objects.filter(title="Notebook risks, once").count() == 1


def test_a_contract_form_sent_twice_creates_one_contract(logged_in):
    from hrdd.contracts.models import Contract

    page = logged_in.get(reverse("contracts:dashboard") + "?new=1")
    data = {
        "form_key": drawn_key(page, "new-contract"),
        "scenario": "2",
        "title": "Twice contract",
        "supplier_name": "Acme",
        "supplier_email": "c@acme.example",
        "award_date": "2027-01-15",
        "start_date": "2027-02-01",
        "end_date": "2030-01-31",
    }
    first, second = sent_twice(logged_in, reverse("contracts:dashboard"), data)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Contract.objects.filter(title="Twice contract").count() == 1
