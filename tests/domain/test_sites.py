"""Which risks a listed production site carries: its country and stage matched against the risk assessment."""

import pytest

from hrdd.domain.risk import get_risk_method
from hrdd.domain.sites import ListedSite, RatedRisk, link_sites_to_risks, site_stage

SITE_TYPES = get_risk_method().site_types


def risk(category, country, stage, score, material=None):
    return RatedRisk(
        category=category,
        title=category.replace("_", " ").capitalize(),
        country_iso3=country,
        stage=stage,
        score=score,
        material=material,
    )


# an assessment's risks, deliberately not in score order
RISKS = (
    risk("inadequate_wages", "CHN", "assembly", 0.30),
    risk("forced_labour", "CHN", "assembly", 0.50),
    risk("child_labour", "CHN", "assembly", 0.40),
    risk("discrimination", "CHN", "assembly", 0.20),
    risk("child_labour", "COD", "mining", 0.90, "cobalt"),
    risk("child_labour", "COD", "mining", 0.70, "copper"),
    risk("occupational_health_safety", "COD", "mining", 0.60, "cobalt"),
    risk("community_rights", "COD", "refining_smelting", 0.80, "cobalt"),
)


def verdict_for(site, risks=RISKS, site_types=SITE_TYPES):
    (verdict,) = link_sites_to_risks([site], risks, site_types)
    return verdict


# --- the site's stage ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site_type", "stage"),
    [
        ("final assembly", "assembly"),
        ("  Final   Assembly ", "assembly"),
        ("Component manufacturing", "component_manufacturing"),
        ("raw-material processing", "refining_smelting"),
        ("Smelter", "refining_smelting"),
        ("mine", "mining"),
        ("warehouse", None),
        ("", None),
    ],
)
def test_a_site_type_names_the_stage_the_risk_method_lists_for_it(site_type, stage):
    assert site_stage(site_type, SITE_TYPES) == stage


def test_the_site_types_and_their_number_of_risks_come_from_the_risk_method_with_a_source():
    assert SITE_TYPES.risks_per_site == 3
    assert SITE_TYPES.stages["final assembly"] == "assembly"
    assert "3.3.4" in SITE_TYPES.source


# --- the risks a site carries ----------------------------------------------------------------------------


def test_a_site_carries_the_three_highest_rated_risks_of_its_country_and_stage():
    # when
    verdict = verdict_for(ListedSite(key=1, country_iso3="CHN", site_type="final assembly"))

    # then
    assert verdict.stage == "assembly"
    assert [(r.category, r.score) for r in verdict.risks] == [
        ("forced_labour", 0.50),
        ("child_labour", 0.40),
        ("inadequate_wages", 0.30),
    ]
    assert verdict.candidates == 4


def test_a_site_carries_one_risk_per_category_the_highest_rated():
    # when
    verdict = verdict_for(ListedSite(key=1, country_iso3="COD", site_type="mine"))

    # then
    assert [(r.category, r.material) for r in verdict.risks] == [
        ("child_labour", "cobalt"),
        ("occupational_health_safety", "cobalt"),
    ]


def test_a_site_of_an_unlisted_type_carries_the_risks_of_every_stage_in_its_country():
    # when
    verdict = verdict_for(ListedSite(key=1, country_iso3="COD", site_type="warehouse"))

    # then
    assert verdict.stage is None
    assert [(r.category, r.stage) for r in verdict.risks] == [
        ("child_labour", "mining"),
        ("community_rights", "refining_smelting"),
        ("occupational_health_safety", "mining"),
    ]
    assert verdict.candidates == 4


