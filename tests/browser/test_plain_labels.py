"""Plain words in a real browser: the risk page explains its scores, the tender page its codes, the contract page
names its KPIs, and a country is typed by its name in any language (screenshots in /tmp/shots/plain-labels/,
HRDD_SHOTS overrides)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from hrdd.accounts.models import User
from hrdd.companies.models import Company
from hrdd.contracts.models import Contract
from hrdd.demo import DEMO_LOGIN, DEMO_PASSWORD, load_demo
from hrdd.risks import selectors
from hrdd.risks.models import ProductRiskAssessment
from hrdd.tenders.models import Tender

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots/plain-labels"))  # noqa: S108 - screenshots to look at
CLAUSE_TITLE = re.compile(r"^contract clause \d+: ")
WIDTHS = pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])


def shot(page, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture(autouse=True)
def _fresh_knowledge_cache():
    selectors._CACHE.clear()
    yield
    selectors._CACHE.clear()


@pytest.fixture
def demo_buyer(transactional_db):
    load_demo()
    return User.objects.get(email=DEMO_LOGIN)


@WIDTHS
def test_the_risk_page_explains_its_scores_in_plain_words(page, login, demo_buyer, width):
    # given
    page.set_viewport_size({"width": width, "height": 900})
    saved = ProductRiskAssessment.objects.first()
    login(page, demo_buyer, password=DEMO_PASSWORD, then=saved.get_absolute_url())

    # when the buyer opens the explanation
    help_box = page.locator("#score-help")
    help_box.get_by_text("What does a risk score mean?").click()

    # then
    expect(help_box.locator("dt")).to_have_text(["Exposure", "Likelihood", "Severity"])
    expect(help_box).to_contain_text("hrdd's own choices")
    expect(page.locator("#method")).to_contain_text("Component manufacturing")
    expect(page.locator("#method")).not_to_contain_text("component_manufacturing")
    expect(page.locator("#method")).not_to_contain_text("child_labour")
    fits(page, width)
    shot(page, "risk-score-help", width)
    help_box.screenshot(path=str(SHOTS / f"risk-score-help-box-{width}.png"))


@WIDTHS
def test_the_tender_page_says_what_its_codes_mean(page, login, demo_buyer, width):
    # given
    page.set_viewport_size({"width": width, "height": 900})
    tender = Tender.objects.first()
    login(page, demo_buyer, password=DEMO_PASSWORD, then=tender.get_absolute_url())

    # when
    help_box = page.locator("#codes-help")
    help_box.get_by_text("What do these codes mean?").click()

    # then
    expect(help_box).to_contain_text("Selection criterion: a condition a tenderer must meet")
    expect(help_box).to_contain_text("Award criterion: a quality the bids are scored on")
    expect(help_box).to_contain_text("Contract clause: an obligation the winning supplier takes on")
    fits(page, width)
    shot(page, "tender-codes-help", width)
    help_box.screenshot(path=str(SHOTS / f"tender-codes-help-box-{width}.png"))

    # and on the bids page each criterion's column heading says what its code stands for
    page.goto(f"/tenders/{tender.public_id}/bids/")
    heading = page.locator("#drafts thead abbr").first
    assert heading.get_attribute("title").split(" ")[0] in {"award", "selection", "label"}


@WIDTHS
def test_the_contract_page_names_kpis_and_sites_in_words(page, login, demo_buyer, width):
    # given
    page.set_viewport_size({"width": width, "height": 900})
    contract = next(
        c for c in Contract.objects.all() if c.obligations.filter(submissions__sites__isnull=False).exists()
    )
    login(page, demo_buyer, password=DEMO_PASSWORD, then=contract.get_absolute_url())

    # then
    expect(page.locator(".obligation .kpi").first).to_contain_text("Timeliness:")
    expect(page.locator("table.sites").first).not_to_contain_text("component_manufacturing")
    expect(page.locator("main")).not_to_contain_text("site_list")
    expect(page.locator(".obligation h2 abbr").first).to_have_attribute("title", CLAUSE_TITLE)
    shot(page, "contract-kpis", width)
    page.locator(".obligation").first.screenshot(path=str(SHOTS / f"contract-kpis-obligation-{width}.png"))


@WIDTHS
def test_a_country_is_typed_by_its_name_in_any_language(page, login, demo_buyer, width):
    # given
    page.set_viewport_size({"width": width, "height": 900})
    login(page, demo_buyer, password=DEMO_PASSWORD, then="/companies/")
    form = page.locator("#new-company")
    form.get_by_label("Legal name").fill("Lumen Rechner GmbH")

    # when a misspelt name is sent
    form.get_by_label("Country").fill("Deutschlnd")
    form.get_by_role("button", name="Record company").click()

    # then the field says which country was probably meant
    form = page.locator("#new-company")
    expect(form.locator(".errorlist").first).to_have_text(
        "“Deutschlnd” is not a country hrdd knows. Did you mean Germany?"
    )
    expect(form.get_by_label("Country")).to_have_value("Deutschlnd")
    fits(page, width)
    shot(page, "country-suggestion", width)
    form.screenshot(path=str(SHOTS / f"country-suggestion-form-{width}.png"))

    # when the name in German is sent
    form.get_by_label("Country").fill("Deutschland")
    form.get_by_role("button", name="Record company").click()

    # then the company is recorded in Germany
    expect(page.get_by_role("heading", level=1)).to_have_text("Lumen Rechner GmbH")
    expect(page.locator("dl.facts")).to_contain_text("Germany")
    assert Company.objects.get(legal_name="Lumen Rechner GmbH").country_iso3 == "DEU"
