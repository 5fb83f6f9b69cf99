"""An answer to Amnesty International's 2017 cobalt assessment in a real browser, from draft to export: a mineral
trader's responsible-sourcing manager begins it, answers two criteria, cites a KPI and a document; a colleague
rates both answers as reviewer and marks it final; both exports are downloaded and reopened. Desktop and phone
screenshots in /tmp/shots/ (HRDD_SHOTS overrides)."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest

from hrdd.accounts.models import Organisation, User
from hrdd.programmes.models import NgoResponse

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots"))  # noqa: S108 - screenshots to look at
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def shoot(page, name, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"ngo-{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (
        f"{name} scrolls sideways at {width}"
    )


def log_in(page, user, then):
    from tests.factories import PASSWORD

    page.goto("/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"^(?!.*/login/)"))
    page.goto(then)


@pytest.fixture
def world(transactional_db):
    from tests.factories import (
        KpiFactory,
        KpiValueFactory,
        OrganisationFactory,
        ProgrammeFactory,
        UserFactory,
    )

    trader = OrganisationFactory(name="Kolwezi Minerals Trading SA", kind=Organisation.Kind.COMPANY)
    manager = UserFactory(
        email="sourcing@trader.example", organisation=trader, role=User.Role.SOURCING_MANAGER
    )
    reviewer = UserFactory(email="legal@trader.example", organisation=trader, role=User.Role.ADMIN)
    programme = ProgrammeFactory(organisation=trader, title="Responsible cobalt 2028")
    kpi = KpiFactory(
        programme=programme,
        key="assessed",
        name="% of high-risk suppliers assessed in enhanced due diligence",
    )
    KpiValueFactory(
        kpi=kpi, period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31), value=Decimal("64")
    )
    return {"manager": manager, "reviewer": reviewer, "kpi": kpi}


def section(page, key):
    return page.locator(f"#criterion-{key}")


def test_an_ngo_answer_goes_from_draft_to_export(new_page, world):
    from docx import Document
    from openpyxl import load_workbook

    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, world["manager"], "/programmes/ngo/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Answers to NGO assessments")
    page.get_by_role("link", name="Answer a new assessment").first.click()

    # begin the answer
    page.get_by_label("Assessment framework").select_option("amnesty-2017-cobalt")
    page.get_by_label("Title").fill("Amnesty cobalt assessment 2017")
    page.get_by_label("Addressee").fill(
        "Ms A. Example\nHead of Business and Human Rights\nAmnesty International"
    )
    page.get_by_label("Their reference").fill("TC AFR 62/2017.048")
    page.get_by_label("Their letter received on").fill("2017-10-23")
    page.get_by_label("Answer by").fill("2017-11-03")
    shoot(page, "create", 1280)
    page.get_by_role("button", name="Begin the answer").click()
    expect(page.locator("#ngo-status")).to_have_text("Draft")

    # answer two criteria
    links = section(page, "supply-links")
    links.get_by_label("Our answer").fill(
        "Yes. We asked each of our 25 suppliers for the smelters and refiners in their chain, and checked the "
        "list against the refiner named in your letter."
    )
    links.get_by_role("button", name="Save the answer").click()
    expect(page.locator(".messages")).to_contain_text("The answer is saved.")
    mapping = section(page, "mapping-risks")
    mapping.get_by_label("Our answer").fill(
        "Our suppliers are tiered by risk; every high-risk supplier is assessed against the OECD five steps."
    )
    mapping.get_by_role("button", name="Save the answer").click()

    # cite a KPI for 1.0 and a document for 3.0
    section(page, "supply-links").get_by_role("link", name="Add evidence").click()
    card = page.locator("#evidence-kpi")
    card.get_by_label("KPI").select_option(
        label="% of high-risk suppliers assessed in enhanced due diligence — Responsible cobalt 2028"
    )
    card.get_by_label("Figure on").fill("2025-12-31")
    shoot(page, "evidence", 1280)
    card.get_by_role("button", name="Cite it").click()
    expect(section(page, "supply-links").locator(".evidence-list")).to_contain_text("64%")
    section(page, "mapping-risks").get_by_role("link", name="Add evidence").click()
    card = page.locator("#evidence-document")
    card.get_by_label("Document").set_input_files(
        {"name": "sourcing-report-2025.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    card.get_by_label("Page or section").fill("p. 23")
    card.get_by_role("button", name="Cite it").click()
    expect(section(page, "mapping-risks").locator(".evidence-list")).to_contain_text(
        "sourcing-report-2025.pdf"
    )
    page.get_by_role("button", name="Send for review").click()
    expect(page.locator("#ngo-status")).to_have_text("In review")
    shoot(page, "in-review", 1280)

    # the reviewer rates both answers, on a phone, and marks it final
    phone = new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    response = NgoResponse.objects.get()
    log_in(phone, world["reviewer"], response.get_absolute_url())
    expect(phone.locator("#review-verdict")).to_contain_text("needs a reviewer's rating")
    for key, rating in (
        ("supply-links", "Adequate action taken"),
        ("mapping-risks", "Moderate action taken"),
    ):
        block = section(phone, key)
        block.get_by_text("Rate this answer").click()
        block.get_by_label("Reviewer's rating").select_option(label=rating)
        block.get_by_label("Reviewer's note").fill("Checked against the records.")
        block.get_by_role("button", name="Save the rating").click()
        expect(section(phone, key)).to_contain_text(f"{rating}")
        expect(section(phone, key)).to_contain_text("rated by legal@trader.example")
    shoot(phone, "rated", 390)
    section(phone, "disclosure").get_by_role("link", name="Add evidence").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Add evidence")
    shoot(phone, "evidence", 390)
    phone.go_back()
    phone.get_by_role("button", name="Mark final").click()
    expect(phone.locator("#ngo-status")).to_have_text("Final")
    expect(phone.locator("#final-note")).to_be_visible()
    expect(phone.get_by_role("button", name="Save the answer")).to_have_count(0)
    shoot(phone, "final", 390)

    # both exports, reopened
    with phone.expect_download() as letter_download:
        phone.locator("#download-letter").click()
    letter = Document(io.BytesIO(Path(letter_download.value.path()).read_bytes()))
    texts = [p.text for p in letter.paragraphs]
    assert texts[0] == "Kolwezi Minerals Trading SA"
    assert "Criterion 1.0: Investigated its supply links to the DRC and to the named refiner" in texts
    assert any(t.startswith("1.") and "64%" in t for t in texts)
    assert any(t.startswith("1.") and "sourcing-report-2025.pdf (enclosed), p. 23" in t for t in texts)
    assert not letter.sections[0].header.paragraphs[0].text  # final: no draft marker
    with phone.expect_download() as table_download:
        phone.locator("#download-table").click()
    book = load_workbook(io.BytesIO(Path(table_download.value.path()).read_bytes()))
    rows = list(book["Answers"].iter_rows(values_only=True))
    assert [(r[0], r[4]) for r in rows[1:3]] == [
        ("1.0", "Adequate action taken"),
        ("3.0", "Moderate action taken"),
    ]
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "ngo-letter.docx").write_bytes(Path(letter_download.value.path()).read_bytes())

    # the final page at desktop width too
    page.reload()
    expect(page.locator("#ngo-status")).to_have_text("Final")
    shoot(page, "final", 1280)
