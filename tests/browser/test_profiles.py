"""Portable supplier answers in a real browser (issue 16): a supplier answers buyer A and keeps the answers as a
company profile, opens buyer B's invitation, fills it in from the profile, consents and submits; buyer B sees the
version and its dates; the supplier withdraws the sharing and buyer B no longer sees the answers. Screenshots at
desktop and phone width go to /tmp/shots/profiles-*.png (HRDD_SHOTS overrides the folder)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hrdd.consultations import services
from hrdd.consultations.models import Invitation
from hrdd.profiles.models import ProfileShare
from tests.factories import ConsultationFactory, OrganisationFactory, UserFactory, answers

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots"))  # noqa: S108 - screenshots to look at
EMAIL = "sales@acme.example"


def shoot(page, name: str) -> None:
    """Screenshots of the whole page at desktop and phone width; no sideways scrolling on the phone."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"profiles-{name}-{width}.png"), full_page=True)
        if width == 390:
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow} px at 390 px"
    page.set_viewport_size({"width": 1280, "height": 900})


def option(page, question_id: str, option_id: str):
    return page.locator(f'input[name="{question_id}"][value="{option_id}"]')


def test_a_supplier_reuses_answers_for_another_buyer_then_withdraws_them(
    new_page, login, supplier_base_url, buyer, consultation
):
    # given buyer A (the municipality) and buyer B invite the same address
    request_a = services.invitation_create(actor=buyer, consultation=consultation, email=EMAIL, send=False)
    buyer_b = UserFactory(
        email="buyer@province.example", organisation=OrganisationFactory(name="Province of Elsewhere")
    )
    consultation_b = ConsultationFactory(organisation=buyer_b.organisation, title="Laptops 2028")
    request_b = services.invitation_create(
        actor=buyer_b, consultation=consultation_b, email=EMAIL, send=False
    )
    supplier = new_page()

    # when the supplier answers buyer A and submits
    supplier.goto(request_a.get_respond_url())
    supplier.get_by_label("Company name").fill("Acme Computers")
    supplier.get_by_label("Brand / manufacturer").check()
    for question_id, picked in answers().items():
        for option_id in [picked] if isinstance(picked, str) else picked:
            option(supplier, question_id, option_id).check()
    supplier.get_by_role("button", name="Submit answers").click()
    expect(supplier.locator(".messages")).to_contain_text("Your answers were submitted")

    # then the page offers to keep them as a profile
    offer = supplier.locator("#profile-offer")
    expect(offer).to_contain_text("Keep these answers as your company profile")
    shoot(supplier, "keep-offer")

    # when the supplier keeps them
    offer.get_by_role("button", name="Keep these answers as your company profile").click()

    # then version 1 is kept and its link e-mailed
    expect(supplier.locator(".messages")).to_contain_text("Kept as version 1 of your company profile")
    expect(supplier.locator("#profile-offer")).to_contain_text(
        "Your company profile holds these answers (version 1"
    )
    manage_link = re.search(r"http\S+/profiles/manage/\S+/", mail.outbox[-1].body).group(0)

    # when the supplier opens buyer B's invitation
    supplier.goto(request_b.get_respond_url())
    saved = timezone.localdate().isoformat()
    fill = supplier.get_by_role("link", name=f"Fill in from your profile (version 1 of {saved})")
    expect(fill).to_be_visible()
    shoot(supplier, "fill-offer")
    fill.click()

    # then the form holds the profile's answers, and nothing is shared yet
    expect(supplier.get_by_label("Company name")).to_have_value("Acme Computers")
    expect(option(supplier, "risk_understanding", "fair")).to_be_checked()
    consent = supplier.get_by_label(
        f"I agree that Province of Elsewhere sees version 1 of my company profile, saved on {saved}."
    )
    expect(consent).not_to_be_checked()
    assert not ProfileShare.objects.exists()
    request_b.refresh_from_db()
    assert request_b.answers == {}
    shoot(supplier, "filled")

    # when the supplier submits without the consent, the browser stops it at the box (the server refuses it too)
    supplier.get_by_role("button", name="Submit answers").click()
    assert consent.evaluate("box => box.validity.valueMissing")
    assert not ProfileShare.objects.exists()

    # when the supplier ticks the consent and submits
    supplier.get_by_label(re.compile("I agree that Province of Elsewhere sees version 1")).check()
    supplier.get_by_role("button", name="Submit answers").click()
    expect(supplier.locator(".messages")).to_contain_text("submitted to Province of Elsewhere")
    expect(supplier.locator("#profile-offer")).to_contain_text("These answers come from your company profile")
    share = ProfileShare.objects.get()

    # then buyer B sees the answers, with the version and the dates
    buyer_page = new_page()
    response_url = reverse("consultations:response", args=[consultation_b.public_id, request_b.pk])
    login(buyer_page, buyer_b, then=response_url)
    shared_on = timezone.localdate(share.consented_at).isoformat()
    expect(buyer_page.locator("#profile-share")).to_contain_text(
        f"From the supplier's profile, version 1 of {saved}, shared on {shared_on}."
    )
    expect(buyer_page.locator("main")).to_contain_text("☑")
    shoot(buyer_page, "buyer-shared")

    # when the supplier withdraws the sharing from the profile's page
    supplier.goto(manage_link)
    expect(supplier.locator("#shares")).to_contain_text("Province of Elsewhere")
    expect(supplier.locator("#shares")).to_contain_text("Laptops 2028")
    shoot(supplier, "manage")
    supplier.locator("#shares").get_by_role("link", name="Withdraw…").click()
    shoot(supplier, "withdraw-confirm")
    supplier.get_by_label("Yes, withdraw these answers from Province of Elsewhere.").check()
    supplier.get_by_role("button", name="Withdraw").click()
    expect(supplier.locator(".messages")).to_contain_text("Province of Elsewhere no longer sees the answers")
    expect(supplier.locator("#shares")).to_contain_text("Withdrawn by the supplier")

    # then buyer B no longer sees them, and they no longer count
    buyer_page.reload()
    withdrawn_on = timezone.localdate().isoformat()
    expect(buyer_page.locator("#profile-share")).to_contain_text(
        f"Withdrawn by the supplier on {withdrawn_on}."
    )
    expect(buyer_page.locator("main")).not_to_contain_text("☑")
    shoot(buyer_page, "buyer-withdrawn")
    request_b.refresh_from_db()
    assert request_b.status == Invitation.Status.INVITED and request_b.answers == {}
    buyer_page.goto(consultation_b.get_absolute_url())
    shoot(buyer_page, "buyer-results")


