"""Train the shipped parameters of site matching (hrdd/domain/sitematch/parameters.json) on synthetic labelled
pairs: a registry and an incoming list from generate.py with a seed of their own (never the evaluation's), every
candidate pair blocking finds, labelled by the generator's truth, counted level by level
(hrdd.domain.sitematch.index.estimate_parameters). Deterministic: the same seed writes the same file.

    .venv/bin/python benchmarks/site_matching/train.py            # writes the package's parameters.json
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate, registry_rows  # noqa: E402

from hrdd.domain.countries import resolve_country  # noqa: E402
from hrdd.domain.sitematch import SiteRecord  # noqa: E402
from hrdd.domain.sitematch.index import estimate_parameters  # noqa: E402
from hrdd.domain.sitematch.model import neutral_parameters, parameters_path  # noqa: E402

TRAIN_SEED = 1001


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--registry", type=int, default=30_000)
    parser.add_argument("--incoming", type=int, default=15_000)
    parser.add_argument("--seed", type=int, default=TRAIN_SEED)
    parser.add_argument("--out", type=Path, default=parameters_path())
    parser.add_argument("--random-pairs", type=int, default=10, help="random same-country sites per record")
    parser.add_argument("--share-known", type=float, default=0.5)
    args = parser.parse_args()
    start = time.perf_counter()
    registry, incoming, truth = generate(args.registry, args.incoming, args.seed)
    sites = {
        row["site_id"]: SiteRecord(
            row["site_id"],
            row["name"],
            row["address"],
            row["city"],
            country=resolve_country(row["country_iso2"]),
        )  # fmt: skip
        for row in registry_rows(registry)
    }
    records = [
        SiteRecord(r["record_id"], r["name"], r["address"], r["city"], country=resolve_country(r["country"]))
        for r in incoming
    ]
    true_site = {record_id: site_id for record_id, site_id, _kind in truth}
    # m: every known record with its true site; u: random pairs of a record and a site of the same country
    rng = random.Random(args.seed)
    by_country: dict[str, list[SiteRecord]] = {}
    for site in sites.values():
        by_country.setdefault(site.country, []).append(site)
    pairs = []
    for record in records:
        if true_site[record.key]:
            pairs.append((record, sites[true_site[record.key]], True))
        for site in rng.sample(
            by_country[record.country], min(args.random_pairs, len(by_country[record.country]))
        ):
            if site.key != true_site[record.key]:
                pairs.append((record, site, False))
    parameters = estimate_parameters(
        pairs,
        base=neutral_parameters(),
        base_pairs=2.0,
        share_known=args.share_known,
        source=(
            f"benchmarks/site_matching/train.py: m counted on the {sum(p[2] for p in pairs):,} true pairs and u on "
            f"{sum(not p[2] for p in pairs):,} random same-country pairs of {len(records):,} synthetic incoming "
            f"records and {len(sites):,} synthetic sites (generator seed {args.seed}, not the evaluation's); "
            f"Laplace-smoothed; share_known set by hand, conservatively below the generator's 0.7"
        ),
    )
    args.out.write_text(parameters.to_json(), encoding="utf-8")
    print(
        f"{len(pairs):,} labelled pairs, {sum(p[2] for p in pairs):,} true; wrote {args.out} in "
        f"{time.perf_counter() - start:.1f} s"
    )
    for comparison, levels in parameters.levels.items():
        print(comparison, {label: round(p.weight, 2) for label, p in levels.items()})


if __name__ == "__main__":
    main()
