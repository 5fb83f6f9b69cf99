"""Product risk identification: product -> components -> raw materials -> countries -> salient risks.

Most tests run on a small knowledge base written out below, with the shipped method; every expected number is
worked out by hand from those rows and the weights in hrdd/frameworks/risk-method-2025.yaml:

    baseline 0.1; ILAB child labour +0.6 (child labour); CAHRA +0.2 (all) and +0.1 (community rights) at
    mining and refining; WGI rule of law < 25: +0.2 (all); 25 to 50: +0.1 (all); likelihood capped at 1.
    Severity 3: child labour, forced labour, health and safety; 2: the other four categories.
    Factories without a share are ranked with the assumed exposure 0.25; 5 countries kept per material and stage.
"""

import copy
import json
from importlib import resources

import pytest
import yaml

from hrdd.domain.knowledge import build_knowledge, shipped_knowledge
from hrdd.domain.risk import (
    Adjustments,
    RiskMethodError,
    UnknownProduct,
    assess_product_risk,
    get_risk_method,
    parse_risk_method,
)

METHOD = get_risk_method()

BILL_OF_MATERIALS = """\
product,component,material,basis,note,source,year
widget,cell,cobalt,direct,,Widget teardown study,2020
widget,cell,tin,direct,,Widget teardown study,2020
widget,case,polymers,direct,,Widget housing note,n.d.
gizmo,board,tin,direct,,Gizmo board study,2021
"""

# Cobalt: 2022 is older, 2024 has no share, so 2023 is the latest year with shares; it has six countries.
MINERAL_PRODUCTION = """\
material,series,stage,country_iso3,country,year,quantity,unit,world_total,share_pct,estimated,note,source
cobalt,cobalt,mine,COD,Congo (Kinshasa),2022,120,kt,200,60,false,,USGS test edition
cobalt,cobalt,mine,ZMB,Zambia,2022,60,kt,200,30,false,,USGS test edition
cobalt,cobalt,mine,COD,Congo (Kinshasa),2023,140,kt,200,70,true,,USGS test edition
cobalt,cobalt,mine,IDN,Indonesia,2023,20,kt,200,10,true,,USGS test edition
cobalt,cobalt,mine,AUS,Australia,2023,10,kt,200,5,true,,USGS test edition
cobalt,cobalt,mine,RUS,Russia,2023,8,kt,200,4,true,,USGS test edition
cobalt,cobalt,mine,PHL,Philippines,2023,6,kt,200,3,true,,USGS test edition
cobalt,cobalt,mine,CUB,Cuba,2023,4,kt,200,2,true,,USGS test edition
cobalt,cobalt,mine,COD,Congo (Kinshasa),2024,,kt,,,true,NA,USGS test edition
tin,tin,mine,CHN,China,2023,90,kt,300,30,true,,USGS test edition
tin,tin,mine,IDN,Indonesia,2023,60,kt,300,20,true,,USGS test edition
tin,tin refined,refinery,MYS,Malaysia,2023,45,kt,300,15,true,,USGS test edition
tungsten,tungsten,mine,CHN,China,2023,64,kt,80,80,true,,USGS test edition
germanium,germanium,refinery,CHN,China,2023,,kg,,,true,NA (leading producer),USGS test edition
"""

LABOUR_GOODS = """\
good,material,stage,country_iso3,country,child_labour,forced_labour,forced_child_labour,derived_labour_exploitation,year,source
Cobalt ore,cobalt,mining,COD,"Congo, Democratic Republic of the",true,false,false,false,2022,ILAB test list
"""

CAHRA = """\
country_iso3,country,list_name,scope,year,source
COD,Congo (Kinshasa),Test CAHRA list,whole country,2020,CAHRA test source
"""