@pytest.mark.parametrize(
    "site",
    [
        ListedSite(key=1, country_iso3="VNM", site_type="final assembly"),
        ListedSite(key=1, country_iso3="CHN", site_type="mine"),
        ListedSite(key=1, country_iso3="", site_type="assembly"),
    ],
    ids=["another country", "another stage", "no country"],
)
def test_a_site_whose_country_and_stage_the_assessment_does_not_rate_carries_no_risk(site):
    # when
    verdict = verdict_for(site)

    # then
    assert verdict.risks == ()
    assert verdict.candidates == 0
    assert "rates no risk" in verdict.reasons[-1]


def test_the_number_of_risks_per_site_is_the_risk_methods():
    # given
    one_each = SITE_TYPES.model_copy(update={"risks_per_site": 1})

    # when
    verdict = verdict_for(ListedSite(key=1, country_iso3="CHN", site_type="assembly"), site_types=one_each)

    # then
    assert [r.category for r in verdict.risks] == ["forced_labour"]


def test_risks_of_equal_score_keep_the_assessments_order():
    # given
    tied = (risk("discrimination", "CHN", "assembly", 0.4), risk("child_labour", "CHN", "assembly", 0.4))

    # when
    verdict = verdict_for(ListedSite(key=1, country_iso3="CHN", site_type="assembly"), risks=tied)

    # then
    assert [r.category for r in verdict.risks] == ["discrimination", "child_labour"]


def test_an_assessment_without_risks_links_every_site_to_none():
    verdict = verdict_for(ListedSite(key=1, country_iso3="CHN", site_type="assembly"), risks=())

    assert verdict.risks == ()


# --- the reasons -----------------------------------------------------------------------------------------


def test_the_reasons_name_the_stage_the_type_matched_and_the_risk_rows_picked():
    # when
    verdict = verdict_for(ListedSite(key=1, country_iso3="CHN", site_type="Final assembly"))

    # then
    stage_reason, match_reason = verdict.reasons
    assert stage_reason == "site type 'Final assembly' is the stage assembly"
    assert match_reason.startswith("4 risks rated for China at the stage assembly")
    assert "forced labour at assembly (0.5)" in match_reason
    assert "discrimination" not in match_reason
    assert verdict.source == SITE_TYPES.source


@pytest.mark.parametrize(
    ("site_type", "expected"),
    [
        (
            "warehouse",
            "site type 'warehouse' names no stage, so the risks of every stage in Democratic Republic of the Congo apply",
        ),
        ("", "no site type given, so the risks of every stage in Democratic Republic of the Congo apply"),
    ],
)
def test_the_reasons_say_when_a_type_names_no_stage(site_type, expected):
    verdict = verdict_for(ListedSite(key=1, country_iso3="COD", site_type=site_type))

    assert verdict.reasons[0] == expected
    assert "at any stage" in verdict.reasons[1]


# --- many sites ------------------------------------------------------------------------------------------


def test_each_site_gets_one_verdict_in_the_order_given_with_its_key():
    # given
    sites = [
        ListedSite(key=30, country_iso3="COD", site_type="mine"),
        ListedSite(key=10, country_iso3="CHN", site_type="assembly"),
        ListedSite(key=20, country_iso3="COD", site_type="mine"),
    ]

    # when
    verdicts = link_sites_to_risks(sites, RISKS, SITE_TYPES)

    # then
    assert [v.site.key for v in verdicts] == [30, 10, 20]
    assert verdicts[0].risks == verdicts[2].risks


class CountingRisks(tuple):
    """The assessment's risks, counting how often they are read from start to end."""

    passes = 0

    def __iter__(self):
        type(self).passes += 1
        return super().__iter__()


def test_the_assessments_risks_are_read_once_however_many_sites_are_linked():
    # given
    CountingRisks.passes = 0
    risks = CountingRisks(RISKS)
    sites = [
        ListedSite(key=i, country_iso3=("CHN", "COD", "VNM")[i % 3], site_type="mine") for i in range(2000)
    ]

    # when
    verdicts = link_sites_to_risks(sites, risks, SITE_TYPES)

    # then
    assert len(verdicts) == 2000
    assert CountingRisks.passes == 1
