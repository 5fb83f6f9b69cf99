"""A buyer follows one procurement through its steps in a real browser, on a desktop and on a phone."""

from __future__ import annotations

import pytest

from hrdd.procurements.models import Procurement
from hrdd.risks import selectors
from hrdd.risks.models import ProductRiskAssessment

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fresh_knowledge_cache():
    selectors._CACHE.clear()
    yield
    selectors._CACHE.clear()


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_buyer_opens_a_procurement_and_step_one_joins_it(page, login, buyer, width):
    page.set_viewport_size({"width": width, "height": 900})
    # given the buyer opens their procurements
    login(page, buyer, then="/procurements/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Procurements")

    # when they open a procurement
    form = page.locator("#new-procurement")
    form.get_by_label("Title").fill("Phones for field staff")
    form.get_by_label("Product category").select_option(label="Smartphones")
    form.get_by_label("Reference").fill("PH-2027")
    form.get_by_role("button", name="Open procurement").click()

    # then its page says step 1 comes next, and the page fits the screen
    expect(page.get_by_role("heading", level=1)).to_have_text("Phones for field staff")
    expect(page.locator(".next-step")).to_contain_text("step 1")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # when they go to step 1 and save the assessment
    page.get_by_role("link", name="Go to this step").click()
    save = page.locator("#save")
    expect(save.locator("select[name=procurement] option:checked")).to_have_text(
        "Phones for field staff (PH-2027)"
    )
    save.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Risk assessment saved.")

    # then the assessment belongs to the procurement, and the procurement's page shows step 1 done
    procurement = Procurement.objects.get(title="Phones for field staff")
    assert ProductRiskAssessment.objects.get().procurement == procurement
    page.locator(".crumb").get_by_role("link", name="Phones for field staff (PH-2027)").click()
    steps = page.locator("li.step")
    expect(steps.nth(0)).to_have_class("step done")
    expect(steps.nth(0)).to_contain_text("done")
    expect(page.locator(".next-step")).to_contain_text("step 2")


def test_a_refused_procurement_keeps_the_input_and_marks_the_field(page, login, buyer):
    login(page, buyer, then="/procurements/")
    form = page.locator("#new-procurement")
    form.get_by_label("Reference").fill("PH-2027")
    form.get_by_role("button", name="Open procurement").click()
    title = page.locator("#new-procurement").get_by_label("Title")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#new-procurement").get_by_label("Reference")).to_have_value("PH-2027")
    assert not Procurement.objects.exists()
