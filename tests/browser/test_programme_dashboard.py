"""The programme dashboard in a real browser: a responsible-sourcing manager creates a programme from the IXM
template, sets a KPI's baseline and target, enters a value with its evidence document, sees the chart and the
status with its reasons, makes the programme public; a business partner opens the public page logged out and sends
the join form; the manager sees the request. Desktop and phone width (screenshots /tmp/shots/programme-*.png)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from hrdd.accounts.models import Organisation, User
from tests.factories import OrganisationFactory, UserFactory

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots"))  # noqa: S108 - screenshots to look at
YEAR = timezone.localdate().year


def shoot(page, name, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    page.screenshot(path=str(SHOTS / f"programme-{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (
        f"{name} scrolls sideways at {width}"
    )


def test_a_manager_runs_a_programme_and_a_partner_asks_to_join(new_page, login, transactional_db, tmp_path):
    trader = OrganisationFactory(name="Lubumbashi Minerals Trading", kind=Organisation.Kind.COMPANY)
    manager = UserFactory(email="rs@lmt.example", organisation=trader, role=User.Role.SOURCING_MANAGER)
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, manager, then="/programmes/")

    # create from the IXM template
    page.get_by_role("link", name="New programme").click()
    shoot(page, "create", 390)
    shoot(page, "create", 1280)
    page.get_by_label("Responsible mineral supply chains (IXM example)").check()
    page.get_by_label("Title").fill("Responsible minerals 2028")
    page.get_by_label("First year").fill(str(YEAR - 1))
    page.get_by_label("Target year").fill(str(YEAR + 2))
    page.get_by_role("button", name="Create the programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Responsible minerals 2028")
    expect(page.locator(".kpi-card")).to_have_count(6)

    # set the training KPI's baseline and target
    page.get_by_role("link", name="% employees trained in responsible mineral supply chains").click()
    page.get_by_role("link", name="Edit targets and baseline").click()
    shoot(page, "kpi-edit", 390)
    shoot(page, "kpi-edit", 1280)
    page.get_by_label("Baseline value").fill("10")
    page.get_by_label("Baseline year").fill(str(YEAR - 2))
    page.get_by_label(f"{YEAR + 2} (%)").fill("90")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The KPI is saved.")).to_be_visible()

    # enter last year's value with a document
    evidence = tmp_path / "training-attendance.txt"
    evidence.write_text("Responsible minerals training: 16 of 25 employees attended.", encoding="utf-8")
    page.get_by_label("Year").select_option(str(YEAR - 1))
    page.get_by_label("Counted").fill("16")
    page.get_by_label("Out of").fill("25")
    page.get_by_label("Document").set_input_files(str(evidence))
    page.get_by_label("Page or section").fill("attendance list, p. 1")
    page.get_by_role("button", name="Save the value").click()
    expect(page.get_by_text("The value is saved.")).to_be_visible()
    years = page.locator("#years")
    expect(years).to_contain_text(f"64% (16 of 25) on {YEAR - 1}-12-31")
    expect(years).to_contain_text("On track")
    expect(years).to_contain_text("training-attendance.txt")
    expect(years).to_contain_text("rs@lmt.example")
    shoot(page, "kpi", 1280)
    shoot(page, "kpi", 390)

    # the dashboard: figure, status with reasons, chart
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Responsible minerals 2028").click()
    card = page.locator("#kpi-employees_trained")
    expect(card.locator(".kpi-figure")).to_have_text(f"64% 16 of 25 on {YEAR - 1}-12-31")
    expect(card).to_contain_text(f"target for {YEAR + 2}: at least 90%")
    expect(card.locator("svg[role=img] title").first).to_contain_text("% employees trained")
    shoot(page, "dashboard", 1280)
    shoot(page, "dashboard", 390)
    card.screenshot(path=str(SHOTS / "programme-card-390.png"))

    # make it public
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Edit the programme").click()
    page.get_by_label("Public page").check()
    page.get_by_label("E-mail for join requests").fill("partners@lmt.example")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("The programme is saved.")).to_be_visible()
    public_path = page.locator("#public-link").get_attribute("href")
    assert public_path and re.match(r"^/programmes/public/[0-9a-f-]{36}/$", public_path)

    # a business partner, logged out
    partner = new_page()
    partner.set_viewport_size({"width": 390, "height": 900})
    partner.goto(public_path)
    expect(partner.get_by_role("heading", level=1)).to_have_text("Responsible minerals 2028")
    expect(partner.locator("#kpi-employees_trained .kpi-figure")).to_contain_text("64%")
    assert partner.locator("a[href^='/incidents/']").count() == 0
    shoot(partner, "public", 390)
    shoot(partner, "public", 1280)
    partner.set_viewport_size({"width": 390, "height": 900})
    partner.get_by_label("Your organisation").fill("Kolwezi Cobalt Cooperative")
    partner.get_by_label("Your name").fill("Mireille Kabila")
    partner.get_by_label("Your e-mail address").fill("mireille@kolwezi.example")
    partner.get_by_label("Message").fill("We would like to join the child-labour programme.")
    partner.get_by_role("button", name="Send").click()
    expect(partner.get_by_role("heading", level=1)).to_have_text("Thank you")
    shoot(partner, "thanks", 390)

    # the manager sees it and marks it handled
    page.reload()
    requests = page.locator("#join-table")
    expect(requests).to_contain_text("Kolwezi Cobalt Cooperative")
    requests.get_by_role("button", name="Mark handled").click()
    expect(page.locator("#join-table")).not_to_contain_text("not yet")
    page.goto("/programmes/")
    expect(page.locator("#programmes")).to_contain_text("Responsible minerals 2028")
    shoot(page, "list", 390)
    shoot(page, "list", 1280)
