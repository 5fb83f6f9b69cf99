"""A site list reused from the supplier's company profile in a real browser (issue 16): buyer B's contract page
for the supplier offers the site list the supplier kept from buyer A's contract, the send button does nothing
until the consent box naming buyer B is ticked, buyer B then sees the version and its date, and the supplier's
withdrawal takes the list and its sites back at once. Screenshots at desktop and phone width go to
/tmp/shots/profile-parts-*.png (HRDD_SHOTS overrides the folder)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hrdd.contracts.services import contract_create, submission_create
from hrdd.profiles import services
from hrdd.supplier_sites.models import SiteMention
from tests.factories import OrganisationFactory, UserFactory

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots"))  # noqa: S108 - screenshots to look at
EMAIL = "sales@acme.example"
SITES = (
    "name,address,country,site_type,products\n"
    'Assembly One,"1 Factory Road, Kunshan",CN,final assembly,notebooks\n'
    'Cells Two,"2 Battery Street, Penang",Malaysia,component,lithium-ion cells\n'
)


def shoot(page, name: str, part=None) -> None:
    """Screenshots of the whole page, and of `part` when given, at desktop and phone width; no sideways
    scrolling on the phone."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"profile-parts-{name}-{width}.png"), full_page=True)
        if part is not None:
            part.screenshot(path=str(SHOTS / f"profile-parts-{name}-part-{width}.png"))
        if width == 390:
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow} px at 390 px"
    page.set_viewport_size({"width": 1280, "height": 900})


def contract_for(user, title):
    return contract_create(
        actor=user,
        title=title,
        supplier_name="Acme Computers",
        supplier_email=EMAIL,
        award_date=dt.date(2030, 1, 15),
        start_date=dt.date(2030, 2, 1),
        end_date=dt.date(2033, 1, 31),
        scenario=2,
    )


def test_a_supplier_sends_a_site_list_from_the_profile_then_withdraws_it(
    new_page, login, supplier_base_url, buyer
):
    # given the supplier kept the site list sent on buyer A's contract, and buyer B's contract to the same address
    contract_a = contract_for(buyer, "Notebooks 2030-2033")
    sent = submission_create(
        obligation=contract_a.obligations.filter(clause="CC2").order_by("due_date").first(),
        data={"explanation": ""},
        upload=SimpleUploadedFile("sites.csv", SITES.encode(), content_type="text/csv"),
    )
    version = services.profile_keep_submission(contract=contract_a, submission=sent)
    buyer_b = UserFactory(
        email="buyer@province.example", organisation=OrganisationFactory(name="Province of Elsewhere")
    )
    contract_b = contract_for(buyer_b, "Monitors 2030-2032")
    obligation = contract_b.obligations.filter(clause="CC2").order_by("due_date").first()
    saved = timezone.localdate(version.saved_at).isoformat()
    supplier = new_page()

    # when the supplier opens buyer B's contract page
    supplier.goto(contract_b.get_supplier_url())
    offer = supplier.locator(f"#profile-part-{obligation.pk}")

    # then the obligation offers the profile's site list, with the consent box naming buyer B
    expect(offer).to_contain_text(f"version 1 of {saved}: 2 sites")
    consent = offer.get_by_label(
        f"I agree that Province of Elsewhere sees the site list of version 1 of my company profile, saved on "
        f"{saved}, for the contract Monitors 2030-2032."
    )
    expect(consent).not_to_be_checked()
    shoot(supplier, "offer", offer)

    # when the supplier sends without ticking the box, nothing is sent
    send = offer.get_by_role("button", name="Send the site list from my profile")
    send.click()
    assert not obligation.submissions.exists()

    # when the supplier ticks the box and sends
    consent.check()
    send.click()

    # then it is received as the obligation's submission, and the page says it came from the profile
    expect(supplier.locator(".messages")).to_contain_text(
        "Shared version 1 of your company profile with Province of Elsewhere"
    )
    expect(supplier.locator(f"#profile-part-{obligation.pk}")).to_contain_text(
        f"Shared from your company profile: version 1 of {saved}"
    )
    expect(supplier.locator(f"#obligation-{obligation.pk}")).to_contain_text("site-list-profile-v1.csv")
    expect(supplier.locator(f"#profile-keep-{obligation.pk}")).to_have_count(
        0
    )  # it is in the profile already
    shoot(supplier, "sent", supplier.locator(f"#obligation-{obligation.pk}"))
    submission = obligation.submissions.get()
    assert SiteMention.objects.filter(submission=submission).count() == 2

    # and buyer B sees where it came from, which version and of when
    buyer_page = new_page()
    login(buyer_page, buyer_b, then=contract_b.get_absolute_url())
    section = buyer_page.locator(f"#obligation-{obligation.pk}")
    expect(section).to_contain_text(f"shared from the supplier's profile, version 1 of {saved}")
    shoot(buyer_page, "buyer-shared", section)

    # when the supplier withdraws the sharing from the profile's page
    supplier.goto(version.profile.get_manage_url())
    expect(supplier.locator("#shares")).to_contain_text("Monitors 2030-2032 · CC2")
    shoot(supplier, "manage")
    supplier.locator("#shares").get_by_role("link", name="Withdraw…").click()
    expect(supplier.locator("main")).to_contain_text("Contract: Monitors 2030-2032 (CC2).")
    supplier.get_by_label("Yes, withdraw these answers from Province of Elsewhere.").check()
    supplier.get_by_role("button", name="Withdraw").click()
    expect(supplier.locator("#shares")).to_contain_text("Withdrawn by the supplier")

    # then buyer B no longer sees the list nor its sites, and sees when it was withdrawn
    buyer_page.reload()
    section = buyer_page.locator(f"#obligation-{obligation.pk}")
    expect(section).not_to_contain_text("site-list-profile-v1.csv")
    expect(section).to_contain_text(f"Withdrawn by the supplier on {timezone.localdate().isoformat()}.")
    shoot(buyer_page, "buyer-withdrawn", section)
    assert not obligation.submissions.exists()
    assert not SiteMention.objects.filter(organisation=buyer_b.organisation).exists()
