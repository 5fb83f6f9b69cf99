"""A smelter-list campaign in a real browser: the buyer creates a campaign and asks a supplier, the supplier
uploads a generated CMRT with a problem and then an EMRT with cobalt refiners through the link (no account), the
buyer sees the problems, imports a facility list and answers "which cobalt refiners, through which suppliers,
which are RMAP-conformant?" on one page. Screenshots at desktop and phone width in /tmp/shots/rmi/."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from hrdd.core.tasks import run_queued_tasks
from hrdd.rmi.models import SupplierRequest
from tests.cli_support import cli  # noqa: F401 - the in-process command fixture
from tests.domain.rmi.workbooks import FACTS, build

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(FACTS is None, reason="the RMI reference facts are not beside the checkout"),
]

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots/rmi"))  # noqa: S108 - screenshots to look at
WIDTHS = pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
FACILITIES = (
    "Facility ID,Standard Facility Name,Metal,Country Location,Assessment Status\n"
    "CID000001,Cobalt Refinery 1,Cobalt,China,Conformant\n"
)


def shoot(page, name, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways"


@WIDTHS
def test_a_campaign_from_request_to_the_cobalt_question(
    new_page, login, buyer, supplier_base_url, tmp_path, width
):
    # the buyer creates a campaign and asks a supplier
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    login(page, buyer, then="/smelters/campaigns/")
    page.get_by_label("Title").fill("Smelter lists 2025")
    page.get_by_role("button", name="Create the campaign").click()
    expect(page.get_by_role("heading", name="Smelter lists 2025")).to_be_visible()
    page.get_by_label("Supplier", exact=True).fill("Battery Cells Ltd")
    page.get_by_label("Supplier's e-mail address").fill("cells@example.com")
    page.get_by_role("button", name="Add the supplier").click()
    expect(page.locator("#requests")).to_contain_text("nothing received yet")
    shoot(page, "campaign", width)
    link = SupplierRequest.objects.get().get_supplier_url()

    # the supplier uploads a CMRT with a malformed facility id, without an account
    supplier = new_page()
    supplier.set_viewport_size({"width": width, "height": 900})
    supplier.goto(link)
    cmrt = tmp_path / "cmrt.xlsx"
    cmrt.write_bytes(
        build(
            "CMRT 6.5",
            smelters=[{"metal": "Tin", "lookup": "Tin Refinery 2", "country": "CHINA", "cid": "CID12"}],
        )
    )
    supplier.get_by_label("Your filled template (Excel .xlsx)").set_input_files(str(cmrt))
    supplier.get_by_role("button", name="Upload the file").click()
    expect(supplier.locator(".task-run")).to_be_visible()
    run_queued_tasks()
    supplier.reload()
    expect(supplier.get_by_text("Needs correction").first).to_be_visible()
    expect(supplier.locator("#problems")).to_contain_text("Smelter List")
    shoot(supplier, "supplier-problems", width)

    # the buyer sees the problems and can send them back
    page.goto(page.url)
    expect(page.locator("#requests")).to_contain_text("Needs correction")
    page.get_by_role("link", name="Battery Cells Ltd").click()
    expect(page.locator("#problems")).to_contain_text("Smelter List")
    page.get_by_role("button", name="E-mail these problems to the supplier").click()
    expect(page.get_by_text("The problems were e-mailed")).to_be_visible()
    shoot(page, "request", width)

    # the supplier sends an EMRT with cobalt refiners: it replaces the CMRT
    emrt = tmp_path / "emrt.xlsx"
    emrt.write_bytes(
        build(
            "EMRT 2.1",
            smelters=[
                {"metal": "Cobalt", "lookup": "Cobalt Refinery 1", "country": "CHINA", "cid": "CID000001"},
                {"metal": "Nickel", "lookup": "Nickel Refinery 2", "country": "CHINA", "cid": "CID000002"},
                {
                    "metal": "Cobalt",
                    "name": "Lualaba Cobalt Works",
                    "lookup": "Smelter not listed",
                    "country": "CONGO, DEMOCRATIC REPUBLIC OF THE",
                },
            ],  # fmt: skip
        )
    )
    supplier.get_by_label("Your filled template (Excel .xlsx)").set_input_files(str(emrt))
    supplier.get_by_role("button", name="Upload a corrected file").click()
    run_queued_tasks()
    supplier.reload()
    expect(supplier.get_by_text("Your latest file: emrt.xlsx")).to_be_visible()

    # the buyer imports the facility list and asks the cobalt question
    facilities = tmp_path / "facilities.csv"
    facilities.write_text(FACILITIES)
    page.goto("/smelters/")
    page.get_by_label("RMI facility list (CSV, XML spreadsheet or .xlsx)").set_input_files(str(facilities))
    page.get_by_role("button", name="Import the facility list").click()
    expect(page.get_by_text("Facility list facilities.csv imported")).to_be_visible()
    page.get_by_label("Metal", exact=True).select_option("Cobalt")
    page.get_by_role("button", name="Show").click()
    table = page.locator("#smelters")
    expect(table).to_contain_text("Cobalt Refinery 1")
    expect(table).to_contain_text("Lualaba Cobalt Works")
    expect(table).to_contain_text("Battery Cells Ltd")
    expect(table).to_contain_text("conflict-affected or high-risk area")
    expect(page.locator("#summary")).to_contain_text("50 % RMAP conformant")
    shoot(page, "cobalt", width)
    page.get_by_label("RMAP status").select_option("conformant")
    page.get_by_role("button", name="Show").click()
    expect(table).to_contain_text("Cobalt Refinery 1")
    expect(table).not_to_contain_text("Lualaba")
    assert re.search(r"metal=Cobalt", page.url)
    with page.expect_download() as download:
        page.get_by_role("link", name="as an Excel workbook").click()
    assert download.value.suggested_filename == "smelters-cobalt.xlsx"


WALK = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots/rmi")) / "walk"  # noqa: S108 - screenshots and downloads
WALK_FACILITIES = (
    "Facility ID,Standard Facility Name,Metal,Country Location,Assessment Status\n"
    "CID000001,Cobalt Refinery 1,Cobalt,China,Conformant\n"
    "CID000003,Cobalt Refinery 3,Cobalt,Finland,Active\n"
    "CID000002,Tin Refinery 2,Tin,China,Conformant\n"
)


def walk_shot(page, name, width):
    WALK.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(WALK / f"{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways"


def supplier_upload(new_page, width, link, path, button):
    supplier = new_page()
    supplier.set_viewport_size({"width": width, "height": 900})
    supplier.goto(link)
    supplier.get_by_label("Your filled template (Excel .xlsx)").set_input_files(str(path))
    supplier.get_by_role("button", name=button).click()
    run_queued_tasks()
    supplier.reload()
    return supplier


@WIDTHS
def test_three_suppliers_a_correction_the_cobalt_question_and_the_exports(
    new_page,
    login,
    buyer,
    supplier_base_url,
    tmp_path,
    width,
    cli,  # noqa: F811
):
    import openpyxl

    # the buyer creates a campaign with a deadline and asks three suppliers
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    login(page, buyer, then="/smelters/campaigns/")
    page.get_by_label("Title").fill("Smelter lists 2025")
    page.get_by_label("Deadline").fill("2026-03-31")
    page.get_by_role("button", name="Create the campaign").click()
    for name, email in (
        ("Tin Trading Ltd", "tin@example.com"),
        ("Battery Cells Ltd", "cells@example.com"),
        ("Solder Works GmbH", "solder@example.com"),
    ):
        page.get_by_label("Supplier", exact=True).fill(name)
        page.get_by_label("Supplier's e-mail address").fill(email)
        page.get_by_role("button", name="Add the supplier").click()
        expect(page.locator("#requests")).to_contain_text(name)
    walk_shot(page, "1-campaign-asked", width)
    links = {r.supplier_name: r.get_supplier_url() for r in SupplierRequest.objects.all()}

    # one clean CMRT
    clean = tmp_path / "tin-trading-cmrt.xlsx"
    clean.write_bytes(
        build(
            "CMRT 6.5",
            smelters=[{"metal": "Tin", "lookup": "Tin Refinery 2", "country": "CHINA", "cid": "CID000002"}],
        )
    )
    tin = supplier_upload(new_page, width, links["Tin Trading Ltd"], clean, "Upload the file")
    expect(tin.get_by_text("nothing needs correcting")).to_be_visible()
    walk_shot(tin, "2-supplier-accepted", width)

    # one EMRT with cobalt refiners
    emrt = tmp_path / "battery-cells-emrt.xlsx"
    emrt.write_bytes(
        build(
            "EMRT 2.1",
            smelters=[
                {"metal": "Cobalt", "lookup": "Cobalt Refinery 1", "country": "CHINA", "cid": "CID000001"},
                {"metal": "Nickel", "lookup": "Nickel Refinery 2", "country": "CHINA", "cid": "CID000002"},
                {"metal": "Cobalt", "name": "Lualaba Cobalt Works", "lookup": "Smelter not listed", "country": "CONGO, DEMOCRATIC REPUBLIC OF THE"},
            ],
        )
    )  # fmt: skip
    supplier_upload(new_page, width, links["Battery Cells Ltd"], emrt, "Upload the file")

    # one with problems: the buyer sends them back, the supplier corrects the file
    broken = tmp_path / "solder-works-cmrt.xlsx"
    broken.write_bytes(
        build(
            "CMRT 6.5",
            smelters=[{"metal": "Tin", "lookup": "Tin Refinery 2", "country": "CHINA", "cid": "CID12"}],
            cells={("Declaration", "D16"): "not an address"},
        )
    )
    solder = supplier_upload(new_page, width, links["Solder Works GmbH"], broken, "Upload the file")
    expect(solder.get_by_text("Needs correction").first).to_be_visible()
    walk_shot(solder, "3-supplier-problems", width)
    page.goto(page.url)
    walk_shot(page, "4-campaign-files", width)
    page.get_by_role("link", name="Solder Works GmbH").click()
    page.get_by_role("button", name="E-mail these problems to the supplier").click()
    expect(page.get_by_text("The problems were e-mailed")).to_be_visible()
    walk_shot(page, "5-request-problems", width)
    fixed = tmp_path / "solder-works-cmrt-corrected.xlsx"
    fixed.write_bytes(
        build(
            "CMRT 6.5",
            smelters=[{"metal": "Tin", "lookup": "Tin Refinery 2", "country": "CHINA", "cid": "CID000002"}],
        )
    )
    solder.get_by_label("Your filled template (Excel .xlsx)").set_input_files(str(fixed))
    solder.get_by_role("button", name="Upload a corrected file").click()
    run_queued_tasks()
    solder.reload()
    expect(solder.get_by_text("nothing needs correcting")).to_be_visible()

    # the buyer imports the facility list and asks the cobalt question
    facilities = tmp_path / "facilities.csv"
    facilities.write_text(WALK_FACILITIES)
    page.goto("/smelters/")
    page.get_by_label("RMI facility list (CSV, XML spreadsheet or .xlsx)").set_input_files(str(facilities))
    page.get_by_role("button", name="Import the facility list").click()
    expect(page.get_by_text("Facility list facilities.csv imported")).to_be_visible()
    walk_shot(page, "6-smelters-all", width)
    page.get_by_label("Metal", exact=True).select_option("Cobalt")
    page.get_by_role("button", name="Show").click()
    table = page.locator("#smelters")
    expect(table).to_contain_text("Cobalt Refinery 1")
    expect(table).to_contain_text("Lualaba Cobalt Works")
    expect(table).to_contain_text("Battery Cells Ltd")
    expect(table).not_to_contain_text("Tin Trading Ltd")
    walk_shot(page, "7-cobalt-question", width)

    # the exports open again as workbooks
    with page.expect_download() as download:
        page.get_by_role("link", name="as an Excel workbook").click()
    export = WALK / f"smelters-cobalt-{width}.xlsx"
    download.value.save_as(export)
    with page.expect_download() as download:
        page.get_by_role("link", name="as an EMRT-shaped Smelter List").click()
    shaped = WALK / f"smelter-list-emrt-{width}.xlsx"
    download.value.save_as(shaped)
    book = openpyxl.load_workbook(export)
    text = "\n".join(
        " | ".join(str(v) for v in row if v is not None)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
    )
    assert "Cobalt Refinery 1" in text and "Lualaba Cobalt Works" in text and "Battery Cells Ltd" in text
    assert "Tin Refinery 2" not in text
    shaped_book = openpyxl.load_workbook(shaped)
    assert "Smelter List" in shaped_book.sheetnames
    shaped_text = str([row for row in shaped_book["Smelter List"].iter_rows(values_only=True)])
    assert "Cobalt Refinery 1" in shaped_text and "CID000001" in shaped_text

    # the same answer on the command line
    result = cli("rmi", "smelters", "--as", buyer.email, "--metal", "cobalt")
    assert result.returncode == 0, result.stderr
    (WALK / f"cli-smelters-cobalt-{width}.txt").write_text(result.stdout)
    assert "Cobalt Refinery 1" in result.stdout and "Battery Cells Ltd" in result.stdout

    # the buyer closes the campaign; its links close (410, issue 17) and a late supplier is told whom to ask
    page.goto("/smelters/campaigns/")
    page.get_by_role("link", name="Smelter lists 2025").click()
    page.get_by_role("button", name="Close the campaign").click()
    expect(page.locator("#closed-note")).to_be_visible()
    walk_shot(page, "8-campaign-closed", width)
    late = new_page()
    late.set_viewport_size({"width": width, "height": 900})
    answer = late.goto(links["Tin Trading Ltd"])
    assert answer is not None and answer.status == 410
    expect(late.locator("#link-closed")).to_have_text("This link has expired")
    expect(late.get_by_text("Smelter lists 2025")).to_be_visible()
    walk_shot(late, "9-supplier-closed", width)
