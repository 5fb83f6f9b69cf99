"""The Content Security Policy (django-csp, config.settings) breaks no page: the demo's buyer opens the main pages and
one record of each kind, a visitor the login and the API's documentation, and the browser reports no violation of
the policy (its `securitypolicyviolation` events and its console's "Content Security Policy" errors)."""

from __future__ import annotations

import pytest

from hrdd.companies.models import Company
from hrdd.consultations.models import Consultation
from hrdd.contracts.models import Contract
from hrdd.demo import DEMO_LOGIN, DEMO_PASSWORD, load_demo
from hrdd.incidents.models import Incident
from hrdd.procurements.models import Procurement
from hrdd.risks.models import ProductRiskAssessment
from hrdd.supplier_sites.models import Site
from hrdd.tenders.models import Tender

pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)

pytestmark = pytest.mark.browser

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
