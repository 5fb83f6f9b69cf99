"""The consultation flows in a real browser: the supplier link, the buyer's pages, reopening, isolation."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest
from django.urls import reverse

from hrdd.consultations import services
from hrdd.consultations.models import Consultation, Invitation
from tests.factories import answers, response

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser


def option(page, question_id: str, option_id: str):
    """The checkbox or radio of one option of a questionnaire question (or the role)."""
    return page.locator(f'input[name="{question_id}"][value="{option_id}"]')


def invite(buyer, consultation, email: str, company: str = "") -> Invitation:
    return services.invitation_create(
        actor=buyer, consultation=consultation, email=email, company=company, send=False
    )


def submitted(buyer, consultation, email: str, **raw) -> Invitation:
    invitation = invite(buyer, consultation, email)
    return services.invitation_submit(invitation=invitation, raw=response(**raw))


def fill_complete_answers(page, company: str = "Acme Computers") -> None:
    """Answer every question like tests.factories.answers(): a medium-maturity manufacturer."""
    page.get_by_label("Company name").fill(company)
    page.get_by_label("Brand / manufacturer").check()
    for question_id, picked in answers().items():
        for option_id in [picked] if isinstance(picked, str) else picked:
            option(page, question_id, option_id).check()


def test_supplier_saves_a_draft_then_submits_once(page, buyer, consultation):
    invitation = invite(buyer, consultation, "sales@acme.example")
    page.goto(invitation.get_respond_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Supplier questionnaire on human rights")
    expect(page.locator("main")).to_contain_text("Notebooks 2027")

    # A partial draft: company, role and transparency; the other questions blank.
    page.get_by_label("Company name").fill("Acme Computers")
    page.get_by_label("Brand / manufacturer").check()
    option(page, "transparency", "assembly_location").check()
    option(page, "transparency", "component_producers").check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messages")).to_contain_text("Draft saved")
    expect(page.locator(".errors")).to_have_count(0)

    page.reload()
    expect(page.get_by_label("Company name")).to_have_value("Acme Computers")
    expect(page.get_by_label("Brand / manufacturer")).to_be_checked()
    expect(option(page, "transparency", "assembly_location")).to_be_checked()
    expect(option(page, "transparency", "component_producers")).to_be_checked()
    expect(option(page, "transparency", "raw_material_types")).not_to_be_checked()
    expect(page.locator('input[name="risk_understanding"]:checked')).to_have_count(0)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DRAFT
    assert invitation.answers == {"transparency": ["assembly_location", "component_producers"]}

    # Complete the rest and submit.
    option(page, "risk_understanding", "fair").check()
    option(page, "policies", "detailed_commitments").check()
    option(page, "actions", "code_compliance").check()
    option(page, "actions", "complaints_procedure").check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".messages")).to_contain_text(
        "Your answers were submitted to Municipality of Testville"
    )
    expect(page.locator("#submitted")).to_contain_text("Your answers were submitted on")

    # The form is read-only now and offers no way to submit.
    expect(page.get_by_role("button", name="Submit answers")).to_have_count(0)
    expect(page.get_by_role("button", name="Save draft")).to_have_count(0)
    expect(page.get_by_label("Company name")).to_be_disabled()
    expect(option(page, "policies", "detailed_commitments")).to_be_disabled()
    expect(option(page, "policies", "detailed_commitments")).to_be_checked()

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SUBMITTED
    stored = invitation.answers
    assert stored == {
        "transparency": ["assembly_location", "component_producers"],
        "risk_understanding": ["fair"],
        "policies": ["detailed_commitments"],
        "actions": ["code_compliance", "complaints_procedure"],
    }

    # A forced second POST (bypassing the disabled form) changes nothing.
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    for action in ("submit", "save"):
        forced = page.request.post(
            invitation.get_respond_url(),
            form={
                "csrfmiddlewaretoken": token,
                "company": "Hijacked Ltd",
                "role": "reseller",
                "transparency": "end_to_end",
                "risk_understanding": "good",
                "policies": "due_diligence_strategy",
                "actions": "dedicated_staff",
                "action": action,
            },
        )
        assert forced.status == 409, forced.text()[:500]
        assert "already submitted" in forced.text()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SUBMITTED
    assert invitation.company_name == "Acme Computers"
    assert invitation.role == "manufacturer"
    assert invitation.answers == stored


def test_submitting_incomplete_answers_names_the_missing_questions(page, buyer, consultation):
    invitation = invite(buyer, consultation, "sales@acme.example")
    page.goto(invitation.get_respond_url())
    page.get_by_label("Company name").fill("Acme Computers")
    page.get_by_label("Reseller").check()
    option(page, "transparency", "assembly_location").check()
    option(page, "risk_understanding", "good").check()
    page.get_by_role("button", name="Submit answers").click()

    errors = page.get_by_role("alert")
    expect(errors).to_contain_text("answers.policies")
    expect(errors).to_contain_text("answers.actions")
    expect(errors).not_to_contain_text("answers.transparency")
    expect(errors).not_to_contain_text("answers.risk_understanding")
    expect(page.locator("#submitted")).to_have_count(0)
    # What was entered is still on the page, and the supplier can still submit.
    expect(page.get_by_label("Company name")).to_have_value("Acme Computers")
    expect(page.get_by_label("Reseller")).to_be_checked()
    expect(option(page, "transparency", "assembly_location")).to_be_checked()
    expect(option(page, "risk_understanding", "good")).to_be_checked()
    expect(page.get_by_role("button", name="Submit answers")).to_be_enabled()

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.INVITED
    assert invitation.submitted_at is None
    assert invitation.answers == {}


def test_buyer_creates_invites_and_reads_the_results(
    page, new_page, login, buyer, supplier_base_url, tmp_path
):
    login(page, buyer)
    deadline = dt.date.today() + dt.timedelta(days=21)

    form = page.locator("#new-consultation")
    expect(form.get_by_role("heading", name="New consultation")).to_be_visible()
    form.get_by_label("Title").fill("Desktops 2028")
    form.get_by_label("Product category").select_option("desktop")
    form.get_by_label("Deadline for answers").fill(deadline.isoformat())
    form.get_by_role("button", name="Create consultation").click()
    expect(page.locator(".messages")).to_contain_text("Consultation created")
    expect(page.get_by_role("heading", level=1)).to_have_text("Desktops 2028")
    expect(page.locator("main")).to_contain_text("Desktop computers")
    expect(page.locator("main")).to_contain_text(deadline.isoformat())
    expect(page.locator("#recommendation")).to_contain_text("No submitted responses yet")

    consultation = Consultation.objects.get(title="Desktops 2028")
    assert consultation.organisation_id == buyer.organisation_id
    assert consultation.product_category == "desktop"
    assert consultation.deadline == deadline
    assert page.url.endswith(consultation.get_absolute_url())

    invite_form = page.locator("#invite")
    invite_form.get_by_label("Supplier e-mail address").fill("Sales@Acme.example")
    invite_form.get_by_label("Company (optional)").fill("Acme Computers")
    invite_form.get_by_role("button", name="Send invitation").click()
    message = page.locator(".messages")
    expect(message).to_contain_text("Invitation sent to sales@acme.example")
    match = re.search(r"Their link: (\S+)", message.inner_text())
    assert match, message.inner_text()
    link = match.group(1)
    invitation = consultation.invitations.get()
    assert link == supplier_base_url + f"/respond/{invitation.token}/"
    expect(page.locator("#suppliers tbody tr")).to_have_count(1)
    expect(page.locator("#suppliers")).to_contain_text("not submitted yet")

    # The invited supplier answers through the link, in a browser of its own.
    supplier = new_page()
    supplier.goto(link)
    fill_complete_answers(supplier)
    supplier.get_by_role("button", name="Submit answers").click()
    expect(supplier.locator("#submitted")).to_be_visible()

    # Two more suppliers answer (through the service layer).
    submitted(buyer, consultation, "bids@bytes.example", company="Bytes Resale", role="reseller")
    submitted(buyer, consultation, "hello@other.example", company="Other Trading", role="other")

    page.reload()
    rows = page.locator("#suppliers tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator('#suppliers tbody tr[data-status="submitted"]')).to_have_count(3)
    acme = rows.filter(has_text="Acme Computers")
    expect(acme).to_contain_text("manufacturer")
    expect(acme.locator(".level")).to_have_count(4)
    expect(acme.locator(".level").last).to_have_text("medium")
    expect(acme.locator(".warning")).to_have_count(0)
    other = rows.filter(has_text="Other Trading")
    expect(other.locator(".warning")).to_contain_text("Role 'other' is not covered")
    expect(page.locator("#suppliers .level")).to_have_count(12)

    recommendation = page.locator("#recommendation")
    expect(recommendation).to_contain_text("Scenario 2: medium market maturity")
    expect(recommendation).to_contain_text("based on 3 submitted responses")
    expect(recommendation).to_contain_text("TCO Certified")
    expect(recommendation.locator("svg.chart")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export everything to XLSX").click()
    download = download_info.value
    assert download.suggested_filename == "desktops-2028-results.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    workbook = openpyxl.load_workbook(saved, read_only=True)
    sheet_rows = list(workbook["Suppliers"].iter_rows(values_only=True))
    header, data = sheet_rows[0], [r for r in sheet_rows[1:] if any(v not in (None, "") for v in r)]
    assert header[:4] == ("company", "role", "email", "status")
    assert len(data) == 3
    assert {r[2] for r in data} == {"sales@acme.example", "bids@bytes.example", "hello@other.example"}
    assert {r[0] for r in data} == {"Acme Computers", "Bytes Resale", "Other Trading"}
    assert {r[3] for r in data} == {"submitted"}
    overall = header.index("overall")
    assert {r[overall] for r in data} == {"medium"}
    workbook.close()


def test_buyer_reopens_a_response_and_the_supplier_changes_it(page, new_page, login, buyer, consultation):
    invitation = submitted(buyer, consultation, "sales@acme.example", company="Acme Computers")
    login(page, buyer)
    page.goto(reverse("consultations:response", args=[consultation.public_id, invitation.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Computers")
    page.get_by_role("link", name="Reopen for changes…").click()
    page.get_by_label("Yes, reopen it").check()
    page.get_by_role("button", name="Reopen for changes").click()
    expect(page.locator(".messages")).to_contain_text("Reopened: Acme Computers can change and submit")
    assert page.url.endswith(consultation.get_absolute_url())
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DRAFT
    assert invitation.submitted_at is None

    supplier = new_page()
    supplier.goto(invitation.get_respond_url())
    expect(supplier.locator("#submitted")).to_have_count(0)
    expect(supplier.get_by_label("Company name")).to_be_enabled()
    expect(supplier.get_by_label("Company name")).to_have_value("Acme Computers")
    expect(option(supplier, "risk_understanding", "fair")).to_be_checked()
    option(supplier, "risk_understanding", "good").check()
    option(supplier, "policies", "due_diligence_strategy").check()
    supplier.get_by_role("button", name="Submit answers").click()
    expect(supplier.locator("#submitted")).to_be_visible()
    expect(supplier.get_by_role("button", name="Submit answers")).to_have_count(0)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SUBMITTED
    assert invitation.answers["risk_understanding"] == ["good"]
    assert invitation.answers["policies"] == ["detailed_commitments", "due_diligence_strategy"]

    # The buyer's response page shows the new answers, submitted again.
    page.goto(reverse("consultations:response", args=[consultation.public_id, invitation.pk]))
    expect(page.locator("main")).to_contain_text("Submitted")
    expect(page.get_by_role("link", name="Reopen for changes…")).to_be_visible()


def test_outsider_gets_404_for_another_organisations_consultation(page, login, outsider, buyer, consultation):
    invitation = submitted(buyer, consultation, "sales@acme.example")
    login(page, outsider)
    expect(page.locator("main")).not_to_contain_text("Notebooks 2027")

    reply = page.goto(consultation.get_absolute_url())
    assert reply is not None and reply.status == 404
    expect(page.locator("body")).not_to_contain_text("Notebooks 2027")
    expect(page.locator("body")).to_contain_text("Page not found")

    for name, args in [
        ("consultations:response", [consultation.public_id, invitation.pk]),
        ("consultations:export", [consultation.public_id]),
        ("consultations:blank", [consultation.public_id]),
    ]:
        assert page.request.get(reverse(name, args=args)).status == 404, name
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    reopen = page.request.post(
        reverse("consultations:reopen", args=[consultation.public_id, invitation.pk]),
        form={"csrfmiddlewaretoken": token},
    )
    assert reopen.status == 404
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SUBMITTED


def test_unknown_supplier_link_is_404(page):
    reply = page.goto("/respond/not-a-real-token/")
    assert reply is not None and reply.status == 404


def test_viewer_reads_results_but_is_offered_no_changes(page, login, viewer, buyer, consultation):
    invitation = submitted(buyer, consultation, "sales@acme.example", company="Acme Computers")
    login(page, viewer)
    expect(page.locator("main")).to_contain_text("Notebooks 2027")
    expect(page.locator("#new-consultation")).to_have_count(0)

    page.get_by_role("link", name="Notebooks 2027").click()
    expect(page.locator("#suppliers")).to_contain_text("Acme Computers")
    expect(page.locator("#recommendation svg.chart")).to_be_visible()
    expect(page.locator("#invite")).to_have_count(0)
    expect(page.locator("#import")).to_have_count(0)

    page.get_by_role("link", name="Acme Computers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Computers")
    expect(page.get_by_role("link", name="Reopen for changes…")).to_have_count(0)
    expect(page.locator("#invitation-actions")).to_have_count(0)
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    forced = page.request.post(
        reverse("consultations:reopen", args=[consultation.public_id, invitation.pk]),
        form={"csrfmiddlewaretoken": token, "confirm": "on"},
    )
    # a viewer's change is refused (403), and nothing changes
    assert forced.status == 403
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SUBMITTED
