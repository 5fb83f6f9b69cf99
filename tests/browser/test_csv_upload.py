"""A site list as a Dutch or German Excel saves it, uploaded in a real browser: semicolons and Windows-1252, with
the template downloaded from the same page and the size limit stated before the upload. Screenshots at desktop
and phone width go to /tmp/shots/csv_upload/."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hrdd.contracts.services import contract_create
from hrdd.core.tasks import run_queued_tasks
from hrdd.domain.contracts import add_months

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots/csv_upload")  # noqa: S108 - where the session looks at them
SITES = (
    "name;address;country;site_type;products\r\n"
    "Montagewerk Süd;Große Straße 1, 80331 München;Germany;Final Assembly;Notebooks\r\n"
    'Smeltværk Ørsted;"Søndergade 5; 8000 Århus";DK;smelter;tin, tantalum\r\n'
    "Usine Côte;Rue de l'Église 3, Lyon;France;component;écrans\r\n"
)


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, label in ((1280, "desktop"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def running_contract(actor):
    start = add_months(dt.date.today() + dt.timedelta(days=30), -24)
    return contract_create(
        actor=actor,
        title="Notebooks for staff",
        supplier_name="Lumen Computers",
        supplier_email="reports@lumen.example",
        award_date=start,
        start_date=start,
        end_date=add_months(start, 24),
        scenario=2,
    )


def test_a_semicolon_windows_1252_site_list_uploads_on_the_supplier_page(page, buyer, tmp_path):
    # given: the supplier's page, a CC2 site list due
    contract = running_contract(buyer)
    cc2 = contract.obligations.filter(clause="CC2").order_by("due_date").first()
    page.goto(contract.get_supplier_url())
    section = page.locator(f"#obligation-{cc2.pk}")
    box = section.get_by_label("Production-site list (CSV or XLSX)")

    # the limit and the template, before the upload
    hint = section.locator(f"#{box.get_attribute('id')}_helptext")
    expect(hint).to_have_text("CSV or XLSX, up to 25 MB.")
    with page.expect_download() as downloading:
        section.get_by_role("link", name="Excel workbook (.xlsx), with the site types to pick from").click()
    template = downloading.value
    assert template.suggested_filename == "site-list-template.xlsx"
    workbook = load_workbook(io.BytesIO(Path(template.path()).read_bytes()))
    assert [c.value for c in workbook.worksheets[0][1]] == [
        "name",
        "address",
        "country",
        "site_type",
        "products",
    ]
    assert workbook.worksheets[0].data_validations.dataValidation
    shoot(page, "supplier-page")

    # when: the list as Excel in German saves it
    sites = tmp_path / "Standorte.csv"
    sites.write_bytes(SITES.encode("cp1252"))
    box.set_input_files(str(sites))
    section.get_by_role("button", name="Submit").click()
    expect(page.locator(".messages")).to_contain_text("Received Standorte.csv: its rows are being read")
    run_queued_tasks()

    # then
    section = page.locator(f"#obligation-{cc2.pk}")
    expect(section.locator(".task-run")).to_contain_text("3 site(s) stored.")
    submission = cc2.submissions.get()
    assert [
        (s.row, s.name, s.address, s.country_iso3, s.site_type) for s in submission.sites.order_by("row")
    ] == [
        (2, "Montagewerk Süd", "Große Straße 1, 80331 München", "DEU", "final assembly"),
        (3, "Smeltværk Ørsted", "Søndergade 5; 8000 Århus", "DNK", "smelter"),
        (4, "Usine Côte", "Rue de l'Église 3, Lyon", "FRA", "component"),
    ]
    shoot(page, "supplier-page-received")


def test_a_workbook_saved_as_csv_by_mistake_is_refused_with_what_to_do(page, buyer, tmp_path):
    # given
    contract = running_contract(buyer)
    cc2 = contract.obligations.filter(clause="CC2").order_by("due_date").first()
    page.goto(contract.get_supplier_url())
    section = page.locator(f"#obligation-{cc2.pk}")
    workbook = tmp_path / "sites.csv"
    with page.expect_download() as downloading:
        section.get_by_role("link", name="Excel workbook (.xlsx), with the site types to pick from").click()
    workbook.write_bytes(Path(downloading.value.path()).read_bytes())

    # when: the workbook, named .csv
    section.get_by_label("Production-site list (CSV or XLSX)").set_input_files(str(workbook))
    section.get_by_role("button", name="Submit").click()

    # then
    errors = page.locator(f"#obligation-{cc2.pk} .errors")
    expect(errors).to_contain_text("sites.csv is not a readable CSV file")
    expect(errors).to_contain_text("give it the extension .xlsx")
    assert not cc2.submissions.exists()
    shoot(page, "supplier-page-refused")
