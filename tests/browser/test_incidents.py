"""Incidents in a real browser: a worker reports a grievance anonymously on a phone and follows it with the receipt
code; a buyer reviews it, links it to the site and finds the exposed contracts; a supplier reports progress on a
corrective action through its contract link and the buyer verifies it. Every page at desktop and phone width
(screenshots in /tmp/shots/incidents/, HRDD_SHOTS overrides)."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from hrdd.accounts.models import User
from hrdd.incidents import services
from hrdd.incidents.models import Incident, RemediationStep
from tests.app.incidents_support import buyer_org, contract_for, mention, site

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots/incidents"))  # noqa: S108 - screenshots to look at
WIDTHS = pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
TODAY = timezone.localdate()


def shoot(page, name, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways"


@pytest.fixture
def world(transactional_db, supplier_base_url):
    """A municipality (contract manager and administrator) whose supplier names a plant under a contract, a
    region naming it too and sharing its exposure, and the municipality's grievance form."""
    owner, manager = buyer_org("Municipality of Exampleton")
    from tests.factories import UserFactory

    admin = UserFactory(email="admin@exampleton.example", organisation=owner, role=User.Role.ADMIN)
    region, _region_manager = buyer_org("Region of Elsewhere")
    plant = site("Penang Assembly Sdn Bhd", "MYS")
    contract = contract_for(owner, "Notebooks for schools 2027")
    mention(plant, contract, products="notebooks; docking stations")
    mention(plant, contract_for(region, "Servers 2026"))
    channel = services.grievance_channel_create(
        actor=manager,
        slug="exampleton",
        title="Report a problem at a factory",
        introduction="We buy computers for our schools. Tell us if workers are harmed where they are made.",
    )
    return {"manager": manager, "admin": admin, "plant": plant, "contract": contract, "channel": channel}


@WIDTHS
def test_a_worker_reports_a_grievance_anonymously_and_follows_it_with_the_receipt_code(page, world, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/report/exampleton/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a problem at a factory")
    trap = page.locator("#id_website").bounding_box()  # the robots' field: off the screen for people
    assert trap is not None and trap["x"] + trap["width"] <= 0
    shoot(page, "grievance-form", width)

    page.get_by_label("What happened?").fill(
        "The dormitory manager keeps our passports. We work 14 hours a day before the holiday."
    )
    page.get_by_label("Where? The factory, mine or workplace").fill("Penang assembly plant, Bayan Lepas")
    page.get_by_label("Country").fill("Malaysia")
    page.get_by_label("What is it about?").select_option("forced_labour")
    page.get_by_label("Your language").select_option("ne")
    page.wait_for_timeout(3200)  # a person takes longer than the form's minimum fill time
    page.get_by_role("button", name="Send the report").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you. Your report is received.")
    code = page.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){4}", code)
    shoot(page, "grievance-sent", width)
    incident = Incident.objects.get(channel=world["channel"])
    assert incident.reporter_anonymous and incident.language == "ne"

    page.reload()  # shown once
    expect(page.locator("#receipt-code")).to_have_count(0)

    services.incident_transition(
        actor=world["manager"],
        incident=incident,
        status="verifying",
        public_note="We are checking your report.",
    )
    page.goto("/receipt/")
    shoot(page, "receipt-form", width)
    page.get_by_label("Your receipt code").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Show the status").click()
    expect(page.locator("#receipt-status")).to_contain_text("Status: Verifying")
    expect(page.locator("#receipt-status")).to_contain_text("We are checking your report.")
    expect(page.locator("body")).not_to_contain_text("Exampleton")
    shoot(page, "receipt-status", width)


