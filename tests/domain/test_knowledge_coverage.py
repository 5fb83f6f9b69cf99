"""The shipped knowledge base (issue 15): current editions, every producer, no double counting.

Figures asserted here were checked against ../shared/reference/2026/mineral_production_mcs2025.csv (USGS MCS 2025).
"""

from __future__ import annotations

import pytest

from hrdd.domain.knowledge import build_knowledge, shipped_knowledge
from hrdd.domain.risk import assess_product_risk, fold_countries, get_risk_method, unnamed_share_bound

KNOWLEDGE = shipped_knowledge()
METHOD = get_risk_method()
PRODUCTS = KNOWLEDGE.products()


@pytest.mark.parametrize("product", PRODUCTS)
def test_no_material_stage_and_country_is_counted_twice(product):
    # when
    assessment = assess_product_risk(product, KNOWLEDGE, METHOD)

    # then
    inputs = [(m.name, c.stage, c.country_iso3) for m in assessment.raw_materials for c in m.countries]
    assert len(inputs) == len(set(inputs))
    rated = [(r.material, r.stage, r.country_iso3, r.category) for r in assessment.risks if r.material]
    assert len(rated) == len(set(rated))


def test_the_shipped_production_table_has_one_series_per_material_stage_and_country():
    # when
    keys = [(p.material, p.stage, p.country_iso3, p.year) for p in KNOWLEDGE.mineral_production]
    series = {p.series for p in KNOWLEDGE.mineral_production}

    # then: ferrosilicon is not ICT silicon, alumina is the step before the aluminium smelter
    assert len(keys) == len(set(keys))
    assert "silicon metal" in series and "silicon (ferrosilicon content)" not in series
    assert "aluminum" in series and "alumina" not in series


def test_every_material_of_every_bill_of_materials_has_countries_or_a_sourced_reason():
    # given
    produced = {p.material for p in KNOWLEDGE.mineral_production}
    reasons = {g.material: g for g in KNOWLEDGE.production_gaps}

    # then
    for material in sorted({link.material for link in KNOWLEDGE.bill_of_materials}):
        if material in produced:
            continue
        assert material in reasons, material
        assert reasons[material].reason and "USGS" in reasons[material].source
    # the seven the 2024 edition lacked now come from USGS MCS 2025
    for material in ("arsenic", "boron", "bromine", "chromium", "iron", "lead", "phosphorus"):
        assert material in produced


def test_a_material_without_production_shows_its_reason_in_the_assessment():
    # when
    assessment = assess_product_risk("memory", KNOWLEDGE, METHOD)

    # then
    hafnium = next(m for m in assessment.raw_materials if m.name == "hafnium")
    assert not hafnium.countries
    assert "no hafnium series" in hafnium.note


def test_gold_reaches_the_artisanal_producers_listed_by_ilab():
    # when
    assessment = assess_product_risk("smartphone", KNOWLEDGE, METHOD)

    # then
    gold = {c.country_iso3: c for m in assessment.raw_materials if m.name == "gold" for c in m.countries}
    for iso3 in ("GHA", "PER", "MLI", "COD", "BOL", "ZWE"):
        assert iso3 in gold, iso3
    assert gold["GHA"].share_pct == 3.94 and gold["GHA"].year == 2024  # USGS MCS 2025, 130 of 3,300 t
    assert gold["COD"].share_pct is None and "ILAB" in gold["COD"].source
    drc_child = [r for r in assessment.risks if r.material == "gold" and r.country_iso3 == "COD"]
    assert any(r.category == "child_labour" and "child labour" in " ".join(r.reasons) for r in drc_child)


def test_a_producer_usgs_does_not_name_is_ranked_with_the_most_it_can_hold():
    # given: USGS MCS 2025 names 16 gold producers for 2024, the smallest Tanzania, Colombia and Burkina Faso
    # (60 of 3,300 t, 1.82%); the DRC, listed by ILAB for child and forced labour in gold mining, is not named
    assessment = assess_product_risk("smartphone", KNOWLEDGE, METHOD)
    gold = {c.country_iso3: c for m in assessment.raw_materials if m.name == "gold" for c in m.countries}

    # when
    drc_child = next(
        r
        for r in assessment.risks
        if r.material == "gold" and r.country_iso3 == "COD" and r.category == "child_labour"
    )
    ghana_child = next(
        r
        for r in assessment.risks
        if r.material == "gold" and r.country_iso3 == "GHA" and r.category == "child_labour"
    )

    # then: ranked with 1.82%, not the method's 25% for a stage with no share at all, so the DRC's artisanal
    # gold stays in the assessment without outranking Ghana's 3.94% with the same listings
    assert gold["COD"].share_bound_pct == 1.82
    assert drc_child.exposure == 0.0182 and drc_child.share_known is False
    assert "ranked with 1.82% of world production" in drc_child.reasons[0]
    assert "a method assumption, not a figure" in drc_child.reasons[0]
    assert drc_child.score < ghana_child.score


def test_the_bound_is_the_smallest_named_share_or_what_the_named_countries_leave():
    assert unnamed_share_bound([]) is None
    assert unnamed_share_bound([40.0, 30.0, 5.0]) == 5.0  # 25% left: the smallest named is less
    assert unnamed_share_bound([60.0, 35.0, 4.0]) == 1.0  # only 1% left for every unnamed producer
    assert unnamed_share_bound([70.0, 31.0]) == 31.0  # rounded shares past 100%: nothing known is left


