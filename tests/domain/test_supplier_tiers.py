"""A supplier's risk tier: high for a CAHRA, ASM or a listed child/forced-labour good (from its sourcing links, the
registry sites of its group or the smelters of its RMI template), standard when its sourcing is known and clean,
unknown when nothing is known; every reason cites its list and edition. The rules file refuses unknown keys."""

import copy

import pytest
import yaml

import hrdd.frameworks
from hrdd.domain.knowledge import build_knowledge, shipped_knowledge
from hrdd.domain.questionnaire_framework import FrameworkError
from hrdd.domain.supplier_tiers import (
    HIGH,
    STANDARD,
    UNKNOWN,
    SiteFact,
    SmelterFact,
    SourcingFact,
    SupplierFacts,
    assess_supplier_tier,
    cahra_countries,
    materials,
    parse_tier_rules,
    shipped_tier_rules,
)

KB = shipped_knowledge()
RULES_PATH = hrdd.frameworks.__path__[0] + "/supplier-tiers.yaml"


def tier(*links, sites=(), smelters=(), knowledge=KB):
    return assess_supplier_tier(
        SupplierFacts(links=tuple(links), sites=tuple(sites), smelters=tuple(smelters)), knowledge=knowledge
    )


def codes(verdict):
    return [r.code for r in verdict.reasons]


def test_nothing_known_is_unknown_with_the_reason():
    verdict = tier()
    assert verdict.tier == UNKNOWN
    assert codes(verdict) == ["nothing_known"]
    assert "Step 1" in verdict.reasons[0].source


def test_cobalt_from_the_drc_by_artisanal_miners_is_high_for_three_reasons_each_with_its_list_and_edition():
    verdict = tier(SourcingFact("cobalt", "COD", "Lualaba", is_asm=True))
    assert verdict.tier == HIGH
    assert codes(verdict) == ["cahra_sourcing", "asm_sourcing", "labour_goods"]
    eu = verdict.reasons[0]
    assert "EU indicative CAHRA list" in eu.text and "(2026)" in eu.text  # the June 2026 list
    assert "Dodd-Frank" not in eu.text  # the DRC is on that list too, but for 3TG only
    assert "Lualaba, Democratic Republic of the Congo" in eu.text
    labour = verdict.reasons[2]
    # the 2024 list names forced labour for DRC cobalt; child labour is kept from the 2022 list
    assert "child labour and forced labour" in labour.text and "(2024)" in labour.text
    assert "US Department of Labor" in labour.source and "Annex II" in labour.source


def test_dodd_frank_counts_only_for_3tg():
    # cobalt from Zambia (a Dodd-Frank adjoining country, not on the EU list) is not flagged
    verdict = tier(SourcingFact("cobalt", "ZMB"))
    assert verdict.tier == STANDARD
    tin = tier(SourcingFact("tin", "RWA"))
    assert tin.tier == HIGH
    assert codes(tin) == ["cahra_sourcing"]
    assert "US Dodd-Frank Section 1502" in tin.reasons[0].text


def test_gold_from_the_drc_is_on_both_lists():
    verdict = tier(SourcingFact("gold", "COD"))
    texts = " ".join(r.text for r in verdict.reasons if r.code == "cahra_sourcing")
    assert "EU indicative" in texts and "Dodd-Frank" in texts


def test_copper_from_zambia_is_standard_and_says_what_was_checked():
    verdict = tier(SourcingFact("copper", "ZMB"))
    assert verdict.tier == STANDARD
    assert codes(verdict) == ["no_red_flag"]
    assert "copper from Zambia" in verdict.reasons[0].text


def test_asm_alone_makes_a_supplier_high_even_outside_a_cahra():
    verdict = tier(SourcingFact("copper", "ZMB", is_asm=True))
    assert verdict.tier == HIGH
    assert codes(verdict) == ["asm_sourcing"]


def test_a_listed_labour_good_outside_any_cahra_makes_a_supplier_high():
    verdict = tier(SourcingFact("mica", "MDG"))
    assert verdict.tier == HIGH
    assert codes(verdict) == ["labour_goods"]
    assert "Madagascar" in verdict.reasons[0].text


