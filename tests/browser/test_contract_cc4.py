"""A report on due diligence (CC4) in a real browser (issue 15): the contract manager opens what hrdd found in the
report, each element of award criterion 7 with its sentences. Screenshots at desktop and phone width in
/tmp/shots/cc4-*.png (HRDD_SHOTS to change the folder)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hrdd.contracts.services import contract_create, submission_create
from hrdd.domain.contracts import add_months

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots"))  # noqa: S108 - screenshots to look at
REPORT = (
    "Each year we carry out a risk assessment of our supply chain and prioritise the salient risks. "
    "Where violations are found, we agree a corrective action plan with the factory. "
    "Our human rights policy applies to all purchases."
)


def test_the_contract_manager_reads_the_sentences_behind_a_cc4_contents_verdict(
    page, login, buyer, contract_manager
):
    start = add_months(dt.date.today() + dt.timedelta(days=30), -24)
    contract = contract_create(
        actor=buyer,
        title="Notebooks 2024-2027",
        supplier_name="Lumen Computers",
        supplier_email="reports@lumen.example",
        award_date=start,
        start_date=start,
        end_date=add_months(start, 36),
        scenario=3,
    )
    cc4 = contract.obligations.filter(clause="CC4").order_by("due_date").first()
    submission_create(
        obligation=cc4,
        data={
            "processes": "Third-party audits at high-risk suppliers.",
            "stakeholder_evidence": "Meetings with two unions at the assembly plant.",
        },
        upload=SimpleUploadedFile("due-diligence.txt", REPORT.encode(), content_type="text/plain"),
    )

    login(page, contract_manager, then=f"{contract.get_absolute_url()}#obligation-{cc4.pk}")
    section = page.locator(f"#obligation-{cc4.pk}")
    expect(section.locator(".kpi").filter(has_text="contents")).to_contain_text("1 of 2 items met")
    findings = section.locator(f"#due-diligence-{cc4.pk}")
    findings.locator("summary").click()
    expect(findings.locator("q")).to_have_count(3)
    expect(findings).to_contain_text("Systems to monitor prioritised risks at high-risk suppliers (required)")
    expect(findings).to_contain_text("the supplier's typed description names it")

    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        section.screenshot(path=str(SHOTS / f"cc4-{width}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
