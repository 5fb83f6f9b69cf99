"""The Content Security Policy (django-csp, config.settings) breaks no page: the demo's buyer opens the main pages and
one record of each kind, a visitor the login and the API's documentation, and the browser reports no violation of
the policy (its `securitypolicyviolation` events and its console's "Content Security Policy" errors). The policy
allows no inline style either (issue 17): the pages drawn with maps, charts and their own stylesheets, the sourcing
side's and the suppliers' links among them, are seen at desktop and phone width (screenshots in /tmp/shots/csp/,
HRDD_SHOTS overrides the folder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from hrdd.companies.models import Company
from hrdd.consultations.models import Consultation
from hrdd.contracts.models import Contract
from hrdd.demo import DEMO_LOGIN, DEMO_PASSWORD, load_demo
from hrdd.demo_sourcing import TRADER_LOGIN, load_sourcing_demo
from hrdd.incidents.models import Incident
from hrdd.procurements.models import Procurement
from hrdd.programmes import models as programmes
from hrdd.risks.models import ProductRiskAssessment
from hrdd.supplier_sites.models import Site
from hrdd.tenders.models import BidEvaluation, Tender

pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots/csp"))  # noqa: S108 - screenshots to look at

LISTS = [
    "/overview/",
    "/procurements/",
    "/risks/",
    "/risks/knowledge/",
    "/consultations/",
    "/tenders/",
    "/contracts/",
    "/companies/",
    "/sites/",
    "/incidents/",
    "/smelters/",
    "/audit/",
    "/tasks/",
    "/api/v1/docs",
]
RECORDS = [Procurement, ProductRiskAssessment, Consultation, Tender, Contract, Company, Site, Incident]
# Collects what the page's own scripts cannot hide: every violation event, from before the first script runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} in ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def watched_page(page):
    """The page, with every CSP violation and console error it meets collected in page.problems."""
    page.problems = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            page.problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []") + page.problems


def visit(page, url: str) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status < 400, (
        f"{url}: {response.status if response else 'nothing'}"
    )
    page.evaluate("() => new Promise((done) => setTimeout(done, 50))")  # violation events are queued tasks
    found = [f"{url}: {violation}" for violation in violations(page)]
    page.problems.clear()
    return found


def log_in(page, email: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/overview/")


def at_both_widths(page, name: str, url: str) -> list[str]:
    """Visit a page at desktop and at phone width, with a screenshot of each: the violations met, and a page that
    scrolls sideways on a phone (a layout that lost its stylesheet would)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    found = []
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        found += visit(page, url)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        if width == 390 and page.evaluate("document.documentElement.scrollWidth") > width:
            found.append(f"{url}: scrolls sideways at {width} px")
        found += [f"{url}: stylesheet not loaded: {href}" for href in page.evaluate(UNLOADED_STYLESHEETS)]
    return found


# A stylesheet the browser did not load (not found, or refused) has no sheet.
UNLOADED_STYLESHEETS = "() => Array.from(document.querySelectorAll('link[rel=stylesheet]')).filter((l) => !l.sheet).map((l) => l.href)"


def style_of(page, selector: str, prop: str) -> str:
    """The computed value of a CSS property of the first element matching the selector."""
    return page.eval_on_selector(selector, f"(e) => getComputedStyle(e).getPropertyValue('{prop}')")