COUNTRY_INDICATORS = """\
country_iso3,country,indicator,year,value,unit,source
COD,Congo (Kinshasa),wgi_rule_of_law_percentile_rank,2022,4,percentile rank (0-100),WGI test edition
IDN,Indonesia,wgi_rule_of_law_percentile_rank,2022,40,percentile rank (0-100),WGI test edition
AUS,Australia,wgi_rule_of_law_percentile_rank,2022,90,percentile rank (0-100),WGI test edition
"""

MANUFACTURING_COUNTRIES = """\
product,component,stage,country_iso3,country,share_pct,year,source,note
*,,assembly,CHN,China,,2025,Manual test section,underage students in assembly
"""

TEXTS = {
    "bill_of_materials": BILL_OF_MATERIALS,
    "mineral_production": MINERAL_PRODUCTION,
    "labour_goods": LABOUR_GOODS,
    "cahra": CAHRA,
    "country_indicators": COUNTRY_INDICATORS,
    "manufacturing_countries": MANUFACTURING_COUNTRIES,
}
KNOWLEDGE = build_knowledge(TEXTS)

ALL_CATEGORIES = {
    "child_labour",
    "forced_labour",
    "discrimination",
    "freedom_of_association",
    "inadequate_wages",
    "occupational_health_safety",
    "community_rights",
}
PRODUCTS = (
    "notebook",
    "desktop",
    "display",
    "smartphone",
    "tablet",
    "server",
    "storage",
    "network-equipment",
    "lithium-ion-battery",
    "memory",
)


def assess(product="widget", adjustments=None, knowledge=KNOWLEDGE, method=METHOD):
    return assess_product_risk(product, knowledge, method, adjustments)


def risk_of(assessment, category, material, country, stage=None):
    found = [
        r
        for r in assessment.risks
        if r.category == category
        and r.material == material
        and r.country_iso3 == country
        and (stage is None or r.stage == stage)
    ]
    assert len(found) == 1, found
    return found[0]


def material_of(assessment, name):
    return next(m for m in assessment.raw_materials if m.name == name)


