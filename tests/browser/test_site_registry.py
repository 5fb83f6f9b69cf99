"""The site registry in a real browser: search and filters, the review queue answered by keyboard, an upload's
progress turning into its result; every page at desktop and phone width (screenshots in /tmp/shots/sites/,
HRDD_SHOTS overrides)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from hrdd.core.tasks import run_queued_tasks
from hrdd.supplier_sites import services
from hrdd.supplier_sites.models import MatchDecision, MentionStatus, Site, SiteMention
from hrdd.supplier_sites.services import Verdict
from hrdd.supplier_sites.sitefiles import ListedRecord
from tests.factories import ContractFactory

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots/sites"))  # noqa: S108 - screenshots to look at
DAY = dt.date(2027, 2, 1)
WIDTHS = pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])


def shoot(page, name, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways"


def stored(user, records, contract=None, review_of=None):
    verdicts = None
    if review_of is not None:
        verdicts = [
            Verdict(
                v.record,
                v.fingerprint,
                MentionStatus.REVIEW,
                None,
                0.71,
                "close name, same city",
                [
                    {
                        "site": str(review_of.public_id),
                        "name": review_of.name,
                        "score": 0.71,
                        "agreements": [
                            {
                                "field": "name",
                                "level": "close",
                                "weight": 3.1,
                                "detail": "'assy' read as assembly",
                            },
                            {"field": "numbers in the name", "level": "on one side only", "weight": -0.8},
                            {"field": "city", "level": "same", "weight": 2.2, "detail": ""},
                            {"field": "address", "level": "differs", "weight": -1.9, "detail": ""},
                        ],
                    }
                ],
            )
            for v in services.match_listed(records)
        ]
    return services.mentions_record(
        organisation=user.organisation,
        records=records,
        source=SiteMention.Source.IMPORT,
        mentioned_on=DAY,
        actor=user,
        contract=contract,
        verdicts=verdicts,
    )


@pytest.fixture
def registry(buyer, municipality):
    """A small registry: sites in three countries (some with coordinates), a group, and two rows to review."""
    contract = ContractFactory(organisation=municipality, title="Notebooks for schools 2027")
    stored(
        buyer,
        [
            ListedRecord(
                name="Penang Assembly Sdn Bhd",
                country_iso3="MYS",
                address="1 Industrial Road",
                city="Bayan Lepas",
                site_type="final assembly",
                products="notebooks; docking stations",
                group_name="Foxlink Group",
            ),
            ListedRecord(
                name="Kulim Boards", country_iso3="MYS", address="2 Hi-Tech Park", site_type="component"
            ),
            ListedRecord(
                name="Hanoi Cables JSC",
                country_iso3="VNM",
                address="7 Thang Long Park",
                site_type="component",
            ),
            ListedRecord(
                name="Guadalajara Electronica SA de CV",
                country_iso3="MEX",
                address="Av. 1",
                site_type="final assembly",
            ),
            ListedRecord(name="Thai Tin Smelter", country_iso3="THA", address="Phuket", site_type="smelter"),
        ],
        contract=contract,
    )
    penang = Site.objects.get(name="Penang Assembly Sdn Bhd")
    group = penang.operator
    services.site_group_update(actor=buyer, group=group, role="odm_ems")
    entity = services.site_group_create(
        actor=buyer, name="Foxlink Penang Sdn Bhd", kind="legal_entity", parent=group, country_iso3="MYS"
    )
    services.site_update(actor=buyer, site=penang, latitude=5.297, longitude=100.27, operator=entity)
    hanoi = Site.objects.get(name="Hanoi Cables JSC")
    services.site_update(actor=buyer, site=hanoi, latitude=21.1, longitude=105.78)
    stored(
        buyer,
        [
            ListedRecord(
                name="Penang Final Assy Plant 2", country_iso3="MYS", address="3 Phase 4", city="Bayan Lepas"
            ),
            ListedRecord(name="PENANG ASSEMBLY (2)", country_iso3="MYS", address="1 Industrial Rd"),
        ],
        review_of=penang,
    )
    return {"penang": penang, "contract": contract}


@WIDTHS
def test_the_registry_is_searched_and_filtered(page, login, buyer, registry, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, buyer, then="/sites/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Production sites")
    expect(page.locator("#sites tbody tr")).to_have_count(5)
    expect(page.locator("#map svg.map")).to_be_visible()
    expect(page.locator("#map-legend")).to_contain_text("Final assembly: 2 sites")
    shoot(page, "registry", width)

    # search by a part of the name
    page.get_by_label("Find a site").fill("penang")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#sites tbody tr")).to_have_count(1)
    expect(page.locator("#sites")).to_contain_text("Penang Assembly Sdn Bhd")

    # filter by country and type, without the search
    page.get_by_label("Find a site").fill("")
    page.get_by_label("Country", exact=True).select_option(label="Malaysia")
    page.get_by_label("Type", exact=True).select_option(label="Component manufacturing")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#sites tbody tr")).to_have_count(1)
    expect(page.locator("#sites")).to_contain_text("Kulim Boards")
    shoot(page, "registry-filtered", width)

    # then a site's page, from the list
    page.get_by_role("link", name="Clear the filters").click()
    page.locator("#sites").get_by_role("link", name="Penang Assembly Sdn Bhd").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Penang Assembly Sdn Bhd")
    expect(page.locator("#mentions")).to_contain_text("Notebooks for schools 2027")
    expect(page.locator("#group-chain")).to_contain_text("Foxlink Group")
    shoot(page, "site", width)
    page.locator("#mentions").get_by_role("link", name="Details or correct").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("A row naming")
    shoot(page, "mention", width)

    page.goto("/sites/groups/")
    expect(page.locator("#group-tree")).to_contain_text("Foxlink Group")
    shoot(page, "groups", width)
    page.locator("#group-tree").get_by_role("link", name="Foxlink Group").click()
    expect(page.locator("#group-sites")).to_contain_text("Penang Assembly Sdn Bhd")
    shoot(page, "group", width)


@WIDTHS
def test_the_review_queue_is_answered_by_keyboard(page, login, buyer, registry, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, buyer, then="/sites/review/")
    expect(page.locator("#current-heading")).to_contain_text("2 rows waiting")
    expect(page.locator("#keys")).to_contain_text("press Y for the same site or N for a different one")
    expect(page.locator("#comparison")).to_contain_text("Penang Final Assy Plant 2")
    expect(page.locator("#comparison")).to_contain_text("Penang Assembly Sdn Bhd")
    shoot(page, "review", width)

    # "y" confirms the first row; the next one follows
    page.keyboard.press("y")
    expect(page.locator(".messages")).to_contain_text(
        "Confirmed: Penang Final Assy Plant 2 is Penang Assembly"
    )
    expect(page.locator("#current-heading")).to_contain_text("1 row waiting")
    expect(page.locator("#comparison")).to_contain_text("PENANG ASSEMBLY (2)")

    # "n" rejects it: a new site
    page.keyboard.press("n")
    expect(page.locator(".messages")).to_contain_text("is recorded as a new site")
    expect(page.locator("#empty")).to_contain_text("Nothing waits for review")
    shoot(page, "review-done", width)

    assert SiteMention.objects.filter(status=MentionStatus.REVIEW).count() == 0
    assert sorted(MatchDecision.objects.values_list("same", flat=True)) == [False, True]


def test_the_review_buttons_work_with_the_keyboard_alone_and_without_javascript(
    new_page, login, buyer, registry, browser, live_server
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        login(page, buyer, then="/sites/review/")
        page.get_by_role("button", name="Yes, the same site").focus()
        page.keyboard.press("Enter")
        expect(page.locator(".messages")).to_contain_text("Confirmed")
    finally:
        context.close()
    assert SiteMention.objects.filter(status=MentionStatus.REVIEW).count() == 1


SITES_CSV = (
    "name,address,country,site_type,products\r\n"
    + "".join(f"Plant {i} Sdn Bhd,{i} Jalan Perusahaan,Malaysia,component,cables\r\n" for i in range(1, 60))
    + "Atlantis Cells,4 Sea Road,Atlantis,component,cells\r\n"
)


@WIDTHS
def test_an_upload_shows_its_progress_then_its_result(page, login, buyer, registry, tmp_path, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, buyer, then="/sites/import/")
    shoot(page, "import", width)
    path = tmp_path / "kulim-sites.csv"
    path.write_text(SITES_CSV, encoding="utf-8")
    page.get_by_label("Site list (CSV or XLSX)").set_input_files(str(path))
    page.get_by_label("Supplier whose list it is").fill("Kulim Holdings")
    page.get_by_role("button", name="Upload and match").click()

    # the run waits in the queue: the page shows its progress and keeps asking
    expect(page.locator(".task-run")).to_be_visible()
    assert page.locator("[data-poll]").count() == 1
    shoot(page, "import-waiting", width)

    # when the worker runs it, the page turns into the result by itself
    run_queued_tasks()
    expect(page.locator("#import-result")).to_be_visible(timeout=15_000)
    expect(page.locator("#import-counts")).to_contain_text("59")
    expect(page.locator("#rejected-rows")).to_contain_text("Atlantis")
    shoot(page, "import-result", width)
    page.get_by_role("link", name="Every row of this list and where it went").click()
    expect(page.locator("#import-rows tbody tr")).to_have_count(50)
    shoot(page, "import-detail", width)


def _site_list(rows):
    return "name,address,city,country,site_type,products\r\n" + "".join(
        f"{name},{address},{city},{country},component,cables\r\n" for name, address, city, country in rows
    )


FIRST_LIST = [
    (f"Kulim Plant {i} Sdn Bhd", f"{i} Jalan Hi-Tech {i}", "Kulim", "Malaysia") for i in range(1, 41)
] + [(f"Hanoi Cables {i} JSC", f"{i} Thang Long Park", "Hanoi", "Vietnam") for i in range(1, 11)]


@WIDTHS
def test_a_second_organisations_overlapping_list_links_without_questions(
    new_page, login, buyer, outsider, tmp_path, width
):
    # the first buyer's supplier delivers 50 sites: all new to the registry
    first = new_page()
    first.set_viewport_size({"width": width, "height": 900})
    login(first, buyer, then="/sites/import/")
    path = tmp_path / "first.csv"
    path.write_text(_site_list(FIRST_LIST), encoding="utf-8")
    first.get_by_label("Site list (CSV or XLSX)").set_input_files(str(path))
    first.get_by_role("button", name="Upload and match").click()
    run_queued_tasks()
    expect(first.locator("#import-counts")).to_contain_text("50 new sites", timeout=15_000)

    # another organisation's supplier names 30 of them, as typed, and 5 others
    second = new_page()
    second.set_viewport_size({"width": width, "height": 900})
    login(second, outsider, then="/sites/import/")
    overlapping = FIRST_LIST[5:35] + [
        (f"Penang Optics {i} Sdn Bhd", f"{i} Bayan Lepas FIZ", "Penang", "Malaysia") for i in range(1, 6)
    ]
    path = tmp_path / "second.csv"
    path.write_text(_site_list(overlapping), encoding="utf-8")
    second.get_by_label("Site list (CSV or XLSX)").set_input_files(str(path))
    second.get_by_label("Supplier whose list it is").fill("Penang Optics Group")
    second.get_by_role("button", name="Upload and match").click()
    run_queued_tasks()
    counts = second.locator("#import-counts")
    expect(counts).to_contain_text("30 linked to sites already recorded", timeout=15_000)
    expect(counts).to_contain_text("0 waiting for your review")
    expect(counts).to_contain_text("5 new sites")
    shoot(second, "overlap-result", width)
    second.goto("/sites/review/")
    expect(second.locator("#empty")).to_contain_text("Nothing waits for review")
    assert Site.objects.count() == 55
    assert (
        SiteMention.objects.filter(organisation=outsider.organisation, status=MentionStatus.AUTO).count()
        == 30
    )


@WIDTHS
def test_a_big_export_is_written_in_the_background_and_downloaded(
    page, login, buyer, registry, settings, width
):
    settings.HRDD_EXPORT_IN_REQUEST_MAX = 2  # the registry holds 5 sites: too many for the request
    page.set_viewport_size({"width": width, "height": 900})
    login(page, buyer, then="/sites/")
    page.locator("#exports").get_by_role("link", name="CSV").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Site registry export")
    expect(page.locator("main, body").first).to_contain_text("This search finds 5 sites")
    shoot(page, "export", width)
    page.get_by_role("button", name="Write the CSV file").click()
    expect(page.locator(".task-run")).to_be_visible()
    run_queued_tasks()
    link = page.get_by_role("link", name="Download the file")
    expect(link).to_be_visible(timeout=15_000)
    shoot(page, "export-done", width)
    with page.expect_download() as download:
        link.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("name,address,country") and "Hanoi Cables JSC" in text