def test_pages_with_maps_charts_and_their_own_stylesheets_meet_no_violation(watched_page, transactional_db):
    # given both demos: the buyer's story and the mineral trader's programme
    load_demo()
    load_sourcing_demo(password=DEMO_PASSWORD)
    page = watched_page
    tender = Tender.objects.order_by("pk").first()
    evaluation = BidEvaluation.objects.filter(tender=tender).order_by("pk").first()
    consultation = Consultation.objects.order_by("pk").first()
    invitation = consultation.invitations.order_by("pk").first()
    contract = Contract.objects.order_by("pk").first()
    buyer_pages = {
        "risk-assessment": ProductRiskAssessment.objects.order_by("pk").first().get_absolute_url(),
        "consultation": consultation.get_absolute_url(),
        "award-report": reverse("tenders:evaluation", args=[tender.public_id, evaluation.pk]),
        "contracts": "/contracts/",
        "sites-map": "/sites/",
        "site": Site.objects.order_by("pk").first().get_absolute_url(),
    }
    links = {
        "supplier-consultation-link": reverse("respond", args=[invitation.token]),
        "supplier-contract-link": reverse("contracts:supplier", args=[contract.token]),
    }
    programme = programmes.Programme.objects.order_by("pk").first()
    first = {
        model: model.objects.order_by("pk").first()
        for model in (
            programmes.DiligenceAssessment,
            programmes.Certification,
            programmes.ChildLabourCase,
            programmes.NgoResponse,
        )
    }
    trader_pages = {
        "programme": reverse("programmes:detail", args=[programme.public_id]),
        "diligence-assessment": reverse(
            "programmes:assessment", args=[first[programmes.DiligenceAssessment].public_id]
        ),
        "certification": reverse(
            "programmes:certification", args=[first[programmes.Certification].public_id]
        ),
        "case": reverse("programmes:case", args=[first[programmes.ChildLabourCase].public_id]),
        "ngo": reverse("programmes:ngo", args=[first[programmes.NgoResponse].public_id]),
        "smelters": "/smelters/",
        "incidents": "/incidents/",
        "incident": Incident.objects.get(organisation=programme.organisation).get_absolute_url(),
    }
    public = {"programme-public": reverse("programmes:public", args=[programme.public_id])}

    # when a supplier opens its links and anybody the programme's public page
    found = []
    for name, url in {**links, **public}.items():
        found += at_both_widths(page, name, url)
    # and the buyer, then the trader's sourcing manager, open their pages
    log_in(page, DEMO_LOGIN, DEMO_PASSWORD)
    for name, url in buyer_pages.items():
        found += at_both_widths(page, name, url)
    page.context.clear_cookies()
    log_in(page, TRADER_LOGIN, DEMO_PASSWORD)
    for name, url in trader_pages.items():
        found += at_both_widths(page, name, url)

    # then the browser refused nothing and loaded every stylesheet
    assert found == []
    # and the styles that were inline are applied from the static sheets: the NGO page's, the bar of a section's
    # points (its width an SVG attribute), the one-time key of a create form hidden
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(trader_pages["ngo"])
    assert style_of(page, ".criterion", "border-top-style") == "solid"  # ngo.css
    page.goto(trader_pages["diligence-assessment"])
    assert (
        round(float(style_of(page, "svg.bar", "height").removesuffix("px"))) == 10
    )  # .6rem, diligence.css (unstyled, 150px)
    assert float(page.eval_on_selector("svg.bar rect.done", "(r) => r.getBoundingClientRect().width")) <= 128
    page.goto(trader_pages["incident"])
    assert style_of(page, "ol.steps", "list-style-type") == "none"  # incidents.css
    assert style_of(page, ".pre-line", "white-space") == "pre-line"  # hrdd.css
    page.goto(reverse("programmes:certification_create"))
    assert page.locator('input[name="form_key"]').evaluate("(e) => getComputedStyle(e).display") == "none"
    page.context.clear_cookies()
    log_in(page, DEMO_LOGIN, DEMO_PASSWORD)
    page.goto(buyer_pages["award-report"])
    assert style_of(page, ".award-report td.num", "text-align") == "right"  # award_report.css
    page.goto(buyer_pages["risk-assessment"])
    assert style_of(page, ".risk-map", "max-width") == "900px"
    page.goto(buyer_pages["sites-map"])
    assert (
        round(float(style_of(page, "svg.swatch", "width").removesuffix("px"))) == 14
    )  # .9rem, sites.css (unstyled, 300px)


def test_the_main_pages_meet_no_content_security_policy_violation(watched_page, transactional_db):
    # given the demo and its buyer logged in
    load_demo()
    page = watched_page
    found = visit(page, "/login/")
    page.get_by_label("E-mail address").fill(DEMO_LOGIN)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/overview/")

    # when they open the main pages and one record of each kind
    for url in LISTS:
        found += visit(page, url)
    for model in RECORDS:
        record = model.objects.order_by("pk").first()
        if record is not None:
            found += visit(page, record.get_absolute_url())

    # then the browser refused nothing
    assert found == []


def test_a_policy_violation_would_be_seen(watched_page, live_server):
    # the harness itself: an inline script on a page of ours is refused, and the test sees it
    page = watched_page
    page.goto("/login/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1'; "
        "document.body.appendChild(s); }"
    )
    page.wait_for_function("window.__cspViolations.length > 0")

    assert page.evaluate("window.ran") is None
    assert any("script-src" in violation for violation in violations(page))