def test_the_long_tail_is_folded_with_its_total_share():
    # when
    assessment = assess_product_risk("smartphone", KNOWLEDGE, METHOD)
    gold = next(m for m in assessment.raw_materials if m.name == "gold")
    (fold,) = gold.folds

    # then: the five largest 2024 producers (China 11.52%, ...), the other 31 together 34.25%
    assert [c.country_iso3 for c in fold.shown] == ["CHN", "RUS", "AUS", "CAN", "USA"]
    assert fold.shown[0].share_pct == 11.52
    assert fold.others == len(gold.countries) - 5 == 31
    assert fold.others_share_pct == 34.25
    assert fold.others_text() == "31 other countries, together 34.25%"
    assert assessment.as_dict()["raw_materials"][gold_index(assessment)]["shown"][0]["other_countries"] == 31


def gold_index(assessment):
    return [m.name for m in assessment.raw_materials].index("gold")


def test_folding_with_no_known_share_says_so():
    # given
    assessment = assess_product_risk("smartphone", KNOWLEDGE, METHOD)
    gold = next(m for m in assessment.raw_materials if m.name == "gold")
    unknown = [c for c in gold.countries if c.share_pct is None]

    # when
    (fold,) = fold_countries(unknown, 2)

    # then
    assert fold.others == len(unknown) - 2
    assert fold.others_text().endswith("share unknown")


def test_the_2024_ilab_changes_and_ituc_2025_are_signals():
    # when
    assessment = assess_product_risk("notebook", KNOWLEDGE, METHOD)
    by_key = {(r.category, r.material, r.country_iso3, r.stage): r for r in assessment.risks}

    # then
    nickel = by_key[("forced_labour", "nickel", "IDN", "mining")]
    assert any("forced labour" in reason for reason in nickel.reasons)
    assert any("2024" in source for source in nickel.sources)
    cobalt = by_key[("forced_labour", "cobalt", "COD", "mining")]
    assert any("listed by US DOL/ILAB for forced labour" in reason for reason in cobalt.reasons)
    aluminium = by_key[("forced_labour", "aluminium", "CHN", "refining_smelting")]
    assert any("listed by US DOL/ILAB for forced labour" in reason for reason in aluminium.reasons)
    china_foa = by_key[("freedom_of_association", "aluminium", "CHN", "refining_smelting")]
    assert any("ITUC Global Rights Index rating 5" in reason for reason in china_foa.reasons)
    assert any("ITUC Global Rights Index 2025" in source for source in china_foa.sources)


def test_the_shipped_editions_are_the_current_ones():
    # when
    status = {s.name: s for s in KNOWLEDGE.status()}

    # then
    assert "MCS 2025" in status["mineral_production"].edition
    assert any("Mineral Commodity Summaries 2026" in s for s in status["mineral_production"].sources)
    assert "2025" in status["mineral_production"].years
    assert "June 2026" in status["cahra"].edition and "2026" in status["cahra"].years
    assert "WGI 2024 update" in status["country_indicators"].edition
    assert "2025" in status["country_indicators"].years  # ITUC
    assert "2024" in status["labour_goods"].years
    assert not any("Walk Free" in s for table in status.values() for s in table.sources)


def test_an_older_edition_with_two_series_at_one_stage_counts_the_country_once():
    # given: MCS 2024's shape, with ferrosilicon beside silicon metal (China 69% and 79% in the 2024 edition)
    header = "material,series,stage,country_iso3,country,year,share_pct,estimated,source\n"
    rows = (
        "silicon,silicon metal,smelter,CHN,China,2023,79,true,USGS MCS 2024 test\n"
        "silicon,silicon (ferrosilicon content),smelter,CHN,China,2023,69,true,USGS MCS 2024 test\n"
        "silicon,silicon metal,smelter,NOR,Norway,2023,5,true,USGS MCS 2024 test\n"
    )
    knowledge = build_knowledge({"mineral_production": header + rows})

    # when
    assessment = assess_product_risk("smartphone", knowledge, METHOD)

    # then
    silicon = next(m for m in assessment.raw_materials if m.name == "silicon")
    china = [c for c in silicon.countries if c.country_iso3 == "CHN" and c.stage == "refining_smelting"]
    assert [(c.share_pct, c.series) for c in china] == [(79.0, "silicon metal")]
    assert any("counted once (silicon metal)" in gap for gap in assessment.gaps)


def test_the_notebook_has_tantalum_in_its_capacitors_like_the_other_devices():
    # when
    notebook = [link for link in KNOWLEDGE.bill_of_materials if link.product == "notebook"]

    # then
    tantalum = [link for link in notebook if link.material == "tantalum"]
    assert tantalum and all(link.component == "printed circuit board" for link in tantalum)
    for product in ("smartphone", "desktop", "server"):
        assert any(
            link.material == "tantalum" for link in KNOWLEDGE.bill_of_materials if link.product == product
        ), product


def test_a_low_authority_bill_of_materials_source_says_it_is_secondary():
    # when
    web = [link for link in KNOWLEDGE.bill_of_materials if "thatnews.online" in link.source]
    infographic = [link for link in KNOWLEDGE.bill_of_materials if "Visual Capitalist" in link.source]

    # then
    assert web and all("secondary, low-authority web source" in link.source for link in web)
    assert infographic and all("secondary copy" in link.source for link in infographic)
