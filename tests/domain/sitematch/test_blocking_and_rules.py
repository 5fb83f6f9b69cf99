"""Blocking at scale (a word most sites of a city hold is no key there) and the same-name-in-the-same-city rule."""

import pytest

from hrdd.domain.sitematch import Candidate, FieldAgreement, SiteIndex, SiteRecord, Thresholds
from hrdd.domain.sitematch import index as index_module
from hrdd.domain.sitematch.index import _arrow_table, _decide, normalise_record


@pytest.fixture
def crowded_city(monkeypatch):
    """Five Shenzhen sites of one trade (a word more sites hold than the cap, set to 3 here) and one in Wuxi."""
    monkeypatch.setattr(index_module, "COMMON_WORD", 3)
    sites = [
        SiteRecord(f"S{i}", f"{brand} Optoelectronic Co., Ltd.", f"No. {i} {street} Road", "Shenzhen", country="CHN")
        for i, (brand, street) in enumerate(
            [("Haizhensi", "Gaoying"), ("Lianbo", "Mingcan"), ("Quxin", "Dinghao"), ("Baishi", "Senli"),
             ("Tianrun", "Jieshi")], start=1)
    ] + [SiteRecord("S9", "Zenwu Optoelectronic Co., Ltd.", "No. 9 Pingmin Road", "Wuxi", country="CHN")]  # fmt: skip
    index = SiteIndex.build(sites)
    yield index
    index.close()


def test_a_word_too_many_sites_of_a_city_hold_is_no_blocking_key_there(crowded_city):
    keys = dict(
        crowded_city._con.execute(
            "SELECT unique_id, name_key2 FROM registry_sites ORDER BY unique_id"
        ).fetchall()
    )
    # "optoelectronic" is the longest word of every name: dropped in Shenzhen (5 sites), kept in Wuxi (1)
    assert keys["S1"] is None and keys["S5"] is None
    assert keys["S9"] == "optoelectronic"
    # a record sharing only the trade with the Shenzhen sites meets none of them ...
    pairs = crowded_city.score_pairs(
        [SiteRecord("r1", "Wobuzai Optoelectronic", "", "Shenzhen", country="CHN")]
    )
    assert pairs == {}
    # ... while one that names a site still finds it by its own word
    (result,) = crowded_city.match(
        [SiteRecord("r2", "LIANBO OPTOELECTRONIC CO LTD", "", "Shen Zhen", country="CHN")]
    )
    assert (result.status, result.site_key) == ("auto", "S2")


def test_the_arrow_table_holds_empty_optional_fields_as_null():
    row = normalise_record(SiteRecord("r1", "Jiahe Plastic", "", "", country="CHN"))
    table = _arrow_table([row], "incoming").to_pydict()
    assert table["unique_id"] == ["r1"] and table["name"] == ["jiahe plastic"]
    assert table["city"] == [None] and table["address"] == [None] and table["postal_code"] == [None]
    assert table["name_numbers"] == [""]  # compared as a value, never NULL
    assert _arrow_table([], "incoming").num_rows == 0


def _candidate(score: float, **levels: tuple[str, float]) -> Candidate:
    base = {"name": ("exact", 17.0), "name_numbers": ("none", 0.25), "city": ("same", 3.2),
            "address": ("missing", 0.0)}  # fmt: skip
    base.update(levels)
    return Candidate("S1", score, tuple(FieldAgreement(f, level, w) for f, (level, w) in base.items()))


def _weight(probability: float) -> float:
    import math

    return math.log2(probability / (1 - probability))


def test_the_only_site_of_a_name_in_the_record_s_city_links_with_nothing_against_it():
    candidate = _candidate(0.82)
    result = _decide("r1", [(_weight(0.82), candidate)], Thresholds(), False)
    assert (result.status, result.site_key) == ("auto", "S1")
    assert result.reason.startswith("the only site of this name in this city")


@pytest.mark.parametrize(
    "levels",
    [
        {"address": ("differs", -6.2)},  # something against it
        {"city": ("differs", -6.5)},  # a group's campus in another city
        {"name_numbers": ("on one side only", -8.4)},  # another plant
        {"name": ("very close", 9.0)},  # not the same name
        {"city": ("missing", 0.0)},  # no city to tell the holders of the name apart
    ],
)
def test_the_same_name_rule_needs_the_same_city_and_nothing_against(levels):
    candidate = _candidate(0.82, **levels)
    assert _decide("r1", [(_weight(0.82), candidate)], Thresholds(), False).status == "review"


def test_the_same_name_rule_follows_a_stricter_auto_threshold_and_another_close_site():
    candidate = _candidate(0.82)
    strict = _decide("r1", [(_weight(0.82), candidate)], Thresholds(auto=0.99), False)
    assert strict.status == "review"
    twin = Candidate("S2", 0.8, candidate.agreements)
    both = _decide("r1", [(_weight(0.82), candidate), (_weight(0.8), twin)], Thresholds(), False)
    assert both.status == "review" and "2 sites are close" in both.reason
