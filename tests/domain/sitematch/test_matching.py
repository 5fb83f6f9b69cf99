"""Matching: links, reviews and new sites; the hard negatives; remembered decisions; the same answer every run."""

from hrdd.domain.sitematch import (
    Decisions,
    SiteIndex,
    SiteRecord,
    Thresholds,
    estimate_parameters,
    match_records,
    record_fingerprint,
    shipped_parameters,
)

REGISTRY = [
    SiteRecord("S1", "Hon Hai Precision Industry (Kunshan) Co., Ltd.", "No. 18 Xinghua Road", "Kunshan", country="CHN"),
    SiteRecord("S2", "Shenzhen Xinwei Electronics Co., Ltd.", "No. 81 Guanlan Avenue, Longhua District", "Shenzhen", country="CHN"),
    SiteRecord("S3", "Jiahe Plastic Co., Ltd.", "No. 83 Guanlan Avenue, Longhua District", "Shenzhen", country="CHN"),
    SiteRecord("S4", "Goldcom Acoustic Plant 1 S.A. de C.V.", "Calle Fuhua 173, Parque Industrial", "Guadalajara", country="MEX"),
    SiteRecord("S5", "Jabil Circuit Sdn. Bhd.", "Lot 56, Phase 4, Bayan Lepas Free Industrial Zone", "Penang", country="MYS"),
    SiteRecord("S6", "Zollner Elektronik Kft.", "Ipari Park 12", "Zalaegerszeg", country="HUN"),
]  # fmt: skip


def _one(record: SiteRecord, **kwargs):
    (result,) = match_records([record], REGISTRY, **kwargs)
    return result


def test_another_spelling_of_a_registered_site_links_automatically_with_its_reasons():
    # given
    record = SiteRecord(
        "r1", "SHEN ZHEN XINWEI ELEC. CO LTD", "81 Guanlan Ave., Longhua Dist.", "Shen Zhen", country="CHN"
    )
    # when
    result = _one(record)
    # then
    assert (result.status, result.site_key) == ("auto", "S2")
    reasons = {r.field: r for r in result.candidates[0].agreements}
    assert reasons["name"].level == "exact" and reasons["name"].weight > 0
    assert reasons["address_numbers"].level == "same"
    assert "81" in reasons["address_numbers"].detail
    assert result.reason


def test_a_site_nobody_registered_is_new():
    result = _one(SiteRecord("r1", "Vertex Battery Co., Ltd.", "No. 5 Tianhe Road", "Wuhan", country="CHN"))
    assert (result.status, result.site_key) == ("new", None)


def test_the_groups_campus_in_another_city_is_not_linked():
    # given: the registry holds the group's Kunshan campus only
    record = SiteRecord(
        "r1",
        "Hon Hai Precision Industry (Zhengzhou) Co., Ltd.",
        "No. 9 Hangkong Road",
        "Zhengzhou",
        country="CHN",
    )
    # when
    result = _one(record)
    # then
    assert result.status != "auto"


def test_a_different_company_in_the_same_industrial_park_is_not_linked():
    record = SiteRecord(
        "r1",
        "Lanlin Power Supply Co., Ltd.",
        "No. 81 Guanlan Avenue, Longhua District",
        "Shenzhen",
        country="CHN",
    )
    result = _one(record)
    assert result.status != "auto"


def test_plant_2_is_not_linked_to_plant_1():
    record = SiteRecord(
        "r1",
        "Goldcom Acoustic Plant 2 SA de CV",
        "Calle Fuhua 173, Parque Industrial",
        "Guadalajara",
        country="MEX",
    )
    result = _one(record)
    assert result.status == "new"
    assert "S4" in result.reason


def test_a_plant_number_on_one_side_only_goes_to_a_person():
    record = SiteRecord(
        "r1", "Zollner Elektronik Plant 2 Kft.", "Ipari Park 12", "Zalaegerszeg", country="HUN"
    )
    assert _one(record).status in {"review", "new"}


