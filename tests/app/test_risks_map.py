"""The product-risk page's map: which countries it shades, in which class, with which tooltip, and the page
that shows it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from hrdd.core.maps import NEUTRAL_FILL
from hrdd.domain.knowledge import shipped_knowledge
from hrdd.domain.risk import (
    Adjustments,
    CountryShare,
    RawMaterial,
    Risk,
    RiskAssessment,
    assess_product_risk,
    get_risk_method,
)
from hrdd.risks import selectors
from hrdd.risks.maps import LEVEL_FILLS, country_shading, map_levels, risk_map_context
from tests.html import document

SVG = "{http://www.w3.org/2000/svg}"


def risk(iso3: str, score: float, *, material: str | None = "cobalt", stage: str = "mining") -> Risk:
    return Risk(
        category="child_labour",
        category_title="Child labour",
        stage=stage,
        material=material,
        component=None if material else "factories",
        country_iso3=iso3,
        country=iso3,
        score=score,
        exposure=0.5,
        share_known=True,
        likelihood=0.5,
        severity=1.0,
        reasons=(),
        sources=(),
    )


def share(iso3: str, pct: float | None, stage: str = "mining", series: str = "") -> CountryShare:
    return CountryShare(
        country_iso3=iso3, country=iso3, share_pct=pct, stage=stage, year=2023, source="USGS", series=series
    )


def assessment(risks, materials=(), manufacturing=()) -> RiskAssessment:
    return RiskAssessment(
        product="notebook",
        product_title="Notebooks",
        method="risk-method-2025 1",
        components=(),
        raw_materials=tuple(materials),
        manufacturing=tuple(manufacturing),
        risks=tuple(sorted(risks, key=lambda r: -r.score)),
        gaps=(),
        adjustments=Adjustments(),
    )


def test_each_country_is_classed_by_its_highest_score_against_the_top_score():
    # given scores at 100%, 50%, 49%, 20%, 5% and 4.9% of the top one
    method = get_risk_method()
    rated = assessment(
        [
            risk("COD", 2.0),
            risk("COD", 0.1),  # a lower risk of the same country does not count
            risk("CHN", 1.0),
            risk("IDN", 0.98),
            risk("RUS", 0.4),
            risk("PER", 0.1),
            risk("CHL", 0.098),
        ]
    )
    # when the map's countries are worked out
    levels = {c.iso3: c.level for c in country_shading(rated, method)}
    # then the classes are 0 (half or more), 1 (a fifth to half), 2 (a twentieth to a fifth), 3 (below)
    assert levels == {"COD": 0, "CHN": 0, "IDN": 1, "RUS": 1, "PER": 2, "CHL": 3}


def test_the_tooltip_names_the_top_risk_and_the_shares_largest_first():
    method = get_risk_method()
    rated = assessment(
        [risk("COD", 2.0), risk("COD", 1.0, material=None, stage="assembly")],
        materials=[
            RawMaterial("cobalt", (share("COD", 74.0),)),
            RawMaterial("copper", (share("COD", 12.5, stage="mining"),)),
        ],
        manufacturing=[share("COD", None, stage="assembly")],
    )
    (congo,) = country_shading(rated, method)
    assert congo.name == "Democratic Republic of the Congo"
    assert congo.top_risk == "Child labour, cobalt mining"
    assert congo.shares == (
        "cobalt mining 74% (2023)",
        "copper mining 12.5% (2023)",
        "assembly (share unknown)",
    )
    assert congo.tooltip().splitlines() == [
        "Democratic Republic of the Congo: highest risk score 2 (Child labour, cobalt mining)",
        "Share of world production: cobalt mining 74% (2023); copper mining 12.5% (2023); "
        "assembly (share unknown)",
    ]


def test_the_legend_gives_each_class_its_range_of_scores():
    method = get_risk_method()
    levels = map_levels(country_shading(assessment([risk("COD", 2.0), risk("CHL", 0.05)]), method))
    assert [(lv.low, lv.high) for lv in levels] == [(1.0, None), (0.4, 1.0), (0.1, 0.4), (0.0, 0.1)]
    assert levels[0].scores == "score 1 or more"
    assert levels[1].scores == "scores 0.4 to 1"
    assert levels[3].scores == "scores below 0.1"
    assert [c.iso3 for c in levels[3].countries] == ["CHL"]


def test_an_assessment_without_risks_draws_no_map():
    assert risk_map_context(assessment([]), get_risk_method())["risk_map"] == ""


def test_every_country_of_a_shipped_assessment_is_shaded_on_the_map():
    method = get_risk_method()
    rated = assess_product_risk("smartphone", shipped_knowledge(), method)
    svg = str(risk_map_context(rated, method)["risk_map"])
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    fills = {p.find(f"{SVG}title").text.split(":")[0]: p.get("fill") for p in root.iter(f"{SVG}path")}
    rated_countries = {r.country_iso3 for r in rated.risks}
    shaded = {name for name, fill in fills.items() if fill != NEUTRAL_FILL}
    assert len(shaded) == len(rated_countries)
    assert fills["Democratic Republic of the Congo"] == LEVEL_FILLS[0]


# --- the page ------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_knowledge_cache():
    selectors._CACHE.clear()
    yield
    selectors._CACHE.clear()


def test_the_risk_page_shows_the_map_with_the_rated_countries_shaded(client, buyer):
    # given a buyer
    client.force_login(buyer)
    # when they assess notebooks without cobalt
    response = client.get(reverse("risks:assess"), {"product": "notebook", "exclude_material": "cobalt"})
    # then the page holds one map, in its own section, with the countries of the assessment shaded
    assert response.status_code == 200
    page = document(response)
    section = page.by_id("map")
    assert section is not None
    svg = section.find("svg", cls="map")
    assert svg.get("role") == "img"
    titles = {path.find("title").text.split(":")[0]: path.get("fill") for path in svg.find_all("path")}
    assert titles["China"] in LEVEL_FILLS
    assert titles["Denmark"] == NEUTRAL_FILL
    # cobalt left out: the Congo's cobalt share is nowhere in the tooltips
    tooltips = " ".join(path.find("title").text for path in svg.find_all("path"))
    assert "cobalt" not in tooltips
    # and the legend in words names the countries of the darkest class
    legend = section.by_id("map-legend")
    darkest = next(item for item in legend.find_all("li") if "Highest" in item.text)
    assert "China" in darkest.text
