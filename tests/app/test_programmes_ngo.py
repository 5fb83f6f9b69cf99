"""Answers to NGO assessments: the services (create, answers, ratings, status, evidence with its snapshots), the
walls (viewers read, other organisations get 404), stale saves refused with both versions shown, final locking and
audited reopening, both exports reopened with python-docx and openpyxl, a second framework without code, the API,
and the pages' query counts."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hrdd.accounts.models import Organisation, User
from hrdd.audit.models import AuditEvent
from hrdd.core.errors import NotFound
from hrdd.programmes import ngo
from hrdd.programmes.models import NgoAnswer, NgoEvidence, NgoResponse
from tests.factories import (
    CertificationFactory,
    ConsolidatedSmelterFactory,
    IncidentFactory,
    KpiFactory,
    KpiValueFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
)

FIXTURES = Path(__file__).resolve().parents[1] / "domain" / "fixtures"
AMNESTY = "amnesty-2017-cobalt"
YEAR_END = dt.date(2025, 12, 31)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def trader(db):
    return OrganisationFactory(name="Kolwezi Minerals Trading SA", kind=Organisation.Kind.COMPANY)


@pytest.fixture
def manager(trader):
    return UserFactory(email="sourcing@trader.example", organisation=trader, role=User.Role.SOURCING_MANAGER)


@pytest.fixture
def reviewer(trader):
    return UserFactory(email="legal@trader.example", organisation=trader, role=User.Role.ADMIN)


@pytest.fixture
def reader(trader):
    return UserFactory(email="reader@trader.example", organisation=trader, role=User.Role.VIEWER)


@pytest.fixture
def stranger(db):
    other = OrganisationFactory(name="Other Trader", kind=Organisation.Kind.COMPANY)
    return UserFactory(email="manager@other.example", organisation=other, role=User.Role.SOURCING_MANAGER)


@pytest.fixture
def response(manager):
    return ngo.ngo_response_create(
        actor=manager,
        framework_key=AMNESTY,
        title="Amnesty cobalt 2017",
        addressee="Ms A. Example\nHead of Business and Human Rights\nAmnesty International\nLondon",
        reference="TC AFR 62/2017.048",
        received_on=dt.date(2017, 10, 23),
        respond_by=dt.date(2017, 11, 3),
    )


@pytest.fixture
def kpi(trader):
    programme = ProgrammeFactory(organisation=trader, title="Responsible cobalt 2028")
    kpi = KpiFactory(programme=programme, name="% high-risk suppliers assessed", key="assessed")
    KpiValueFactory(kpi=kpi, period_start=dt.date(2025, 1, 1), period_end=YEAR_END, value=Decimal("64"))
    return kpi


def answer(response, key) -> NgoAnswer:
    return response.answers.get(criterion_key=key)


def save(actor, response, key, text):
    current = answer(response, key)
    return ngo.ngo_answer_save(
        actor=actor, response=response, criterion_key=key, text=text, version=current.version
    )


def rate(actor, response, key, rating="adequate", note=""):
    current = answer(response, key)
    return ngo.ngo_answer_rate(actor=actor, answer=current, rating=rating, note=note, version=current.version)


def to_final(manager, reviewer, response):
    save(manager, response, "supply-links", "We asked our suppliers for their smelters.")
    rate(reviewer, response, "supply-links")
    response = ngo.ngo_response_transition(actor=manager, response=response, status="in_review")
    return ngo.ngo_response_transition(actor=reviewer, response=response, status="final")


# -- creating and answering --------------------------------------------------------------------------------------


def test_a_new_answer_is_a_draft_with_one_empty_answer_per_criterion(response, manager):
    assert response.status == NgoResponse.Status.DRAFT
    assert response.framework_version == "2017"
    assert sorted(response.answers.values_list("criterion_key", flat=True)) == [
        "disclosure",
        "mapping-risks",
        "remediation",
        "supply-links",
    ]
    assert AuditEvent.objects.filter(action="ngo_response.create", target_id=str(response.pk)).exists()


def test_an_unknown_framework_is_refused_naming_the_field(manager):
    with pytest.raises(ngo.NgoError) as refused:
        ngo.ngo_response_create(actor=manager, framework_key="greenpeace-2020", title="x")

    assert refused.value.field == "framework_key"


def test_an_answer_due_before_the_letter_arrived_is_refused(manager):
    with pytest.raises(ngo.NgoError) as refused:
        ngo.ngo_response_create(
            actor=manager,
            framework_key=AMNESTY,
            title="x",
            received_on=dt.date(2017, 10, 23),
            respond_by=dt.date(2017, 10, 1),
        )
    assert refused.value.field == "respond_by"


def test_a_viewer_may_not_begin_or_change_an_answer(reader, response):
    with pytest.raises(PermissionDenied):
        ngo.ngo_response_create(actor=reader, framework_key=AMNESTY, title="x")
    with pytest.raises(PermissionDenied):
        save(reader, response, "supply-links", "x")


def test_saving_keeps_the_draft_and_audits_the_change(manager, response):
    saved = save(manager, response, "supply-links", "We surveyed our battery suppliers.")

    assert saved.text == "We surveyed our battery suppliers."
    assert saved.version == 2
    event = AuditEvent.objects.get(action="ngo_answer.save")
    assert event.after["text"] == "We surveyed our battery suppliers."


def test_a_stale_save_is_refused_and_nothing_is_overwritten(manager, reviewer, response):
    # given: both open the answer at version 1, the reviewer saves first
    opened = answer(response, "supply-links").version
    ngo.ngo_answer_save(
        actor=reviewer, response=response, criterion_key="supply-links", text="Theirs", version=opened
    )

    # when / then
    with pytest.raises(ngo.NgoStale) as refused:
        ngo.ngo_answer_save(
            actor=manager, response=response, criterion_key="supply-links", text="Mine", version=opened
        )
    assert refused.value.saved.text == "Theirs"
    assert answer(response, "supply-links").text == "Theirs"


def test_the_page_shows_both_versions_after_a_stale_save(manager, reviewer, response):
    # given
    opened = answer(response, "supply-links").version
    ngo.ngo_answer_save(
        actor=reviewer,
        response=response,
        criterion_key="supply-links",
        text="Their saved words",
        version=opened,
    )

    # when
    page = client_for(manager).post(
        reverse("programmes:ngo_answer", args=[response.public_id, "supply-links"]),
        {"text": "My typed words", "version": opened},
    )

    # then
    assert page.status_code == 400
    html = page.content.decode()
    assert "Their saved words" in html and "My typed words" in html
    assert "saved or rated this answer after you opened it" in html


def test_changing_a_rated_answer_withdraws_its_rating(manager, reviewer, response):
    save(manager, response, "supply-links", "First version")
    rate(reviewer, response, "supply-links", "adequate")

    changed = save(manager, response, "supply-links", "Second version")

    assert (changed.rating, changed.reviewed_by) == ("", None)


# -- the reviewer ------------------------------------------------------------------------------------------------


def test_a_rating_records_who_and_when(manager, reviewer, response):
    save(manager, response, "supply-links", "We asked.")

    rated = rate(reviewer, response, "supply-links", "moderate", note="Name the refiners.")

    assert rated.rating == "moderate"
    assert rated.reviewed_by == reviewer
    assert rated.reviewed_at is not None
    assert AuditEvent.objects.filter(action="ngo_answer.rate", actor=reviewer).exists()


def test_the_author_may_rate_their_own_answer(manager, response):
    save(manager, response, "supply-links", "We asked.")

    assert rate(manager, response, "supply-links").reviewed_by == manager


def test_a_rating_off_the_scale_or_of_an_empty_answer_is_refused(manager, reviewer, response):
    with pytest.raises(ngo.NgoError) as empty:
        rate(reviewer, response, "supply-links", "adequate")
    save(manager, response, "supply-links", "We asked.")
    with pytest.raises(ngo.NgoError) as off_scale:
        rate(reviewer, response, "supply-links", "gold")

    assert empty.value.field == "rating"
    assert off_scale.value.field == "rating"
    assert "Adequate action taken" in str(off_scale.value)


def test_a_rating_of_a_text_changed_since_it_was_read_is_refused(manager, reviewer, response):
    save(manager, response, "supply-links", "First")
    read = answer(response, "supply-links").version
    save(manager, response, "supply-links", "Second")

    with pytest.raises(ngo.NgoStale):
        ngo.ngo_answer_rate(
            actor=reviewer, answer=answer(response, "supply-links"), rating="adequate", version=read
        )


# -- status and locking ------------------------------------------------------------------------------------------


def test_the_answer_moves_draft_in_review_final(manager, reviewer, response):
    final = to_final(manager, reviewer, response)

    assert final.status == "final"
    assert list(
        AuditEvent.objects.filter(action="ngo_response.status")
        .order_by("id")
        .values_list("after__status", flat=True)
    ) == ["in_review", "final"]


def test_draft_cannot_jump_to_final(manager, response):
    with pytest.raises(ngo.NgoError, match="moves only to: In review"):
        ngo.ngo_response_transition(actor=manager, response=response, status="final")


def test_final_needs_every_answer_rated(manager, response):
    save(manager, response, "supply-links", "We asked.")
    response = ngo.ngo_response_transition(actor=manager, response=response, status="in_review")

    with pytest.raises(ngo.NgoError, match="Answered but not rated by a reviewer: 1.0"):
        ngo.ngo_response_transition(actor=manager, response=response, status="final")


def test_final_locks_answers_ratings_evidence_and_the_letter(manager, reviewer, response):
    final = to_final(manager, reviewer, response)
    item = answer(final, "supply-links")

    with pytest.raises(ngo.NgoError, match="final"):
        save(manager, final, "supply-links", "Changed after the fact")
    with pytest.raises(ngo.NgoError, match="final"):
        rate(reviewer, final, "supply-links", "none")
    with pytest.raises(ngo.NgoError, match="final"):
        ngo.ngo_evidence_add(actor=manager, answer=item, kind="link", url="https://example.org/r.pdf")
    with pytest.raises(ngo.NgoError, match="final"):
        ngo.ngo_response_update(actor=manager, response=final, version=final.version, title="New")
    assert answer(final, "supply-links").text == "We asked our suppliers for their smelters."


def test_reopening_needs_a_reason_and_is_its_own_audited_action(manager, reviewer, response):
    final = to_final(manager, reviewer, response)

    with pytest.raises(ngo.NgoError) as no_reason:
        ngo.ngo_response_transition(actor=manager, response=final, status="draft")
    reopened = ngo.ngo_response_transition(
        actor=manager, response=final, status="draft", reason="Amnesty asked about Huayou's subsidiary."
    )

    assert no_reason.value.field == "reason"
    assert reopened.status == "draft"
    event = AuditEvent.objects.get(action="ngo_response.reopen")
    assert event.after == {"status": "draft", "reason": "Amnesty asked about Huayou's subsidiary."}


def test_a_stale_letter_update_is_refused_and_the_page_shows_the_saved_version(manager, reviewer, response):
    opened = response.version
    ngo.ngo_response_update(actor=reviewer, response=response, version=opened, signatory="Their Signatory")

    page = client_for(manager).post(
        reverse("programmes:ngo_edit", args=[response.public_id]),
        {"title": "Amnesty cobalt 2017", "signatory": "My Signatory", "version": opened},
    )

    assert page.status_code == 400
    html = page.content.decode()
    assert "Their Signatory" in html and "My Signatory" in html
    response.refresh_from_db()
    assert response.signatory == "Their Signatory"


# -- evidence and snapshots --------------------------------------------------------------------------------------


def test_a_kpi_is_cited_with_its_figure_snapshotted(manager, response, kpi):
    # when
    evidence = ngo.ngo_evidence_add(
        actor=manager, answer=answer(response, "mapping-risks"), kind="kpi", kpi=kpi, period_end=YEAR_END
    )

    # then: the snapshot is the figure as it was, even after the value changes
    assert evidence.title == "% high-risk suppliers assessed"
    assert evidence.snapshot["value"] == "64.00" or Decimal(evidence.snapshot["value"]) == 64
    assert evidence.snapshot["period_end"] == "2025-12-31"
    kpi.values.update(value=Decimal("10"))
    evidence.refresh_from_db()
    assert Decimal(evidence.snapshot["value"]) == 64
    assert "64" in ngo.evidence_figure(evidence)


def test_another_organisations_kpi_is_refused(manager, response):
    foreign = KpiFactory()

    with pytest.raises(ngo.NgoError) as refused:
        ngo.ngo_evidence_add(actor=manager, answer=answer(response, "mapping-risks"), kind="kpi", kpi=foreign)
    assert refused.value.field == "kpi"


def test_the_smelter_list_is_cited_with_its_identification_rates(manager, response, trader):
    ConsolidatedSmelterFactory(organisation=trader, metal="Cobalt", identified=True)
    ConsolidatedSmelterFactory(organisation=trader, metal="Cobalt", identified=False)
    ConsolidatedSmelterFactory(metal="Cobalt", identified=True)  # another organisation's

    evidence = ngo.ngo_evidence_add(actor=manager, answer=answer(response, "supply-links"), kind="smelters")

    [cobalt] = evidence.snapshot["metals"]
    assert (cobalt["metal"], cobalt["smelters"], cobalt["identified"]) == ("Cobalt", 2, 1)
    assert "1 of 2 smelters identified (50%)" in ngo.evidence_figure(evidence)


def test_an_empty_smelter_list_is_refused(manager, response):
    with pytest.raises(ngo.NgoError, match="smelter list is empty"):
        ngo.ngo_evidence_add(actor=manager, answer=answer(response, "supply-links"), kind="smelters")


def test_an_incident_is_cited_without_its_reporter_and_only_when_visible(manager, response, trader):
    own = IncidentFactory(
        organisation=trader,
        title="Children seen at a supplier's pit",
        reporter_name="A. Witness",
        status="received",
    )
    hidden = IncidentFactory(title="Another trader's private finding")

    evidence = ngo.ngo_evidence_add(
        actor=manager, answer=answer(response, "remediation"), kind="incident", incident=own
    )
    with pytest.raises(NotFound):
        ngo.ngo_evidence_add(
            actor=manager, answer=answer(response, "remediation"), kind="incident", incident=hidden
        )

    assert evidence.snapshot["title"] == "Children seen at a supplier's pit"
    assert "A. Witness" not in str(evidence.snapshot)


def test_a_certification_of_the_organisation_is_cited_and_anothers_refused(manager, response, trader):
    own = CertificationFactory(
        organisation=trader, company__organisation=trader, company__legal_name="Mutanda Hub"
    )
    foreign = CertificationFactory()

    evidence = ngo.ngo_evidence_add(
        actor=manager, answer=answer(response, "mapping-risks"), kind="certification", certification=own
    )
    with pytest.raises(ngo.NgoError):
        ngo.ngo_evidence_add(
            actor=manager,
            answer=answer(response, "mapping-risks"),
            kind="certification",
            certification=foreign,
        )
    assert "Mutanda Hub" in ngo.evidence_figure(evidence)


def test_a_link_needs_a_web_address(manager, response):
    with pytest.raises(ngo.NgoError) as refused:
        ngo.ngo_evidence_add(
            actor=manager, answer=answer(response, "disclosure"), kind="link", url="report.pdf"
        )
    assert refused.value.field == "url"


def test_a_document_is_uploaded_through_the_page_and_downloaded_only_by_its_organisation(
    manager, stranger, response
):
    item = answer(response, "disclosure")
    upload = SimpleUploadedFile("report-2025.pdf", b"%PDF-1.4\n% a report\n", content_type="application/pdf")

    page = client_for(manager).post(
        reverse("programmes:ngo_evidence", args=[item.public_id]),
        {"kind": "document", "document": upload, "page": "p. 23"},
    )

    assert page.status_code == 302
    evidence = NgoEvidence.objects.get(answer=item)
    assert (evidence.title, evidence.page, evidence.document_name) == (
        "report-2025.pdf",
        "p. 23",
        "report-2025.pdf",
    )
    url = reverse("programmes:ngo_evidence_file", args=[evidence.public_id])
    assert client_for(manager).get(url).status_code == 200
    assert client_for(stranger).get(url).status_code == 404


def test_a_file_that_is_not_what_its_name_says_is_refused_beside_the_field(manager, response):
    item = answer(response, "disclosure")
    upload = SimpleUploadedFile("report.pdf", b"just text", content_type="application/pdf")

    page = client_for(manager).post(
        reverse("programmes:ngo_evidence", args=[item.public_id]), {"kind": "document", "document": upload}
    )

    assert page.status_code == 400
    assert not NgoEvidence.objects.exists()


def test_evidence_is_removed_with_an_audit_event(manager, response):
    evidence = ngo.ngo_evidence_add(
        actor=manager,
        answer=answer(response, "disclosure"),
        kind="link",
        url="https://example.org/report.pdf",
    )

    ngo.ngo_evidence_remove(actor=manager, evidence=evidence)

    assert not NgoEvidence.objects.exists()
    assert AuditEvent.objects.filter(action="ngo_evidence.remove").exists()


# -- walls -------------------------------------------------------------------------------------------------------


def test_another_organisation_gets_404_everywhere(stranger, manager, response):
    item = answer(response, "supply-links")
    client = client_for(stranger)

    for url in (
        reverse("programmes:ngo", args=[response.public_id]),
        reverse("programmes:ngo_letter", args=[response.public_id]),
        reverse("programmes:ngo_table", args=[response.public_id]),
        reverse("programmes:ngo_edit", args=[response.public_id]),
        reverse("programmes:ngo_evidence", args=[item.public_id]),
        f"/api/v1/programmes/ngo/responses/{response.public_id}",
    ):
        assert client.get(url).status_code == 404, url
    posted = client.post(
        reverse("programmes:ngo_answer", args=[response.public_id, "supply-links"]),
        {"text": "x", "version": 1},
    )
    assert posted.status_code == 404
    with pytest.raises(NotFound):
        save(stranger, response, "supply-links", "x")
    assert stranger.email not in str(list(client.get(reverse("programmes:ngo_list")).context["page"]))
    assert list(client.get(reverse("programmes:ngo_list")).context["page"]) == []


def test_a_viewer_reads_the_answer_without_forms_and_may_not_post(reader, manager, response):
    save(manager, response, "supply-links", "We asked our suppliers.")
    client = client_for(reader)

    page = client.get(response.get_absolute_url())
    posted = client.post(
        reverse("programmes:ngo_answer", args=[response.public_id, "supply-links"]),
        {"text": "x", "version": 2},
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert "We asked our suppliers." in html
    assert "Save the answer" not in html and "Add evidence" not in html
    assert posted.status_code == 403
    assert client.get(reverse("programmes:ngo_create")).status_code == 403


# -- the pages ---------------------------------------------------------------------------------------------------


def test_the_create_page_begins_an_answer_once(manager):
    client = client_for(manager)
    form = client.get(reverse("programmes:ngo_create")).context["form"]
    data = {
        "framework_key": AMNESTY,
        "title": "Amnesty 2017",
        "reference": "TC AFR 62/2017.048",
        "form_key": form["form_key"].value(),
    }

    first = client.post(reverse("programmes:ngo_create"), data)
    again = client.post(reverse("programmes:ngo_create"), data)

    assert first.status_code == 302 and again.status_code == 302
    assert NgoResponse.objects.count() == 1
    assert first["Location"] == NgoResponse.objects.get().get_absolute_url()


def test_the_answer_page_shows_questions_guidance_evidence_and_the_rating_with_who(
    manager, reviewer, response, kpi
):
    save(manager, response, "supply-links", "We asked our suppliers.")
    ngo.ngo_evidence_add(
        actor=manager, answer=answer(response, "supply-links"), kind="kpi", kpi=kpi, period_end=YEAR_END
    )
    rate(reviewer, response, "supply-links", "adequate", note="Name the refiners next time.")

    html = client_for(manager).get(response.get_absolute_url()).content.decode()

    assert "Investigated its supply links to the DRC and to the named refiner" in html
    assert "How to answer, and what evidence helps" in html
    assert "% high-risk suppliers assessed" in html
    assert "Adequate action taken" in html and "rated by legal@trader.example" in html
    assert "Name the refiners next time." in html
    assert "1 of 4 criteria answered, 1 of them rated." in html


def test_the_list_and_answer_pages_cost_the_same_queries_at_any_size(
    manager, kpi, trader, django_assert_max_num_queries
):
    def grow(count):
        for n in range(count):
            response = ngo.ngo_response_create(actor=manager, framework_key=AMNESTY, title=f"Answer {n}")
            for key in ("supply-links", "mapping-risks"):
                save(manager, response, key, f"Answer text {n}")
                ngo.ngo_evidence_add(actor=manager, answer=answer(response, key), kind="kpi", kpi=kpi)
                ngo.ngo_evidence_add(
                    actor=manager, answer=answer(response, key), kind="link", url="https://example.org/r"
                )
        return response

    client = client_for(manager)
    small = grow(1)
    with django_assert_max_num_queries(12) as small_list:
        client.get(reverse("programmes:ngo_list"))
    with django_assert_max_num_queries(14) as small_page:
        client.get(small.get_absolute_url())
    big = grow(6)
    for key in ("supply-links",):
        for _n in range(5):
            ngo.ngo_evidence_add(actor=manager, answer=answer(big, key), kind="kpi", kpi=kpi)
    with django_assert_max_num_queries(len(small_list.captured_queries)):
        client.get(reverse("programmes:ngo_list"))
    with django_assert_max_num_queries(len(small_page.captured_queries)):
        client.get(big.get_absolute_url())


# -- exports -----------------------------------------------------------------------------------------------------


def filled(manager, reviewer, response, kpi, trader):
    ConsolidatedSmelterFactory(organisation=trader, metal="Cobalt", identified=True)
    save(
        manager,
        response,
        "supply-links",
        "Yes. We asked every supplier for its smelters.\n\nHuayou Cobalt does not appear in our list.",
    )
    save(manager, response, "mapping-risks", '=HYPERLINK("http://evil.example")')
    links = answer(response, "supply-links")
    ngo.ngo_evidence_add(actor=manager, answer=links, kind="smelters")
    ngo.ngo_evidence_add(actor=manager, answer=links, kind="kpi", kpi=kpi, period_end=YEAR_END)
    ngo.ngo_evidence_add(
        actor=manager, answer=links, kind="link", url="https://example.org/report-2025.pdf", page="p. 23",
        title="Responsible sourcing report 2025",
    )  # fmt: skip
    rate(reviewer, response, "supply-links", "adequate", note="Strong.")
    ngo.ngo_response_update(
        actor=manager, response=response, version=response.version, signatory="Jane Doe, Head of Compliance"
    )
    response.refresh_from_db()
    return response


def test_the_letter_draft_reopens_with_letterhead_answers_numbered_evidence_and_signatory(
    manager, reviewer, response, kpi, trader
):
    from docx import Document

    response = filled(manager, reviewer, response, kpi, trader)

    download = client_for(manager).get(reverse("programmes:ngo_letter", args=[response.public_id]))

    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('.docx"')
    doc = Document(io.BytesIO(download.content))
    texts = [p.text for p in doc.paragraphs]
    body = "\n".join(texts)
    assert texts[0] == "Kolwezi Minerals Trading SA"
    assert "Amnesty International\nLondon" in body or "Amnesty International" in body
    assert "Your reference: TC AFR 62/2017.048" in texts
    assert "Criterion 1.0: Investigated its supply links to the DRC and to the named refiner" in texts
    assert "Yes. We asked every supplier for its smelters." in texts
    assert "Huayou Cobalt does not appear in our list." in texts
    evidence = [t for t in texts if t[:2] in ("1.", "2.", "3.")]
    assert len(evidence) == 3
    assert "1 of 1 smelters identified (100%)" in evidence[0]
    assert "64" in evidence[1] and "% high-risk suppliers assessed" in evidence[1]
    assert "Responsible sourcing report 2025" in evidence[2] and ", p. 23" in evidence[2]
    assert "https://example.org/report-2025.pdf" in evidence[2]  # the hyperlink's text
    rels = [r.target_ref for r in doc.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert rels == ["https://example.org/report-2025.pdf"]
    assert "Jane Doe, Head of Compliance" in body
    # the internal review and the unanswered criteria stay out of the letter
    assert "Adequate action taken" not in body and "Strong." not in body
    assert "Disclosed its due diligence" not in body
    assert "DRAFT" in doc.sections[0].header.paragraphs[0].text


def test_the_table_reopens_with_one_row_per_criterion_and_formulas_neutralised(
    manager, reviewer, response, kpi, trader
):
    from openpyxl import load_workbook

    response = filled(manager, reviewer, response, kpi, trader)

    download = client_for(manager).get(reverse("programmes:ngo_table", args=[response.public_id]))

    book = load_workbook(io.BytesIO(download.content))
    rows = list(book["Answers"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Number", "Criterion", "Question", "Our answer", "Rating")
    assert [r[0] for r in rows[1:]] == ["1.0", "3.0", None, None]
    first = rows[1]
    assert first[4] == "Adequate action taken"
    assert first[6] == "legal@trader.example"
    assert "3. Responsible sourcing report 2025" in first[9]
    assert "https://example.org/report-2025.pdf" in first[10]
    assert "/programmes/" in first[10] or "/smelters/" in first[10]
    formula = book["Answers"]["D3"]
    assert formula.data_type == "s" and formula.value.startswith("=HYPERLINK")
    evidence_rows = list(book["Evidence"].iter_rows(values_only=True))
    assert len(evidence_rows) == 4
    about = dict(book["About"].iter_rows(values_only=True, max_col=2))
    assert about["NGO"] == "Amnesty International"


def test_the_api_lists_and_returns_an_answer_with_its_evidence_and_review(
    manager, reviewer, response, kpi, trader
):
    response = filled(manager, reviewer, response, kpi, trader)
    client = client_for(manager)

    listed = client.get("/api/v1/programmes/ngo/responses").json()
    one = client.get(f"/api/v1/programmes/ngo/responses/{response.public_id}").json()
    letter = client.get(f"/api/v1/programmes/ngo/responses/{response.public_id}/letter.docx")
    frameworks = client.get("/api/v1/programmes/ngo/frameworks").json()

    assert listed["count"] == 1 and listed["items"][0]["answered"] == 2
    first = one["answers"][0]
    assert (first["number"], first["rating_label"], first["reviewed_by"]) == (
        "1.0",
        "Adequate action taken",
        "legal@trader.example",
    )
    assert [e["kind"] for e in first["evidence"]] == ["smelters", "kpi", "link"]
    assert (one["review"]["answered"], one["review"]["rated"], one["review"]["ready"]) == (2, 1, False)
    assert letter.status_code == 200 and letter.content[:2] == b"PK"
    assert frameworks[0]["key"] == AMNESTY
    assert client.get("/api/v1/programmes/ngo/responses?status=sent").status_code == 422


# -- a second framework, no code ---------------------------------------------------------------------------------


def test_a_second_framework_from_a_folder_drives_the_pages_and_both_exports(manager, reviewer, settings):
    from docx import Document
    from openpyxl import load_workbook

    # given
    settings.HRDD_FRAMEWORK_DIRS = [str(FIXTURES)]
    client = client_for(manager)
    assert (
        "Fair Metals Watch (invented for tests)"
        in client.get(reverse("programmes:ngo_create")).content.decode()
    )
    response = ngo.ngo_response_create(
        actor=manager, framework_key="fmw-2026-scorecard", title="FMW scorecard"
    )

    # when
    save(manager, response, "grievance", "Workers text a hotline run by a local NGO.")
    rate(reviewer, response, "grievance", "partly")
    page = client.get(response.get_absolute_url()).content.decode()
    letter = Document(
        io.BytesIO(client.get(reverse("programmes:ngo_letter", args=[response.public_id])).content)
    )
    table = load_workbook(
        io.BytesIO(client.get(reverse("programmes:ngo_table", args=[response.public_id])).content)
    )

    # then
    assert "Runs a grievance mechanism" in page and "Partly met" in page
    assert "hrdd&#x27;s neutral scale" in page or "hrdd's neutral scale" in page
    assert "Criterion A2: Runs a grievance mechanism" in [p.text for p in letter.paragraphs]
    rows = list(table["Answers"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["A1", "A2", "B1"]
    assert rows[2][4] == "Partly met"
    with pytest.raises(ngo.NgoError):
        rate(reviewer, response, "grievance", "adequate")  # Amnesty's band is not on this scale


def test_each_evidence_item_clicks_through_to_its_record(manager, response, trader, kpi):
    ConsolidatedSmelterFactory(organisation=trader, metal="Cobalt", identified=True)
    incident = IncidentFactory(organisation=trader, title="Pit collapse")
    item = answer(response, "remediation")

    links = {
        kind: ngo.evidence_link(ngo.ngo_evidence_add(actor=manager, answer=item, kind=kind, **values))
        for kind, values in (
            ("smelters", {}),
            ("incident", {"incident": incident}),
            ("link", {"url": "https://example.org/report.pdf"}),
            ("document", {"document": SimpleUploadedFile("r.txt", b"text", content_type="text/plain")}),
        )
    }

    assert links["smelters"] == reverse("rmi:smelters")
    assert links["incident"] == reverse("incidents:detail", args=[incident.public_id])
    assert links["link"] == "https://example.org/report.pdf"
    assert links["document"].startswith("/programmes/ngo/evidence/") and links["document"].endswith("/file")
    html = client_for(manager).get(response.get_absolute_url()).content.decode()
    for link in links.values():
        assert f'href="{link}"' in html


def test_an_incident_the_user_may_not_see_is_not_found_on_the_evidence_page(manager, response):
    hidden = IncidentFactory(title="Another trader's private finding")
    item = answer(response, "remediation")

    page = client_for(manager).post(
        reverse("programmes:ngo_evidence", args=[item.public_id]),
        {"kind": "incident", "incident": str(hidden.public_id)},
    )

    assert page.status_code == 400
    assert "Another trader" not in page.content.decode()
    assert not NgoEvidence.objects.exists()


def test_the_final_page_offers_no_edits_and_reopening_asks_for_a_reason(manager, reviewer, response):
    final = to_final(manager, reviewer, response)
    client = client_for(manager)
    url = reverse("programmes:ngo_status", args=[final.public_id])

    page = client.get(final.get_absolute_url()).content.decode()
    refused = client.post(url, {"status": "draft", "version": final.version})
    reopened = client.post(url, {"status": "draft", "version": final.version, "reason": "New facts."})

    assert "Save the answer" not in page and "Add evidence" not in page and "Reopen it" in page
    assert refused.status_code == 400 and "reason is required" in refused.content.decode()
    assert reopened.status_code == 302
    final.refresh_from_db()
    assert final.status == "draft"