def test_a_material_not_listed_for_that_country_is_no_labour_flag():
    assert tier(SourcingFact("lithium", "AUS")).tier == STANDARD


def test_an_artisanal_mine_of_the_group_makes_the_supplier_high():
    mine = SiteFact("Kasulo artisanal site", "ZMB", "mine", is_artisanal=True, via="operated by Kasulo Group")
    verdict = tier(sites=[mine])
    assert verdict.tier == HIGH
    assert codes(verdict) == ["asm_site"]
    assert "operated by Kasulo Group" in verdict.reasons[0].text


def test_a_refiner_of_the_group_in_a_cahra_makes_the_supplier_high_but_a_factory_does_not():
    refiner = SiteFact("Kolwezi refinery", "COD", "raw_material_processing", via="operated by K Group")
    factory = SiteFact("Kolwezi workshop", "COD", "component_manufacturing")
    assert codes(tier(sites=[refiner])) == ["cahra_site"]
    assert tier(sites=[factory]).tier == STANDARD


def test_a_site_of_unknown_material_counts_only_lists_covering_every_material():
    # Rwanda is only on the Dodd-Frank list (3TG): without a material, its mines are not flagged
    assert tier(sites=[SiteFact("Rwandan mine", "RWA", "mine")]).tier == STANDARD


def test_a_smelter_in_a_cahra_or_sourcing_from_one_makes_the_supplier_high():
    in_cahra = SmelterFact("Some Refinery", "Gold", "COL", via="CMRT 2025")
    mine_in_cahra = SmelterFact("Swiss Refiner", "Tin", "CHE", mine_countries=("RWA",))
    clean = SmelterFact("Swiss Refiner", "Gold", "CHE")
    assert codes(tier(smelters=[in_cahra])) == ["cahra_smelter"]
    verdict = tier(smelters=[mine_in_cahra])
    assert codes(verdict) == ["cahra_smelter"] and "sourcing from a mine in Rwanda" in verdict.reasons[0].text
    assert tier(smelters=[clean]).tier == STANDARD


def test_the_same_reason_twice_is_given_once():
    link = SourcingFact("copper", "ZMB", is_asm=True)
    assert codes(tier(link, link)) == ["asm_sourcing"]


def test_a_newer_edition_of_a_list_is_read_by_the_start_of_its_name():
    # given a CAHRA table with a second edition of the EU list naming Zambia
    text = (
        "country_iso3,country,list_name,scope,year,source\n"
        "ZMB,Zambia,EU indicative CAHRA list (RAND Europe) - second edition,whole country,2025,EU list 2025\n"
    )
    knowledge = build_knowledge({"cahra": text})
    # when
    verdict = tier(SourcingFact("copper", "ZMB"), knowledge=knowledge)
    # then
    assert verdict.tier == HIGH
    assert "second edition" in verdict.reasons[0].text and "EU list 2025" in verdict.reasons[0].source


def test_cahra_countries_and_materials_come_from_the_knowledge_base():
    assert "COD" in cahra_countries(KB) and "ZMB" not in cahra_countries(KB)
    assert {"cobalt", "copper", "tin", "gold"} <= set(materials(KB))


def test_the_shipped_rules_load_and_cite_the_oecd_guidance():
    rules = shipped_tier_rules()
    assert "OECD" in rules.source
    assert "Annex II" in rules.labour_goods.source


def _rules_data():
    with open(RULES_PATH, encoding="utf-8") as f:
        return yaml.safe_load(f)


def test_a_misspelled_key_in_the_rules_is_refused_by_name():
    data = copy.deepcopy(_rules_data())
    data["cahra"]["sites_types"] = data["cahra"].pop("site_types")
    with pytest.raises(FrameworkError, match=r"cahra\.sites_types"):
        parse_tier_rules(data)


def test_an_unknown_labour_flag_in_the_rules_is_refused():
    data = copy.deepcopy(_rules_data())
    data["labour_goods"]["flags"] = ["child_labor"]
    with pytest.raises(FrameworkError, match=r"labour_goods\.flags\.0"):
        parse_tier_rules(data)
