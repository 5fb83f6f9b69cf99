"""Nothing lost (issue 17): a save made from a form opened on an older version of the record is refused with both
versions, never a silent overwrite; the first save stays as it was saved."""

import datetime as dt
import threading

import pytest
from django.db import close_old_connections, connection, transaction
from django.urls import reverse

from hrdd.consultations.models import Invitation
from hrdd.consultations.services import invitation_create, invitation_save_draft
from hrdd.core.errors import InputError
from hrdd.core.versions import StaleEdit, api_version, claim_version, parse_version, save_if_unchanged
from hrdd.domain.risk import Adjustments
from hrdd.procurements.models import Procurement
from hrdd.risks.services import risk_assessment_save
from hrdd.tenders.services import tender_create, tender_update
from tests.factories import (
    CompanyFactory,
    ConsultationFactory,
    ContractFactory,
    GrievanceChannelFactory,
    IncidentFactory,
    ProcurementFactory,
    RemediationStepFactory,
    TenderFactory,
    answers,
)

ALICE = {"company": "Acme", "role": "manufacturer", "answers": {"policies": ["basic_commitment"]}}
BOB = {"company": "Acme", "role": "reseller", "answers": {"risk_understanding": "fair"}}


# the one mechanism


def test_a_second_save_on_the_same_version_is_refused_with_both_versions(db):
    # given
    procurement = ProcurementFactory(title="Laptops")
    # when
    save_if_unchanged(Procurement, procurement.pk, 1, {"title": "Laptops 2027"})
    with pytest.raises(StaleEdit) as refused:
        save_if_unchanged(Procurement, procurement.pk, 1, {"title": "Desktops"})
    # then
    assert (refused.value.expected, refused.value.current) == (1, 2)
    assert "version 1" in str(refused.value) and "version 2" in str(refused.value)
    assert refused.value.field == "version"
    procurement.refresh_from_db()
    assert (procurement.title, procurement.version) == ("Laptops 2027", 2)


def test_a_save_without_a_version_still_moves_it_so_the_next_stale_form_is_caught(db):
    procurement = ProcurementFactory()
    with transaction.atomic():
        assert claim_version(procurement, None) == 2
    with pytest.raises(StaleEdit), transaction.atomic():
        claim_version(procurement, 1)


@pytest.mark.parametrize(
    ("given", "expected"), [(3, 3), ("3", 3), ('"3"', 3), ('W/"3"', 3), (None, None), ("", None)]
)
def test_a_version_is_read_as_forms_and_clients_send_it(given, expected):
    assert parse_version(given) == expected


@pytest.mark.parametrize("given", ["three", "0", "-1", True, '"3'])
def test_a_version_that_is_not_a_whole_number_from_one_is_refused_by_name(given):
    with pytest.raises(InputError) as refused:
        parse_version(given)
    assert refused.value.field == "version"


def test_an_if_match_header_gives_the_version_when_the_body_has_none(rf):
    assert api_version(rf.put("/", HTTP_IF_MATCH='"4"')) == 4
    assert api_version(rf.put("/", HTTP_IF_MATCH='"4"'), 5) == 5
    assert api_version(rf.put("/", HTTP_IF_MATCH="*")) is None


# the supplier's draft: today 10 of 10 concurrent pairs lost one supplier's answers


def test_two_suppliers_saving_a_draft_opened_on_the_same_version_lose_nothing(invitation):
    # given: two colleagues at the supplier open the same link, both on version 1
    opened = invitation.version
    # when: the first saves, then the second saves what they typed on the page they opened
    invitation_save_draft(invitation=invitation, raw=ALICE, version=opened)
    with pytest.raises(StaleEdit) as refused:
        invitation_save_draft(invitation=invitation, raw=BOB, version=opened)
    # then: the second is told, with both versions; the first's answers are what is saved
    assert (refused.value.expected, refused.value.current) == (opened, opened + 1)
    assert refused.value.saved.answers == ALICE["answers"]
    invitation.refresh_from_db()
    assert invitation.answers == ALICE["answers"]
    assert invitation.version == opened + 1