@WIDTHS
def test_a_buyer_reviews_a_grievance_and_finds_the_exposed_contracts(page, login, world, width):
    receipt = services.grievance_submit(
        channel=world["channel"],
        client_address="198.51.100.4",
        description="The dormitory manager keeps our passports.",
        site_text="Penang assembly plant",
        country="Malaysia",
        category="forced_labour",
    )
    page.set_viewport_size({"width": width, "height": 900})
    login(page, world["manager"], then="/incidents/")
    expect(page.locator("#incidents")).to_contain_text("Grievance about Penang assembly plant")
    shoot(page, "register", width)

    page.locator("#incidents").get_by_role("link", name="Grievance about Penang assembly plant").click()
    expect(page.locator("#facts")).to_contain_text("anonymous")
    expect(page.locator("#exposure")).to_contain_text("not linked to a site")
    shoot(page, "incident-received", width)

    # verifying, with a note for the reporter
    page.locator("#transition-form").get_by_label("Verifying").check()
    page.get_by_label("Note for the reporter").fill("We have asked an NGO in Penang to check.")
    page.get_by_role("button", name="Change the status").click()
    expect(page.locator("#status-badge")).to_have_text("Verifying")

    # linked to the registry's site, rated
    page.get_by_role("link", name="Edit the record").click()
    page.get_by_label("Site", exact=True).fill(f"{world['plant'].get_absolute_url()}")
    page.get_by_label("Scale: how grave").select_option("4")
    page.get_by_label("Scope: how many people").select_option("3")
    page.get_by_label("Can it be put right?").select_option("2")
    page.get_by_label("Shared with exposed buyers", exact=False).check()
    shoot(page, "incident-edit", width)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#severity")).to_contain_text("Critical")

    page.locator("#transition-form").get_by_label("Substantiated", exact=True).check()
    page.get_by_role("button", name="Change the status").click()
    expect(page.locator("#status-badge")).to_have_text("Substantiated")
    expect(page.locator("#exposed-contracts")).to_contain_text("Notebooks for schools 2027")
    expect(page.locator("#other-buyers")).to_contain_text("1 other organisation")
    expect(page.locator("#exposure")).not_to_contain_text("Servers 2026")
    expect(page.locator("#leverage")).to_contain_text("Penang Assembly Sdn Bhd")

    # a step of the plan, under the exposed contract
    page.get_by_label("Corrective action").fill("Return every passport to its owner")
    page.get_by_label("Who acts").fill("Supplier's site manager")
    page.get_by_label("Deadline").fill((TODAY + dt.timedelta(days=30)).isoformat())
    page.get_by_label("Evidence to deliver").fill("Statements signed by the workers' committee")
    page.get_by_label("Under contract").select_option(str(world["contract"].public_id))
    page.get_by_role("button", name="Add the step").click()
    expect(page.locator("#steps")).to_contain_text("Return every passport to its owner")
    shoot(page, "incident-substantiated", width)
    assert RemediationStep.objects.get().contract == world["contract"]
    assert Incident.objects.get(pk=receipt.incident.pk).status == "substantiated"

    page.goto("/incidents/settings/")
    expect(page.locator("#channels")).to_contain_text("/report/exampleton/")
    shoot(page, "settings", width)
    page.goto("/incidents/new/")
    shoot(page, "create", width)


@WIDTHS
def test_a_supplier_reports_progress_through_its_contract_link_and_the_buyer_verifies(
    page, new_page, login, world, width, tmp_path
):
    incident = services.incident_create(
        actor=world["manager"],
        title="Passports withheld at the Penang plant",
        source="ngo",
        category="forced_labour",
        site=world["plant"],
    )
    step = services.step_add(
        actor=world["manager"],
        incident=incident,
        contract=world["contract"],
        action="Return every passport to its owner",
        responsible="Supplier's site manager",
        evidence="Statements signed by the workers' committee",
        deadline=TODAY + dt.timedelta(days=14),
    )
    overdue = services.step_add(
        actor=world["manager"],
        incident=incident,
        action="Repay the recruitment fees",
        responsible="Supplier",
        deadline=TODAY + dt.timedelta(days=1),
    )
    RemediationStep.objects.filter(pk=overdue.pk).update(deadline=TODAY - dt.timedelta(days=2))
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/contracts/supplier/{world['contract'].token}/")
    section = page.locator("#remediation")
    expect(section).to_contain_text("Return every passport to its owner")
    expect(section).not_to_contain_text("Repay the recruitment fees")  # not under this contract
    evidence = tmp_path / "statements.txt"
    evidence.write_text("41 passports returned, signed by the committee")
    section.get_by_label("What was done").fill("All 41 passports are back with their owners.")
    section.get_by_label("Evidence file (optional)").set_input_files(str(evidence))
    section.get_by_role("button", name="Send progress").click()
    expect(page.locator(".messages")).to_contain_text("your progress is sent")
    expect(page.locator("#remediation")).to_contain_text("statements.txt")
    shoot(page, "supplier", width)
    step.refresh_from_db()
    assert step.first_reported_on == TODAY

    buyer_page = new_page()
    buyer_page.set_viewport_size({"width": width, "height": 900})
    login(buyer_page, world["manager"], then=None)  # a contract manager lands on the contracts
    expect(buyer_page.locator("#overdue-steps")).to_contain_text("Repay the recruitment fees")
    shoot(buyer_page, "dashboard", width)
    buyer_page.locator("#overdue-steps").get_by_role("link", name="Repay the recruitment fees").click()
    item = buyer_page.locator(f"#step-{step.public_id}")
    expect(item).to_contain_text("All 41 passports are back with their owners.")
    item.get_by_text("Verify the evidence").click()
    item.get_by_label("What was checked").fill("Statements checked with the committee by video call")
    item.get_by_role("button", name="Mark verified").click()
    expect(buyer_page.locator(f"#step-{step.public_id}")).to_contain_text("Verified")
    shoot(buyer_page, "incident-plan", width)


