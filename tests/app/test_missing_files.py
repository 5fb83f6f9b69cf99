"""A stored file missing from storage (deleted from disk, a restore without the uploaded files) is a 404 that names
it and says an administrator can restore it, on every download page and API operation, never a 500 (issue 17); a
service that reads a stored file again refuses with the same message; the record is logged as a warning."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.urls import reverse

from hrdd.accounts.models import Organisation
from hrdd.contracts.models import Submission
from hrdd.core.errors import InputError
from hrdd.incidents.models import Incident, StepProgress
from hrdd.profiles import services as profiles
from hrdd.profiles.models import SupplierProfile
from hrdd.programmes.models import Certification, KpiValue, NgoEvidence
from hrdd.tenders.models import BidFile
from tests.factories import (
    BidFileFactory,
    CertificationFactory,
    IncidentFactory,
    KpiValueFactory,
    NgoEvidenceFactory,
    OrganisationFactory,
    StepProgressFactory,
    SubmissionFactory,
    UserFactory,
)

CONTENT = b"%PDF-1.4\n% the only copy of this evidence\n"
LOGGER = "hrdd.core.downloads"


def missing_message(name: str) -> str:
    return (
        f"The stored file {name} is missing from this installation's storage; an administrator can restore it "
        "from a backup."
    )


@dataclass
class Stored:
    """A record holding a file, the address that downloads it, and the name the user knows the file by."""

    record: object
    url: str
    file: FieldFile
    name: str
    api: bool = False


def stored(name: str) -> ContentFile:
    return ContentFile(CONTENT, name=name)


def bid_file(org: Organisation) -> Stored:
    found: BidFile = BidFileFactory(
        draft__tender__organisation=org, file=stored("assessment.pdf"), filename="assessment.pdf"
    )
    url = reverse("tenders:bid_file", args=[found.draft.tender.public_id, found.draft.public_id, found.part])
    return Stored(found, url, found.file, "assessment.pdf")


def incident_document(org: Organisation) -> Stored:
    found: Incident = IncidentFactory(
        organisation=org, document=stored("statement.pdf"), document_name="statement.pdf"
    )
    return Stored(
        found, reverse("incidents:document", args=[found.public_id]), found.document, "statement.pdf"
    )


def progress_file(org: Organisation) -> Stored:
    found: StepProgress = StepProgressFactory(
        step__incident__organisation=org, file=stored("payslips.pdf"), filename="payslips.pdf"
    )
    return Stored(found, reverse("incidents:progress_file", args=[found.pk]), found.file, "payslips.pdf")


def kpi_value_document(org: Organisation) -> Stored:
    found: KpiValue = KpiValueFactory(
        kpi__programme__organisation=org, document=stored("training.pdf"), document_name="training.pdf"
    )
    url = reverse("programmes:kpi_value_document", args=[found.public_id])
    return Stored(found, url, found.document, "training.pdf")


def certification_document(org: Organisation) -> Stored:
    found: Certification = CertificationFactory(
        company__organisation=org, document=stored("copper-mark.pdf"), document_name="copper-mark.pdf"
    )
    url = reverse("programmes:certification_document", args=[found.public_id])
    return Stored(found, url, found.document, "copper-mark.pdf")


def ngo_evidence_file(org: Organisation) -> Stored:
    found: NgoEvidence = NgoEvidenceFactory(
        answer__response__organisation=org,
        kind=NgoEvidence.Kind.DOCUMENT,
        url="",
        document=stored("report-2025.pdf"),
        document_name="report-2025.pdf",
    )
    url = reverse("programmes:ngo_evidence_file", args=[found.public_id])
    return Stored(found, url, found.document, "report-2025.pdf")


def _submission(org: Organisation) -> Submission:
    return SubmissionFactory(
        obligation__contract__organisation=org,
        file=stored("sites.pdf"),
        filename="sites.pdf",
        content_type="application/pdf",
        size=len(CONTENT),
    )


def submission_file(org: Organisation) -> Stored:
    found = _submission(org)
    url = reverse("contracts:file", args=[found.obligation.contract.public_id, found.pk])
    return Stored(found, url, found.file, "sites.pdf")


def submission_file_api(org: Organisation) -> Stored:
    found = _submission(org)
    url = f"/api/v1/contracts/{found.obligation.contract.public_id}/submissions/{found.pk}/file"
    return Stored(found, url, found.file, "sites.pdf", api=True)


DOWNLOADS: list[Callable[[Organisation], Stored]] = [
    bid_file,
    incident_document,
    progress_file,
    kpi_value_document,
    certification_document,
    ngo_evidence_file,
    submission_file,
    submission_file_api,
]


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Acme Buying", kind=Organisation.Kind.COMPANY)


@pytest.fixture
def member(organisation):
    client = Client()
    client.force_login(UserFactory(email="manager@acme-buying.example", organisation=organisation))
    return client


def downloaded(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)  # the test client closes the file once it is read


@pytest.mark.parametrize("make", DOWNLOADS, ids=[make.__name__ for make in DOWNLOADS])
def test_a_file_missing_from_storage_is_a_404_naming_it_not_a_500(make, organisation, member, caplog):
    # given the file downloads while it is there
    found = make(organisation)
    assert downloaded(member, found.url) == CONTENT

    # when it is deleted from storage behind the record's back
    found.file.storage.delete(found.file.name)
    assert not found.file.storage.exists(found.file.name)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        answer = member.get(found.url)

    # then a 404 says which file is missing and what to do
    assert answer.status_code == 404
    if found.api:
        assert answer.json()["detail"] == missing_message(found.name)
    else:
        assert missing_message(found.name) in html.unescape(answer.content.decode())
    # and the administrator reads which record lost its file, never what the file held
    warnings = [r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    label = type(found.record)._meta.label
    assert f"{label} {found.record.pk}," in warnings[0]
    assert found.file.name in warnings[0]
    assert "only copy" not in caplog.text


def test_another_not_found_page_keeps_its_general_message(member):
    answer = member.get(
        reverse("programmes:certification_document", args=["00000000-0000-0000-0000-000000000000"])
    )

    assert answer.status_code == 404
    text = html.unescape(answer.content.decode())
    assert "There is no page at this address that you may see." in text
    assert "missing from this installation's storage" not in text


RISK_TEXT = (
    "Our human rights risk assessment. Cobalt from the DRC is our most salient risk: child labour in artisanal "
    "mines. We audit our smelters and engage with our suppliers on remediation."
)


@pytest.fixture
def risk_assessment(organisation):
    """A risk assessment a supplier sent on a contract asking for one (CC1), kept as a text file."""
    return SubmissionFactory(
        obligation__contract__organisation=organisation,
        obligation__contract__scenario=1,
        obligation__clause="CC1",
        obligation__title="Risk assessment",
        file=ContentFile(RISK_TEXT.encode(), name="assessment.txt"),
        filename="assessment.txt",
        content_type="text/plain",
        size=len(RISK_TEXT),
    )


def test_keeping_a_submission_whose_file_is_missing_is_refused_with_the_message(risk_assessment, caplog):
    # given the file is gone from storage
    risk_assessment.file.storage.delete(risk_assessment.file.name)
    contract = risk_assessment.obligation.contract

    # when the supplier keeps it in the company profile
    with caplog.at_level(logging.WARNING, logger=LOGGER), pytest.raises(InputError) as refused:
        profiles.profile_keep_submission(contract=contract, submission=risk_assessment)

    # then it is refused on the file, with what to do, and nothing is kept
    assert str(refused.value) == missing_message("assessment.txt")
    assert refused.value.field == "file"
    assert f"contracts.Submission {risk_assessment.pk}," in caplog.text
    assert not SupplierProfile.objects.exists()


def test_the_supplier_page_says_the_file_is_missing_when_keeping_it(client, risk_assessment):
    # given the file is gone from storage
    risk_assessment.file.storage.delete(risk_assessment.file.name)
    contract = risk_assessment.obligation.contract

    # when the supplier asks to keep it through the link's page
    answer = client.post(
        reverse("profiles:keep_submission", args=[contract.token, risk_assessment.pk]), follow=True
    )

    # then the page answers and says what is wrong
    assert answer.status_code == 200
    assert missing_message("assessment.txt") in html.unescape(answer.content.decode())