def test_the_respond_page_refuses_a_stale_draft_keeps_the_typing_and_shows_what_is_saved(client, invitation):
    # given: the page opened twice on version 1
    url = invitation.get_respond_url()
    first = client.get(url)
    assert 'name="version" value="1"' in first.content.decode()
    # when: the first page saves a draft, then the second
    saved = client.post(
        url, {"action": "save", "version": "1", "company": "Acme", "policies": ["basic_commitment"]}
    )
    assert saved.status_code == 302
    stale = client.post(
        url, {"action": "save", "version": "1", "company": "Acme Two", "risk_understanding": "fair"}
    )
    # then: refused with both versions, the second person's typing kept, what is saved now listed
    page = stale.content.decode()
    assert stale.status_code == 409
    assert "changed by someone else since you opened it" in page
    assert "you opened version 1, version 2 is saved now" in page
    assert 'value="Acme Two"' in page
    assert 'id="saved-now"' in page
    assert 'name="version" value="2"' in page  # saving again replaces version 2 knowingly
    invitation.refresh_from_db()
    assert invitation.company_as_given == "Acme"
    # when: they save again from the page they were shown
    again = client.post(
        url, {"action": "save", "version": "2", "company": "Acme Two", "risk_understanding": "fair"}
    )
    # then
    assert again.status_code == 302
    invitation.refresh_from_db()
    assert (invitation.company_as_given, invitation.version) == ("Acme Two", 3)


def test_the_supplier_api_answers_409_with_both_versions_for_a_stale_draft(client, invitation):
    path = f"/api/v1/responses/{invitation.get_respond_url().rstrip('/').rsplit('/', 1)[-1]}"
    read = client.get(path).json()
    assert read["version"] == 1
    first = client.put(path, {**ALICE, "version": 1}, content_type="application/json")
    assert first.status_code == 200 and first.json()["version"] == 2
    # a body with a stale version, and a stale If-Match header
    for body, headers in (({**BOB, "version": 1}, {}), (BOB, {"HTTP_IF_MATCH": '"1"'})):
        stale = client.put(path, body, content_type="application/json", **headers)
        assert stale.status_code == 409
        assert stale.json()["field"] == "version"
        assert "version 1" in stale.json()["detail"] and "version 2" in stale.json()["detail"]
    invitation.refresh_from_db()
    assert invitation.answers == ALICE["answers"]


def test_an_imported_workbook_makes_an_open_draft_form_stale(invitation, buyer):
    # given: the supplier's page is open on version 1 when the buyer changes the response
    opened = invitation.version
    with transaction.atomic():
        claim_version(Invitation.objects.get(pk=invitation.pk), None)
    # then
    with pytest.raises(StaleEdit):
        invitation_save_draft(invitation=invitation, raw=BOB, version=opened)


# real concurrent saves on PostgreSQL