@WIDTHS
def test_the_whole_path_from_a_phone_grievance_to_a_verified_step_on_the_contract_and_calendar(
    page, new_page, login, world, width
):
    # a worker, on a phone, without an account
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/report/exampleton/")
    page.get_by_label("What happened?").fill("Our supervisor keeps our passports in his office.")
    page.get_by_label("Where? The factory, mine or workplace").fill("Penang plant")
    page.get_by_label("Country").fill("Malaysia")
    page.wait_for_timeout(3200)
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you. Your report is received.")

    # the buyer reviews it, links it to the site its supplier named, substantiates it
    buyer = new_page()
    buyer.set_viewport_size({"width": width, "height": 900})
    login(buyer, world["manager"], then="/incidents/settings/")
    buyer.locator(f"#channel-{world['channel'].public_id}").get_by_role(
        "link", name="in the register"
    ).click()
    expect(buyer.locator("#incidents tbody tr")).to_have_count(1)
    buyer.locator("#incidents").get_by_role("link", name="Grievance about Penang plant").click()
    buyer.get_by_role("link", name="Edit the record").click()
    buyer.get_by_label("Site", exact=True).fill(world["plant"].get_absolute_url())
    buyer.get_by_role("button", name="Save").click()
    buyer.locator("#transition-form").get_by_label("Verifying").check()
    buyer.get_by_role("button", name="Change the status").click()
    buyer.locator("#transition-form").get_by_label("Substantiated", exact=True).check()
    buyer.get_by_role("button", name="Change the status").click()
    expect(buyer.locator("#exposed-contracts")).to_contain_text("Notebooks for schools 2027")

    # a step with a deadline, under the exposed contract; then corrected on its own page
    buyer.get_by_label("Corrective action").fill("Return every passport")
    buyer.get_by_label("Who acts").fill("Supplier's site manager")
    buyer.get_by_label("Deadline").fill((TODAY + dt.timedelta(days=21)).isoformat())
    buyer.get_by_label("Under contract").select_option(str(world["contract"].public_id))
    buyer.get_by_role("button", name="Add the step").click()
    step = RemediationStep.objects.get()
    buyer.locator(f"#step-{step.public_id}").get_by_role("link", name="Edit the step").click()
    buyer.get_by_label("Corrective action").fill("Return every passport to its owner")
    buyer.get_by_label("Evidence to deliver").fill("Statements signed by the workers' committee")
    shoot(buyer, "step-edit", width)
    buyer.get_by_role("button", name="Save").click()
    expect(buyer.locator(f"#step-{step.public_id}")).to_contain_text("Return every passport to its owner")
    shoot(buyer, "path-incident", width)

    # the supplier reports progress through its contract link
    supplier = new_page()
    supplier.set_viewport_size({"width": width, "height": 900})
    supplier.goto(f"/contracts/supplier/{world['contract'].token}/")
    section = supplier.locator("#remediation")
    section.get_by_label("What was done").fill("All passports returned on Monday.")
    section.get_by_role("button", name="Send progress").click()
    expect(supplier.locator(".messages")).to_contain_text("your progress is sent")

    # the contract page shows the remediation KPI; a second step falls overdue and the dashboard counts it
    late = services.step_add(
        actor=world["manager"],
        incident=step.incident,
        contract=world["contract"],
        action="Repay the recruitment fees",
        responsible="Supplier",
        deadline=TODAY + dt.timedelta(days=1),
    )
    RemediationStep.objects.filter(pk=late.pk).update(deadline=TODAY - dt.timedelta(days=3))
    buyer.goto(world["contract"].get_absolute_url())
    expect(buyer.locator("#remediation-kpi")).to_have_text("overdue")
    expect(buyer.locator("#remediation")).to_contain_text("1 step(s) past their deadline")
    buyer.locator("#remediation").scroll_into_view_if_needed()
    shoot(buyer, "contract-remediation", width)
    buyer.goto("/contracts/")
    expect(buyer.locator("#overdue-steps h2")).to_have_text("1 corrective action overdue")

    # the buyer verifies the reported step; the calendar feed keeps the open one, named with its incident
    buyer.goto(step.get_absolute_url())
    item = buyer.locator(f"#step-{step.public_id}")
    expect(item).to_contain_text("All passports returned on Monday.")
    item.get_by_text("Verify the evidence").click()
    item.get_by_role("button", name="Mark verified").click()
    expect(buyer.locator(f"#step-{step.public_id}")).to_contain_text("Verified")
    feed = (
        buyer.request.get(f"/contracts/{world['contract'].public_id}/calendar.ics")
        .text()
        .replace("\r\n ", "")
    )
    assert f"UID:step-{late.public_id}@hrdd" in feed and f"UID:step-{step.public_id}@hrdd" not in feed
    assert "Repay the recruitment fees — Supplier (Grievance about Penang plant)" in feed

    # the supplier's record on the company page
    buyer.goto(world["contract"].supplier.get_absolute_url())
    expect(buyer.locator("#supplier-incidents")).to_contain_text("Grievance about Penang plant")
    expect(buyer.locator("#supplier-remediation-reasons")).to_contain_text("1 of 2 steps verified")
    buyer.locator("#supplier-record").scroll_into_view_if_needed()
    shoot(buyer, "company-record", width)
