"""The recorded prediction plan (plan.py), the thread's connection and the short cuts give exactly what Splink
itself gives: the same rows and the same decisions, on a varied generated sample (benchmarks' generator)."""

import random
import sys
import threading
from collections import defaultdict
from pathlib import Path

import pytest

from hrdd.domain.countries import resolve_country
from hrdd.domain.sitematch import (
    Decisions,
    SiteIndex,
    SiteRecord,
    Thresholds,
    match_records,
    record_fingerprint,
)
from hrdd.domain.sitematch import index as index_module
from hrdd.domain.sitematch import plan as plan_module
from hrdd.domain.sitematch.index import _arrow_table, normalise_record

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks" / "site_matching"))
from generate import generate, registry_rows  # noqa: E402


@pytest.fixture(scope="module")
def sample():
    registry, incoming, _truth = generate(400, 160, seed=2024)
    sites = [
        SiteRecord(r["site_id"], r["name"], r["address"], r["city"], country=resolve_country(r["country_iso2"]) or "",
                   group=r["parent_group"])
        for r in registry_rows(registry)
    ]  # fmt: skip
    records = [
        SiteRecord(
            r["record_id"], r["name"], r["address"], r["city"], country=resolve_country(r["country"]) or ""
        )
        for r in incoming
    ]
    # a site with other names (alias rows), a record without a country, one of a country the registry lacks
    sites.append(SiteRecord("SX1", "Kaixin Precision", "8 Gaoxin Road", "Suzhou", country="CHN",
                            other_names=("凯鑫精密", "KX Precision Suzhou")))  # fmt: skip
    records += [
        SiteRecord("RX1", "KX Precision Suzhou Co Ltd", "8 Gaoxin Rd", "Suzhou", country="CHN"),
        SiteRecord("RX2", "Kaixin Precision", "", "", country=""),
        SiteRecord("RX3", "Kaixin Precision", "", "Lyon", country="FRA"),
    ]
    return sites, records


def _splink_score_pairs(self, incoming):
    """score_pairs as it was before the plan: Splink set up for the index and called for every list."""
    table = _arrow_table([normalise_record(r) for r in incoming], "incoming")
    with self._lock:
        self._calls += 1
        found = self._score_with_splink(table)
    by_record = defaultdict(list)
    for row in found:
        by_record[str(row["unique_id_l"])].append(row)
    return by_record


@pytest.fixture
def splink_itself(monkeypatch):
    """A function matching as the engine did before: every UPDATE of the build run, Splink called each time."""

    def match(incoming, registry, **kwargs):
        with monkeypatch.context() as m:
            m.setattr(index_module, "_may_be_common", lambda rows: (True, True))
            m.setattr(SiteIndex, "score_pairs", _splink_score_pairs)
            index = SiteIndex.build(registry)
            try:
                return index.match(incoming, **kwargs)
            finally:
                index.close()

    return match


def _decisions(sites, records, rng):
    pairs = {}
    for record in rng.sample(records, 12):
        pairs[(record_fingerprint(record), rng.choice(sites).key)] = rng.random() < 0.5
    return Decisions(pairs)


def test_the_plan_is_recorded_for_the_shipped_parameters():
    plan = plan_module.prediction_plan(index_module.shipped_parameters(), index_module.FLOOR_WEIGHT)
    assert plan is not None and len(plan.statements) == 2
    assert plan_module.PRIOR_SLOT in plan.statements[1]
    assert plan.prior_literal(0.5) == "cast(0.0 as float8)"  # log2(1): as Splink prints the prior


def test_lists_of_any_size_get_splinks_own_results(sample, splink_itself):
    sites, records = sample
    rng = random.Random(7)
    countries = sorted({s.country for s in sites})
    cases = []
    for size in (1, 1, 3, 17, 50, len(records)):
        chunk = rng.sample(records, min(size, len(records)))
        cases.append((chunk, sites))
    # a registry of a few countries, a small one, and lists whose countries it lacks
    few = [s for s in sites if s.country in countries[:3]]
    cases += [(rng.sample(records, 40), few), (rng.sample(records, 30), sites[:15]), (records[-2:], sites)]
    for i, (chunk, registry) in enumerate(cases):
        decisions = _decisions(registry, chunk + records[:20], rng) if i % 2 else None
        thresholds = Thresholds(auto=0.95, review=0.3) if i % 3 == 2 else None
        expected = splink_itself(chunk, registry, decisions=decisions, thresholds=thresholds)
        got = match_records(chunk, registry, decisions=decisions, thresholds=thresholds)
        assert got == expected, f"case {i}"
    statuses = {r.status for r in match_records(records, sites)}
    assert statuses == {"auto", "review", "new"}  # the sample is varied enough to test something


def test_the_rows_themselves_are_splinks(sample):
    sites, records = sample
    index = SiteIndex.build(sites)
    try:
        assert index._plan is not None
        planned = index.score_pairs(records)
        splink = _splink_score_pairs(index, records)
    finally:
        index.close()
    assert sum(map(len, planned.values())) > 100  # many pairs compared, not a vacuous check

    def canon(by_record):
        return {
            k: sorted(rows, key=lambda r: (str(r["unique_id_r"]), str(r["match_key"])))
            for k, rows in by_record.items()
        }

    assert canon(planned) == canon(splink)


def test_an_empty_registry_or_other_countries_give_new_without_splink(sample, monkeypatch):
    _sites, records = sample
    monkeypatch.setattr(plan_module.PredictionPlan, "run", lambda *a: pytest.fail("no SQL for no candidate"))
    monkeypatch.setattr(SiteIndex, "_score_with_splink", lambda *a: pytest.fail("no Splink for no candidate"))
    results = match_records(records[:5], [])
    assert [r.status for r in results] == ["new"] * 5 and all(r.candidates == () for r in results)
    results = match_records(records[:5], [SiteRecord("S1", "Anything", country="ZZZ")])
    assert [r.status for r in results] == ["new"] * 5


def test_without_a_plan_splink_is_called_as_before(sample, monkeypatch):
    sites, records = sample
    expected = match_records(records[:30], sites)
    monkeypatch.setattr(index_module, "prediction_plan", lambda *a: None)
    assert match_records(records[:30], sites) == expected


def test_threads_match_at_the_same_time(sample):
    sites, records = sample
    expected = {i: match_records(records[i * 10 : i * 10 + 10], sites) for i in range(4)}
    got = {}

    def work(i):
        for _ in range(3):
            got[i] = match_records(records[i * 10 : i * 10 + 10], sites)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == expected


def test_a_registry_that_matches_while_it_is_read_gets_its_own_connection(sample):
    sites, records = sample

    def registry():
        # the thread's connection is busy: this inner call opens one of its own
        assert match_records(records[:2], sites[:50]) == match_records(records[:2], sites[:50])
        yield from sites

    assert match_records(records[:10], registry()) == match_records(records[:10], sites)