PAIRS = 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_draft_pairs_on_postgresql_keep_exactly_one_save_each(buyer, consultation):
    if connection.vendor != "postgresql":
        pytest.skip(
            "real concurrent row locks: PostgreSQL (SQLite writers queue, see test_sqlite_concurrency)"
        )
    invitations = [
        invitation_create(actor=buyer, consultation=consultation, email=f"s{i}@acme.example", send=False)
        for i in range(PAIRS)
    ]
    outcomes: list[tuple[int, str, str]] = []
    lock = threading.Lock()

    def save(invitation: Invitation, who: str, raw: dict, barrier: threading.Barrier) -> None:
        try:
            barrier.wait()
            invitation_save_draft(invitation=invitation, raw=raw, version=1)
            result = "saved"
        except StaleEdit:
            result = "stale"
        finally:
            close_old_connections()
            connection.close()
        with lock:
            outcomes.append((invitation.pk, who, result))

    for invitation in invitations:
        barrier = threading.Barrier(2)
        alice = {**ALICE, "answers": answers()}
        threads = [
            threading.Thread(target=save, args=(invitation, "alice", alice, barrier)),
            threading.Thread(target=save, args=(invitation, "bob", BOB, barrier)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    for invitation in invitations:
        results = {who: result for pk, who, result in outcomes if pk == invitation.pk}
        assert sorted(results.values()) == ["saved", "stale"]
        winner = next(who for who, result in results.items() if result == "saved")
        invitation.refresh_from_db()
        assert invitation.version == 2
        expected = answers() if winner == "alice" else BOB["answers"]
        assert invitation.answers == expected  # the saved answers are the winner's, whole


# the buyer's records: the second of two edit pages opened on the same version is refused, 409, nothing saved


def _pages(buyer):
    """(record, edit url, the fields a form sends with a title of its own) for each edit page with a version."""
    organisation = buyer.organisation
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    procurement = ProcurementFactory(organisation=organisation)
    company = CompanyFactory(organisation=organisation, legal_name="Acme Computers")
    contract = ContractFactory(organisation=organisation)
    tender = TenderFactory(organisation=organisation)
    consultation = ConsultationFactory(organisation=organisation, procurement=procurement)
    return [
        (
            procurement,
            reverse("procurements:detail", args=[procurement.public_id]),
            "title",
            {"product_category": "notebook", "reference": "", "status": "open"},
        ),
        (company, reverse("companies:detail", args=[company.public_id]), "legal_name", {"kind": "supplier"}),
        (
            contract,
            reverse("contracts:edit", args=[contract.public_id]),
            "title",
            {"supplier_email": "sales@acme.example", "supplier_language": ""},
        ),
        (tender, reverse("tenders:edit", args=[tender.public_id]), "title", {}),
        (
            consultation,
            reverse("consultations:edit", args=[consultation.public_id]),
            "title",
            {"product_category": "notebook", "deadline": future},
        ),
    ]


def test_every_edit_page_refuses_the_second_of_two_saves_opened_on_the_same_version(client, buyer):
    client.force_login(buyer)
    for record, url, name, fields in _pages(buyer):
        # given: two people open the page on version 1
        assert 'name="version" value="1"' in client.get(url).content.decode(), url
        # when: the first saves, then the second
        first = client.post(url, {**fields, name: "First title", "version": "1"})
        assert first.status_code == 302, (url, first.content.decode()[:3000])
        second = client.post(url, {**fields, name: "Second title", "version": "1"})
        # then: refused with both versions, their typing kept, the first's save stays
        page = second.content.decode()
        assert second.status_code == 409, (url, page[:3000])
        assert "you opened version 1, version 2 is saved now" in page, url
        assert 'value="Second title"' in page, url
        assert "First title" in page, url  # what is saved now is listed
        record.refresh_from_db()
        assert (getattr(record, name), record.version) == ("First title", 2), url


def test_the_api_answers_409_with_both_versions_for_a_stale_change(client, buyer):
    client.force_login(buyer)
    organisation = buyer.organisation
    procurement = ProcurementFactory(organisation=organisation)
    company = CompanyFactory(organisation=organisation)
    tender = TenderFactory(organisation=organisation)
    incident = IncidentFactory(organisation=organisation)
    step = RemediationStepFactory(incident=incident)
    channel = GrievanceChannelFactory(organisation=organisation)
    changes = [
        (procurement, f"/api/v1/procurements/{procurement.public_id}", {"title": "A"}, {"title": "B"}),
        (company, f"/api/v1/companies/{company.public_id}", {"legal_name": "A"}, {"legal_name": "B"}),
        (tender, f"/api/v1/tenders/{tender.public_id}", {"language": "nl"}, {"language": "fr"}),
        (incident, f"/api/v1/incidents/{incident.public_id}", {"title": "A"}, {"title": "B"}),
        (step, f"/api/v1/incidents/steps/{step.public_id}", {"action": "A"}, {"action": "B"}),
        (channel, f"/api/v1/incidents/channels/{channel.public_id}", {"title": "A"}, {"title": "B"}),
    ]
    for record, path, first, second in changes:
        saved = client.patch(path, {**first, "version": 1}, content_type="application/json")
        assert saved.status_code == 200, (path, saved.content)
        assert saved.json()["version"] == 2, path
        stale = client.patch(path, second, content_type="application/json", HTTP_IF_MATCH='"1"')
        assert stale.status_code == 409, (path, stale.content)
        assert "version 1" in stale.json()["detail"] and "version 2" in stale.json()["detail"], path
        record.refresh_from_db()
        assert record.version == 2, path


def test_a_risk_assessment_saved_again_from_a_stale_page_is_refused(buyer):
    # given: two pages show the saved assessment at version 1; the first is saved again
    saved = risk_assessment_save(actor=buyer, title="First", product="notebook", adjustments=Adjustments())
    risk_assessment_save(
        actor=buyer,
        title="Second",
        product="notebook",
        adjustments=Adjustments(),
        assessment=saved,
        version=1,
    )
    # when / then
    with pytest.raises(StaleEdit) as refused:
        risk_assessment_save(
            actor=buyer,
            title="Third",
            product="notebook",
            adjustments=Adjustments(),
            assessment=saved,
            version=1,
        )
    assert (refused.value.expected, refused.value.current) == (1, 2)
    saved.refresh_from_db()
    assert saved.title == "Second"


def test_the_parameters_of_a_tender_saved_from_a_stale_page_are_refused(buyer):
    tender = tender_create(actor=buyer, title="Notebooks", scenario=2)
    tender_update(actor=buyer, tender=tender, months=9, weights={}, require_label=False, version=1)
    with pytest.raises(StaleEdit):
        tender_update(actor=buyer, tender=tender, months=3, weights={}, require_label=True, version=1)
    tender.refresh_from_db()
    assert (tender.months, tender.version) == (9, 2)
