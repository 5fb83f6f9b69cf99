"""Labelled evaluation of site matching (issue 11), beside two baselines measured in the same run.

Generates a registry and an incoming list (generate.py, seed 11 by default: not the training seed), writes them
as the CSV files `hrdd sites match` reads, then streams the registry file into a `SiteIndex` (normalisation in
`--workers` processes), matches the incoming records, and scores the automatic links against the truth:

- precision, recall and F1 of the automatic links (a link is right when it names the record's true site; recall
  counts the records the registry holds), the share sent to review, wrong links per hard-negative kind;
- records per second of the matching (index built beforehand, as an installation keeps it), the time to build
  the index, and the peak resident memory of the process and of its worker processes;
- baseline "exact": hrdd's first engine, exact normalised name and country (match_exact_names);
- baseline "rapidfuzz": the best rapidfuzz WRatio of the normalised name within the country (auto from 90,
  review from 75), on a sample of `--baseline-sample` records when the registry is large (it compares each record
  with every site of its country).

    .venv/bin/python benchmarks/site_matching/evaluate.py --registry 10000 --incoming 2000
    .venv/bin/python benchmarks/site_matching/evaluate.py --registry 1000000 --incoming 20000 --workers 2
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate, write  # noqa: E402

from hrdd.domain.countries import resolve_country  # noqa: E402
from hrdd.domain.sitematch import MatchResult, SiteIndex, SiteRecord, match_exact_names  # noqa: E402
from hrdd.domain.sitematch.normalise import normalise_site  # noqa: E402

TARGETS = {"precision": 0.98, "f1": 0.95, "review": 0.10, "records_per_s": 2000, "peak_gib": 4.0}


def _countries() -> dict[str, str]:
    cache: dict[str, str] = {}

    def get(value: str) -> str:
        if value not in cache:
            cache[value] = resolve_country(value)
        return cache[value]

    return get  # type: ignore[return-value]


def registry_records(path: Path) -> Iterator[SiteRecord]:
    country = _countries()
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            yield SiteRecord(row["site_id"], row["name"], row["address"], row["city"],
                             country=country(row["country_iso2"]), group=row["parent_group"])  # type: ignore[operator]  # fmt: skip


def incoming_records(path: Path) -> list[SiteRecord]:
    country = _countries()
    with path.open(encoding="utf-8", newline="") as f:
        return [SiteRecord(r["record_id"], r["name"], r["address"], r["city"], country=country(r["country"]))  # type: ignore[operator]
                for r in csv.DictReader(f)]  # fmt: skip


def score(results: Sequence[MatchResult], truth: dict[str, tuple[str, str]]) -> dict[str, float | str]:
    right = wrong = 0
    wrong_kinds: Counter[str] = Counter()
    review = sum(r.status == "review" for r in results)
    for r in results:
        if r.status != "auto":
            continue
        if r.site_key == truth[r.record_key][0]:
            right += 1
        else:
            wrong += 1
            wrong_kinds[truth[r.record_key][1]] += 1
    known = sum(1 for r in results if truth[r.record_key][0])
    precision = right / (right + wrong) if right + wrong else 1.0
    recall = right / known if known else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "review": review / len(results),
        "wrong links by kind": ", ".join(f"{k} {n}" for k, n in sorted(wrong_kinds.items())) or "none",
    }


def rapidfuzz_baseline(index: SiteIndex, records: Sequence[SiteRecord]) -> list[MatchResult]:
    from rapidfuzz import fuzz, process

    by_country: dict[str, tuple[list[str], list[str]]] = {}
    for key, country, name in index._con.execute(
        "SELECT unique_id, country, name FROM registry_sites WHERE NOT contains(unique_id, chr(31))"
    ).fetchall():
        names, keys = by_country.setdefault(country, ([], []))
        names.append(name)
        keys.append(key)
    results = []
    for record in records:
        name = normalise_site(key=record.key, name=record.name, city=record.city, country=record.country).name
        names, keys = by_country.get(record.country, ([], []))
        best = process.extractOne(name, names, scorer=fuzz.WRatio, score_cutoff=75) if names else None
        if best is None:
            results.append(MatchResult(record.key, "new", None, 0.0, ""))
            continue
        _, value, position = best
        status = "auto" if value >= 90 else "review"
        results.append(MatchResult(record.key, status, keys[position], value / 100, ""))
    return results


def _peak_gib() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024
    return own, children


def _line(name: str, metrics: dict[str, float | str], extra: str = "") -> str:
    return (
        f"{name:<22} precision {metrics['precision']:.4f}  recall {metrics['recall']:.4f}  F1 {metrics['f1']:.4f}  "
        f"review {metrics['review']:.1%}  wrong links: {metrics['wrong links by kind']}{extra}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--registry", type=int, default=10_000)
    parser.add_argument("--incoming", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workers", type=int, default=2, help="processes normalising the registry")
    parser.add_argument(
        "--baseline-sample", type=int, default=2_000, help="records the rapidfuzz baseline reads"
    )
    parser.add_argument(
        "--data", type=Path, help="folder for the generated CSV files (default: a temporary one)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        data = args.data or Path(tmp)
        start = time.perf_counter()
        registry, incoming, truth_rows = generate(args.registry, args.incoming, args.seed)
        write(data, registry, incoming, truth_rows)
        del registry, incoming
        print(f"generated {args.registry:,} sites and {args.incoming:,} incoming records (seed {args.seed}) "
              f"in {time.perf_counter() - start:.1f} s; kinds: "
              + ", ".join(f"{k} {n}" for k, n in sorted(Counter(k for _r, _s, k in truth_rows).items())))  # fmt: skip
        truth = {record_id: (site_id, kind) for record_id, site_id, kind in truth_rows}
        records = incoming_records(data / "incoming.csv")

        start = time.perf_counter()
        index = SiteIndex.build(registry_records(data / "registry.csv"), workers=args.workers)
        build_s = time.perf_counter() - start
        start = time.perf_counter()
        results = index.match(records)
        match_s = time.perf_counter() - start
        own, children = _peak_gib()
        rate = len(records) / match_s
        metrics = score(results, truth)
        print(f"index built from the CSV file in {build_s:.1f} s ({index.size / build_s:,.0f} sites/s, "
              f"{args.workers} worker processes)")  # fmt: skip
        print(f"matched {len(records):,} records in {match_s:.2f} s: {rate:,.0f} records/s")
        print(f"peak resident memory: {own:.2f} GiB (this process), {children:.2f} GiB (largest worker)")
        print(_line("splink (hrdd)", metrics))

        start = time.perf_counter()
        exact = match_exact_names(records, registry_records(data / "registry.csv"))
        exact_s = time.perf_counter() - start
        print(_line("baseline exact", score(exact, truth), f"  ({len(records) / exact_s:,.0f} records/s)"))

        sample = records
        if len(records) > args.baseline_sample:
            sample = random.Random(args.seed).sample(records, args.baseline_sample)
        start = time.perf_counter()
        fuzzy = rapidfuzz_baseline(index, sample)
        fuzzy_s = time.perf_counter() - start
        note = f"  ({len(sample) / fuzzy_s:,.0f} records/s" + (
            f", on a sample of {len(sample):,})" if sample is not records else ")"
        )
        print(_line("baseline rapidfuzz", score(fuzzy, truth), note))
        index.close()

        verdicts = [
            ("precision", metrics["precision"] >= TARGETS["precision"]),  # type: ignore[operator]
            ("F1", metrics["f1"] >= TARGETS["f1"]),  # type: ignore[operator]
            ("review share", metrics["review"] < TARGETS["review"]),  # type: ignore[operator]
            ("records/s", rate >= TARGETS["records_per_s"]),
            ("peak memory", max(own, children) < TARGETS["peak_gib"]),
        ]
        print("targets: " + ", ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in verdicts))


if __name__ == "__main__":
    main()
