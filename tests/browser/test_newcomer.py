"""A newcomer's path in a real browser: an administrator invites a colleague who sets a password and lands on
their start page; a forgotten password is reset through the e-mailed link; the landing page shows what needs
attention at desktop and phone width (screenshots in /tmp/shots/newcomer/, HRDD_SHOTS overrides)."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from hrdd.accounts.models import User
from hrdd.consultations.models import Invitation
from tests.factories import (
    PASSWORD,
    ConsultationFactory,
    InvitationFactory,
    ObligationFactory,
    ProcurementFactory,
    UserFactory,
)

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots/newcomer"))  # noqa: S108 - screenshots to look at
NEW_PASSWORD = "a long new passphrase 42"
WIDTHS = pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])


def shot(page, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def link_in(message) -> str:
    (url,) = re.findall(r"https?://\S+", message.body)
    return url


@pytest.fixture
def admin(municipality):
    return UserFactory(email="admin@testville.example", organisation=municipality, role=User.Role.ADMIN)


@WIDTHS
def test_an_invited_colleague_sets_a_password_and_lands_on_their_start_page(
    new_page, login, admin, supplier_base_url, mailoutbox, width
):
    # given the administrator on the members page
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    login(page, admin, then=None)
    page.get_by_role("link", name="Members", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Members of Municipality of Testville")
    fits(page, width)

    # when they invite a colleague as contract manager
    page.get_by_role("link", name="Invite a colleague").click()
    form = page.locator("#invite")
    form.get_by_label("Colleague's e-mail address").fill("newcomer@testville.example")
    form.get_by_label("Role").select_option(label="Contract manager")
    shot(page, "invite", width)
    form.get_by_role("button", name="Send the invitation").click()

    # then the invitation waits for an answer, and one e-mail carries its link
    expect(page.locator(".messages")).to_contain_text("Invitation sent.")
    expect(page.locator("#invitations")).to_contain_text("newcomer@testville.example")
    (message,) = mailoutbox
    assert message.to == ["newcomer@testville.example"]

    # when the colleague opens the link in their own browser and chooses a password
    newcomer = new_page()
    newcomer.set_viewport_size({"width": width, "height": 900})
    newcomer.goto(link_in(message))
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Join Municipality of Testville")
    newcomer.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    newcomer.get_by_label("Password again").fill(NEW_PASSWORD)
    shot(newcomer, "join", width)
    fits(newcomer, width)
    newcomer.get_by_role("button", name="Create my account").click()

    # then they are logged in and, as a contract manager, land on the contracts
    newcomer.wait_for_url(re.compile(r"/contracts/$"))
    expect(newcomer.locator(".messages")).to_contain_text("Welcome to Municipality of Testville")
    expect(newcomer.get_by_role("link", name="4 Contracts")).to_have_attribute("aria-current", "page")
    assert User.objects.get(email="newcomer@testville.example").role == User.Role.CONTRACT_MANAGER

    # and the administrator sees them among the members
    page.goto("/account/members/")
    expect(page.locator("#members")).to_contain_text("newcomer@testville.example")
    shot(page, "members", width)
    fits(page, width)


@WIDTHS
def test_a_forgotten_password_is_reset_through_the_emailed_link(
    page, buyer, supplier_base_url, mailoutbox, width
):
    page.set_viewport_size({"width": width, "height": 900})

    # when the buyer asks for a reset link from the login page
    page.goto("/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("E-mail address").fill(buyer.email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")

    # then the link arrives; opening it lets them choose a new password
    (message,) = mailoutbox
    page.goto(link_in(message))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    shot(page, "password-reset", width)
    fits(page, width)
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password saved")

    # and they log in with it and land on the overview
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("E-mail address").fill(buyer.email)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/overview/$"))


def test_a_user_changes_their_password_from_their_account(page, login, viewer):
    login(page, viewer, then=None)
    page.get_by_role("link", name=viewer.email).click()
    page.get_by_role("link", name="Change your password").click()
    page.get_by_label("Old password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".messages")).to_contain_text("Your password was changed.")
    viewer.refresh_from_db()
    assert viewer.check_password(NEW_PASSWORD)


@WIDTHS
def test_the_landing_page_shows_what_needs_attention(page, login, buyer, municipality, width):
    # given an overdue report, a consultation with a supplier yet to answer, and two open procurements
    today = dt.date.today()
    ObligationFactory(
        contract__organisation=municipality,
        contract__title="Notebooks 2026-2029",
        due_date=today - dt.timedelta(days=5),
    )
    consultation = ConsultationFactory(
        organisation=municipality, title="Phones 2027", deadline=today + dt.timedelta(days=9)
    )
    InvitationFactory(consultation=consultation)
    InvitationFactory(consultation=consultation, status=Invitation.Status.SUBMITTED)
    ProcurementFactory(organisation=municipality, title="Monitors for the town hall", reference="TH-2027-03")
    page.set_viewport_size({"width": width, "height": 900})

    # when the buyer logs in
    login(page, buyer, then=None)

    # then they land on the overview, marked in the navigation, with each count linking to its list
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
    expect(page.get_by_role("link", name="Overview")).to_have_attribute("aria-current", "page")
    expect(page.locator("#attention-overdue .count")).to_have_text("1")
    expect(page.locator("#attention-awaiting .count")).to_have_text("1")
    expect(page.locator("#attention-evaluate .count")).to_have_text("0")
    expect(page.locator("#recent-procurements")).to_contain_text("Monitors for the town hall")
    fits(page, width)
    shot(page, "overview", width)

    # and printed, it is the content alone: no navigation, the table a full-width table
    page.emulate_media(media="print")
    expect(page.locator("header.top nav")).to_be_hidden()
    expect(page.locator(".list-filters")).to_have_count(0)
    assert (
        page.evaluate("getComputedStyle(document.querySelector('#recent-procurements')).display") == "table"
    )
    page.screenshot(path=str(SHOTS / f"overview-print-{width}.png"), full_page=True)
    page.emulate_media(media="screen")

    page.locator("#attention-awaiting a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Market consultations")
    expect(page.get_by_role("link", name="2 Market consultations")).to_have_attribute("aria-current", "page")
    expect(page.locator("main")).to_contain_text("Phones 2027")


@WIDTHS
def test_a_contract_manager_lands_on_the_contracts(page, login, contract_manager, municipality, width):
    ObligationFactory(contract__organisation=municipality, due_date=dt.date.today() - dt.timedelta(days=5))
    page.set_viewport_size({"width": width, "height": 900})

    login(page, contract_manager, then=None)

    page.wait_for_url(re.compile(r"/contracts/$"))
    expect(page.get_by_role("link", name="4 Contracts")).to_have_attribute("aria-current", "page")
    fits(page, width)
    shot(page, "contract-manager-landing", width)


def test_an_unknown_page_shows_the_plain_404_page(page, login, buyer, settings):
    settings.DEBUG = False
    login(page, buyer, then=None)

    response = page.goto("/no/such/page/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("link", name="Go to the start page")).to_be_visible()