def test_a_rejected_pair_is_never_proposed_again():
    # given: a reviewer said this record is not S2
    record = SiteRecord(
        "r1", "Shenzhen Xinwei Electronics", "No. 81 Guanlan Avenue", "Shenzhen", country="CHN"
    )
    decisions = Decisions({(record_fingerprint(record), "S2"): False})
    # when
    result = _one(record, decisions=decisions)
    # then
    assert result.site_key != "S2"
    assert all(c.site_key != "S2" for c in result.candidates)


def test_a_confirmed_pair_links_at_once_on_the_next_upload_even_when_the_spelling_is_far():
    # given: a reviewer confirmed that this spelling is the Kunshan campus
    record = SiteRecord("r1", "Foxconn KS Plant", "", "", country="CHN")
    decisions = Decisions({(record_fingerprint(record), "S1"): True})
    # when
    again = SiteRecord("r2", "FOXCONN KS PLANT", "", "", country="CHN")
    result = _one(again, decisions=decisions)
    # then
    assert (result.status, result.site_key) == ("auto", "S1")
    assert "reviewer confirmed" in result.reason


def test_two_close_sites_go_to_a_person():
    # given: the registry holds the same site twice
    registry = [
        *REGISTRY,
        SiteRecord("S7", "Jabil Circuit Sdn Bhd", "Lot 56 Phase 4 Bayan Lepas FIZ", "Penang", country="MYS"),
    ]
    record = SiteRecord("r1", "Jabil Circuit", "Lot 56, Phase 4, Bayan Lepas", "Penang", country="MYS")
    # when
    (result,) = match_records([record], registry)
    # then
    assert result.status == "review"
    assert {c.site_key for c in result.candidates} >= {"S5", "S7"}


def test_thresholds_decide_between_auto_review_and_new():
    record = SiteRecord("r1", "Jabil Circuit", "", "Penang", country="MYS")
    strict = _one(record, thresholds=Thresholds(auto=0.999999, review=0.01))
    assert strict.status == "review"
    assert _one(record, thresholds=Thresholds(auto=1.01, review=1.0)).status == "new"


def test_the_same_lists_give_the_same_results_every_run():
    records = [
        SiteRecord("r1", "Jabil Circuit", "Lot 56 Phase 4", "Penang", country="MYS"),
        SiteRecord("r2", "Xinwei Electronics", "", "Shenzhen", country="CHN"),
        SiteRecord("r3", "Unknown Works", "", "Brno", country="CZE"),
    ]
    assert match_records(records, REGISTRY) == match_records(records, list(reversed(REGISTRY)))


def test_an_index_on_disk_is_reopened_without_reading_the_sites_again(tmp_path):
    # given
    path = tmp_path / "registry.duckdb"
    SiteIndex.build(REGISTRY, path=path).close()
    # when
    index = SiteIndex.open(path)
    (result,) = index.match(
        [SiteRecord("r1", "Zollner Elektronik", "Ipari Park 12", "Zalaegerszeg", country="HUN")]
    )
    index.close()
    # then
    assert (index.size, result.status, result.site_key) == (6, "auto", "S6")


def test_confirmed_pairs_recalibrate_the_weights():
    # given
    pairs = [(SiteRecord("r", "Jabil Circuit Penang", "", "", country="MYS"), REGISTRY[4], True)] * 50
    # when
    parameters = estimate_parameters(pairs, base_pairs=10)
    # then: the pairs had no city on one side, so 'missing' stays neutral and the name's exact level gains
    assert parameters.pairs == shipped_parameters().pairs + 50
    assert parameters.level("name", "exact").m > shipped_parameters().level("name", "exact").m


def test_the_shipped_parameters_cover_every_level_and_say_where_they_come_from():
    from hrdd.domain.sitematch.model import COMPARISONS

    parameters = shipped_parameters()
    assert "train.py" in parameters.source
    for _title, comparison, levels in COMPARISONS:
        assert set(parameters.levels[comparison]) == {label for label, _sql, _null in levels}