def test_a_supplier_keeps_a_contracts_site_list_in_the_profile(new_page, supplier_base_url, buyer):
    # given a contract whose supplier sent a site list
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from hrdd.contracts.services import contract_create, submission_create

    contract = contract_create(
        actor=buyer,
        title="Notebooks 2030-2033",
        supplier_name="Acme Computers",
        supplier_email=EMAIL,
        award_date=dt.date(2030, 1, 15),
        start_date=dt.date(2030, 2, 1),
        end_date=dt.date(2033, 1, 31),
        scenario=2,
    )
    obligation = contract.obligations.filter(clause="CC2").order_by("due_date").first()
    sites = (
        "name,address,country,site_type,products\nAssembly One,1 Factory Road,CN,final assembly,notebooks\n"
    )
    submission_create(
        obligation=obligation,
        data={"explanation": ""},
        upload=SimpleUploadedFile("sites.csv", sites.encode(), content_type="text/csv"),
    )
    supplier = new_page()

    # when the supplier keeps it from the contract's page
    supplier.goto(contract.get_supplier_url())
    keep = supplier.locator(f"#profile-keep-{obligation.pk}")
    shoot(supplier, "contract-keep")
    keep.get_by_role("button", name="Keep this site list in your company profile").click()

    # then it is version 1 of a new profile, said under the obligation
    expect(supplier.locator(".messages")).to_contain_text("Kept as version 1 of your company profile")
    expect(supplier.locator(f"#profile-keep-{obligation.pk}")).to_contain_text("Kept in your company profile")
    shoot(supplier, "contract-kept")