def shipped_method_data():
    text = resources.files("hrdd.frameworks").joinpath("risk-method-2025.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def method_with(change):
    data = copy.deepcopy(shipped_method_data())
    change(data)
    return parse_risk_method(data, origin="test")


# --- step 1: components and raw materials ------------------------------------------------------------------


def test_the_components_of_a_product_come_from_its_bill_of_materials_with_their_materials():
    # when
    assessment = assess()

    # then
    assert [(c.name, c.raw_materials) for c in assessment.components] == [
        ("case", ("polymers",)),
        ("cell", ("cobalt", "tin")),
    ]


def test_a_component_keeps_the_source_and_year_of_its_bill_of_materials_rows():
    # when
    cell = next(c for c in assess().components if c.name == "cell")

    # then
    assert len(cell.sources) == 1
    assert "Widget teardown study" in cell.sources[0]
    assert "2020" in cell.sources[0]


def test_the_raw_materials_are_those_of_all_components_in_name_order():
    # when
    names = [m.name for m in assess().raw_materials]

    # then
    assert names == ["cobalt", "polymers", "tin"]


# --- step 2: producing countries ---------------------------------------------------------------------------


def test_the_countries_of_a_material_come_from_its_latest_year_with_shares_highest_first():
    # given: 2024 has no share, 2022 is older; 2023 has six countries, and every one of them counts

    # when
    cobalt = material_of(assess(), "cobalt")

    # then
    assert [(c.country_iso3, c.share_pct, c.year, c.stage) for c in cobalt.countries] == [
        ("COD", 70.0, 2023, "mining"),
        ("IDN", 10.0, 2023, "mining"),
        ("AUS", 5.0, 2023, "mining"),
        ("RUS", 4.0, 2023, "mining"),
        ("PHL", 3.0, 2023, "mining"),
        ("CUB", 2.0, 2023, "mining"),
    ]


def test_the_number_of_countries_shown_per_material_is_the_methods_parameter_and_the_rest_is_folded():
    # given
    method = method_with(lambda d: d["parameters"].update(countries_per_material=2))

    # when
    cobalt = material_of(assess(method=method), "cobalt")

    # then: all six count; two are shown, the four others folded with their total share 5 + 4 + 3 + 2
    assert len(cobalt.countries) == 6
    (fold,) = cobalt.folds
    assert [c.country_iso3 for c in fold.shown] == ["COD", "IDN"]
    assert (fold.others, fold.others_share_pct) == (4, 14.0)
    assert fold.others_text() == "4 other countries, together 14%"


def test_each_production_stage_of_a_material_gets_its_own_countries_under_the_methods_stage_name():
    # when
    tin = material_of(assess(), "tin")

    # then: "mine" is the method's mining stage, "refinery" its refining and smelting stage
    assert [(c.country_iso3, c.share_pct, c.stage) for c in tin.countries] == [
        ("CHN", 30.0, "mining"),
        ("IDN", 20.0, "mining"),
        ("MYS", 15.0, "refining_smelting"),
    ]


def test_every_country_share_names_its_source_row():
    # when
    congo = material_of(assess(), "cobalt").countries[0]

    # then
    assert congo.country_iso3 == "COD"
    assert "USGS test edition" in congo.source
    assert "2023" in congo.source
    assert "mine" in congo.source


def test_a_material_without_production_rows_is_kept_with_no_countries_and_says_why():
    # when
    assessment = assess()
    polymers = material_of(assessment, "polymers")

    # then: the reason is the shipped production_gaps row, with its source
    assert polymers.countries == ()
    assert "no production figures: not a mineral commodity" in polymers.note
    assert "USGS Mineral Commodity Summaries 2025" in polymers.note
    assert any("polymers" in gap for gap in assessment.gaps)
    assert all(r.material != "polymers" for r in assessment.risks)


def test_a_material_whose_production_rows_have_no_share_lists_its_producers_with_share_unknown():
    # given: germanium has a production row for China with no quantity and no share
    adjustments = Adjustments(extra_materials=("germanium",))

    # when
    assessment = assess(adjustments=adjustments)
    germanium = material_of(assessment, "germanium")

    # then: China is named, no share is invented, and its risks say the share is unknown
    assert [(c.country_iso3, c.share_pct) for c in germanium.countries] == [("CHN", None)]
    risks = [r for r in assessment.risks if r.material == "germanium"]
    assert risks and all(not r.share_known for r in risks)
    assert all("share unknown" in r.reasons[0] for r in risks)


# --- step 3: the risks and their scores --------------------------------------------------------------------


def test_child_labour_in_congolese_cobalt_mining_is_scored_with_every_signal_and_a_capped_likelihood():
    # given: exposure 70% -> 0.70; likelihood 0.1 baseline + 0.6 ILAB child labour + 0.2 CAHRA
    #        + 0.2 rule of law percentile 4 (< 25) = 1.1, capped at 1; severity 3 -> 0.70 x 1 x 3 = 2.1

    # when
    risk = risk_of(assess(), "child_labour", "cobalt", "COD")

    # then
    assert risk.stage == "mining"
    assert risk.exposure == pytest.approx(0.70)
    assert risk.likelihood == pytest.approx(1.0)
    assert risk.severity == 3
    assert risk.score == pytest.approx(2.1)
    assert risk.share_known is True


def test_the_child_labour_risk_names_the_source_of_every_figure_behind_its_score():
    # when
    risk = risk_of(assess(), "child_labour", "cobalt", "COD")

    # then
    sources = " | ".join(risk.sources)
    for source in ("USGS test edition", "ILAB test list", "CAHRA test source", "WGI test edition"):
        assert source in sources
    reasons = " | ".join(risk.reasons)
    assert "70% of world production in 2023" in reasons
    assert "capped" in reasons


def test_a_labour_listing_raises_only_the_categories_it_is_about():
    # given: forced labour in the same mines: 0.1 + 0.2 CAHRA + 0.2 rule of law = 0.5 (no ILAB forced labour)
    #        -> 0.70 x 0.5 x 3 = 1.05

    # when
    risk = risk_of(assess(), "forced_labour", "cobalt", "COD")

    # then
    assert risk.likelihood == pytest.approx(0.5)
    assert risk.score == pytest.approx(1.05)
    assert not any("ILAB test list" in s for s in risk.sources)


def test_a_conflict_affected_area_adds_more_to_community_rights_than_to_the_other_categories():
    # given: 0.1 + 0.2 CAHRA (all) + 0.1 CAHRA (community rights) + 0.2 rule of law = 0.6
    #        -> 0.70 x 0.6 x severity 2 = 0.84

    # when
    risk = risk_of(assess(), "community_rights", "cobalt", "COD")

    # then
    assert risk.likelihood == pytest.approx(0.6)
    assert risk.score == pytest.approx(0.84)


def test_a_rule_of_law_in_the_lower_half_adds_the_smaller_weight():
    # given: Indonesia's percentile 40 lies in 25..50: 0.1 + 0.1 = 0.2; cobalt share 10% -> 0.10 x 0.2 x 3 = 0.06

    # when
    risk = risk_of(assess(), "child_labour", "cobalt", "IDN")

    # then
    assert risk.likelihood == pytest.approx(0.2)
    assert risk.score == pytest.approx(0.06)
    assert any("WGI test edition" in s for s in risk.sources)


@pytest.mark.parametrize(
    ("country", "share"),
    [("AUS", 0.05), ("RUS", 0.04)],  # Australia: rule of law 90, no signal; Russia: no indicator at all
)
def test_a_country_without_signals_gets_the_baseline_likelihood(country, share):
    # when
    risk = risk_of(assess(), "child_labour", "cobalt", country)

    # then: 0.1 baseline x severity 3
    assert risk.likelihood == pytest.approx(0.1)
    assert risk.score == pytest.approx(share * 0.1 * 3)


def test_the_risk_weights_come_from_the_method_file():
    # given: a method with baseline 0.2 instead of 0.1
    method = method_with(lambda d: d.update(baseline=0.2))

    # when
    risk = risk_of(assess(method=method), "child_labour", "cobalt", "RUS")

    # then: 0.04 x 0.2 x 3
    assert risk.score == pytest.approx(0.024)


def test_risks_are_sorted_by_score_highest_first():
    # when
    scores = [r.score for r in assess().risks]

    # then
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == pytest.approx(2.1)


def test_the_highest_risk_is_child_labour_in_congolese_cobalt_mining():
    # when
    top = assess().risks[0]

    # then
    assert (top.category, top.material, top.country_iso3, top.stage) == (
        "child_labour",
        "cobalt",
        "COD",
        "mining",
    )


def test_every_category_is_rated_at_a_mining_country():
    # when
    categories = {r.category for r in assess().risks if r.material == "cobalt" and r.country_iso3 == "PHL"}

    # then
    assert categories == ALL_CATEGORIES


def test_at_a_refinery_only_the_categories_that_concern_refining_are_rated():
    # when
    categories = {r.category for r in assess().risks if r.country_iso3 == "MYS"}

    # then: the method says child labour and discrimination do not concern refining and smelting
    assert categories == {
        "forced_labour",
        "freedom_of_association",
        "inadequate_wages",
        "occupational_health_safety",
        "community_rights",
    }


def test_at_an_assembly_factory_community_rights_is_not_rated():
    # when
    categories = {r.category for r in assess().risks if r.material is None and r.stage == "assembly"}

    # then
    assert categories == ALL_CATEGORIES - {"community_rights"}


def test_every_risk_is_at_a_stage_its_category_concerns():
    # given
    stages_of = {c.id: set(c.stages) for c in METHOD.categories}

    # when
    risks = assess().risks

    # then
    assert risks
    assert all(r.stage in stages_of[r.category] for r in risks)


def test_the_number_of_risks_is_one_per_category_concerned_at_each_country_and_stage():
    # given: cobalt 6 mining countries x 7; tin 2 mining x 7 + 1 refinery x 5; China assembly x 6

    # when
    risks = assess().risks

    # then
    assert len(risks) == 6 * 7 + 2 * 7 + 5 + 6


def test_a_factory_without_a_known_share_is_listed_as_share_unknown_rather_than_dropped():
    # given: China assembly, no share: assumed exposure 0.25, baseline 0.1, severity 3 -> 0.075

    # when
    assessment = assess()
    risk = risk_of(assessment, "child_labour", None, "CHN", "assembly")

    # then
    assert risk.share_known is False
    assert risk.score == pytest.approx(0.075)
    assert any("share unknown" in reason for reason in risk.reasons)
    assert any("Manual test section" in s for s in risk.sources)
    assert [(m.country_iso3, m.stage, m.share_pct) for m in assessment.manufacturing] == [
        ("CHN", "assembly", None)
    ]


def test_every_risk_says_why_and_where_it_comes_from():
    # when
    risks = assess().risks

    # then
    assert all(r.reasons and r.sources for r in risks)
    assert all(all(s.strip() for s in r.sources) for r in risks)


def test_the_salient_risks_keep_one_risk_per_category_country_and_stage_the_highest():
    # given: child labour in Indonesian mining is rated twice: tin 20% x 0.2 x 3 = 0.12, cobalt 10% -> 0.06

    # when
    salient = assess().salient(100)

    # then
    indonesian = [r for r in salient if r.category == "child_labour" and r.country_iso3 == "IDN"]
    assert [(r.material, r.score) for r in indonesian] == [("tin", pytest.approx(0.12))]


def test_the_three_most_salient_risks_are_the_three_highest_scores():
    # given: 2.1 child labour, 1.05 forced labour, 1.05 health and safety, all in Congolese cobalt mining

    # when
    salient = assess().salient(3)

    # then
    assert {r.category for r in salient} == {"child_labour", "forced_labour", "occupational_health_safety"}
    assert {r.country_iso3 for r in salient} == {"COD"}


def test_the_same_inputs_give_the_same_assessment():
    # given
    other_knowledge = build_knowledge(dict(TEXTS))

    # when
    first = assess().as_dict()
    second = assess(knowledge=other_knowledge).as_dict()

    # then
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


# --- the buyer's adjustments -------------------------------------------------------------------------------


def test_excluding_a_material_removes_it_and_its_risks():
    # when
    assessment = assess(adjustments=Adjustments(exclude_materials=frozenset({"tin"})))

    # then
    assert [m.name for m in assessment.raw_materials] == ["cobalt", "polymers"]
    assert all("tin" not in c.raw_materials for c in assessment.components)
    assert all(r.material != "tin" for r in assessment.risks)


def test_adding_a_material_adds_its_countries_and_risks():
    # when
    assessment = assess(adjustments=Adjustments(extra_materials=("tungsten",)))

    # then: China mines 80% of tungsten; child labour 0.80 x 0.1 x 3 = 0.24
    tungsten = material_of(assessment, "tungsten")
    assert [(c.country_iso3, c.share_pct) for c in tungsten.countries] == [("CHN", 80.0)]
    assert risk_of(assessment, "child_labour", "tungsten", "CHN").score == pytest.approx(0.24)


def test_adding_a_component_adds_it_with_its_materials():
    # when
    assessment = assess(adjustments=Adjustments(extra_components={"magnet": ("tungsten",)}))

    # then
    assert ("magnet", ("tungsten",)) in [(c.name, c.raw_materials) for c in assessment.components]
    assert "tungsten" in [m.name for m in assessment.raw_materials]


def test_excluding_a_component_removes_it_and_the_materials_only_it_contains():
    # when
    assessment = assess(adjustments=Adjustments(exclude_components=frozenset({"cell"})))

    # then
    assert [c.name for c in assessment.components] == ["case"]
    assert [m.name for m in assessment.raw_materials] == ["polymers"]
    assert all(r.material is None for r in assessment.risks)


def test_excluding_a_country_removes_it_at_every_stage():
    # given: China mines tin and assembles the product

    # when
    assessment = assess(adjustments=Adjustments(exclude_countries=frozenset({"CHN"})))

    # then
    shares = [c for m in assessment.raw_materials for c in m.countries]
    assert "CHN" not in {c.country_iso3 for c in shares}
    assert "CHN" not in {c.country_iso3 for c in assessment.manufacturing}
    assert "CHN" not in {r.country_iso3 for r in assessment.risks}


def test_excluding_a_country_lets_the_next_producer_into_the_top_countries():
    # when
    cobalt = material_of(assess(adjustments=Adjustments(exclude_countries=frozenset({"COD"}))), "cobalt")

    # then
    assert [c.country_iso3 for c in cobalt.countries] == ["IDN", "AUS", "RUS", "PHL", "CUB"]


def test_adding_a_country_to_a_material_lists_it_with_share_unknown():
    # when
    assessment = assess(adjustments=Adjustments(extra_countries={"tin": ("BOL",)}))

    # then
    bolivia = next(c for c in material_of(assessment, "tin").countries if c.country_iso3 == "BOL")
    assert bolivia.share_pct is None
    risk = risk_of(assessment, "child_labour", "tin", "BOL")
    assert risk.share_known is False
    assert any("share unknown" in reason for reason in risk.reasons)


def test_the_buyers_manufacturing_countries_replace_the_shipped_factory_list():
    # when
    assessment = assess(adjustments=Adjustments(manufacturing_countries=("VNM",)))

    # then
    assert {(m.country_iso3, m.stage) for m in assessment.manufacturing} == {
        ("VNM", "component_manufacturing"),
        ("VNM", "assembly"),
    }
    assert {r.country_iso3 for r in assessment.risks if r.material is None} == {"VNM"}


def test_adjustments_survive_their_json_form():
    # given
    adjustments = Adjustments(
        exclude_components=frozenset({"case"}),
        extra_components={"magnet": ("tungsten",)},
        exclude_materials=frozenset({"tin"}),
        extra_materials=("germanium",),
        exclude_countries=frozenset({"RUS"}),
        extra_countries={"cobalt": ("BOL",)},
        manufacturing_countries=("VNM",),
    )

    # when
    again = Adjustments.from_dict(json.loads(json.dumps(adjustments.as_dict())))

    # then
    assert again == adjustments


# --- unknown products and the JSON shape --------------------------------------------------------------------


def test_an_unknown_product_is_refused_listing_the_known_ones():
    # when
    with pytest.raises(UnknownProduct) as error:
        assess("toaster")

    # then
    assert error.value.known == ("gizmo", "widget")
    assert "toaster" in str(error.value)
    assert "gizmo" in str(error.value)
    assert "widget" in str(error.value)


def test_the_json_form_has_the_keys_of_the_spec():
    # when
    data = json.loads(json.dumps(assess().as_dict()))

    # then
    assert data["product"] == "widget"
    assert {"product", "components", "raw_materials", "risks"} <= set(data)
    assert data["components"][1]["name"] == "cell"
    assert data["components"][1]["raw_materials"] == ["cobalt", "tin"]
    cobalt = next(m for m in data["raw_materials"] if m["name"] == "cobalt")
    assert {"name", "countries"} <= set(cobalt)
    assert {"country_iso3", "share_pct", "stage", "year", "source"} <= set(cobalt["countries"][0])
    assert cobalt["countries"][0]["country_iso3"] == "COD"
    assert cobalt["countries"][0]["share_pct"] == 70.0
    top = data["risks"][0]
    assert {"category", "stage", "material", "country_iso3", "score", "reasons", "sources"} <= set(top)
    assert (top["category"], top["material"], top["country_iso3"]) == ("child_labour", "cobalt", "COD")
    assert isinstance(top["reasons"], list)
    assert isinstance(top["sources"], list)


# --- the method file ---------------------------------------------------------------------------------------


def test_the_shipped_method_knows_the_seven_categories_and_the_ten_products():
    # then
    assert {c.id for c in METHOD.categories} == ALL_CATEGORIES
    assert {p.id for p in METHOD.products} == set(PRODUCTS)


def test_a_method_with_a_category_at_an_unknown_stage_is_refused():
    # given
    data = copy.deepcopy(shipped_method_data())
    data["categories"][0]["stages"].append("shipping")

    # when
    with pytest.raises(RiskMethodError) as error:
        parse_risk_method(data, origin="broken.yaml")

    # then
    assert "shipping" in str(error.value)
    assert "broken.yaml" in str(error.value)


def test_a_method_with_a_signal_naming_an_unknown_category_is_refused():
    # given
    data = copy.deepcopy(shipped_method_data())
    data["signals"][0]["adds"] = {"bribery": 0.3}

    # when
    with pytest.raises(RiskMethodError) as error:
        parse_risk_method(data, origin="broken.yaml")

    # then
    assert "bribery" in str(error.value)


def test_an_unknown_method_id_is_refused():
    # when / then
    with pytest.raises(RiskMethodError):
        get_risk_method("risk-method-1999")


# --- the shipped knowledge base --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped_assessments():
    knowledge = shipped_knowledge()
    return {product: assess_product_risk(product, knowledge, METHOD) for product in PRODUCTS}


@pytest.mark.parametrize("product", PRODUCTS)
def test_a_shipped_product_meets_the_minimum_contents(product, shipped_assessments):
    # when
    assessment = shipped_assessments[product]

    # then
    assert len(assessment.components) >= 1
    assert len(assessment.raw_materials) >= 2
    assert len(assessment.risks) >= 3
    assert len(assessment.salient(METHOD.parameters.report_risks)) >= 3


@pytest.mark.parametrize("product", PRODUCTS)
def test_a_shipped_product_has_two_materials_with_three_countries_with_shares(product, shipped_assessments):
    # when
    well_sourced = [
        m.name
        for m in shipped_assessments[product].raw_materials
        if len({c.country_iso3 for c in m.countries if c.share_pct is not None}) >= 3
    ]

    # then
    assert len(well_sourced) >= 2, well_sourced


@pytest.mark.parametrize("product", PRODUCTS)
def test_every_risk_of_a_shipped_product_has_reasons_and_sources(product, shipped_assessments):
    # when
    risks = shipped_assessments[product].risks

    # then
    assert all(r.reasons and r.sources for r in risks)
    assert [r.score for r in risks] == sorted((r.score for r in risks), reverse=True)


# --- site types of a production-site list -------------------------------------------------------------------


def test_every_site_type_names_a_stage_of_the_method():
    method = get_risk_method()

    assert set(method.site_types.stages.values()) <= {s.id for s in method.stages}


def test_a_site_type_naming_an_unknown_stage_is_refused():
    with pytest.raises(RiskMethodError, match="site type 'mine': unknown stage quarrying"):
        method_with(lambda data: data["site_types"]["stages"].update(mine="quarrying"))


def test_a_site_type_not_written_as_it_is_matched_is_refused():
    with pytest.raises(RiskMethodError, match="lower case with single spaces"):
        method_with(lambda data: data["site_types"]["stages"].update({"Final  Assembly": "assembly"}))


def test_a_method_without_site_types_is_refused():
    with pytest.raises(RiskMethodError, match="site_types"):
        method_with(lambda data: data.pop("site_types"))
