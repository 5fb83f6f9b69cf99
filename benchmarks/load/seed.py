"""Seed the load benchmark's database through `hrdd.demo.load_scale`, with the sizes `hrdd demo --scale N` cannot
choose: how many further buyer organisations, how many contracts each, how often a large site list occurs, and how
many suppliers each further buyer has invited to an open consultation (the load's invitees).

Run by run.py after `hrdd migrate` and `hrdd demo`, with the benchmark's environment (DATABASE_URL or HRDD_VAR_DIR,
DJANGO_SETTINGS_MODULE=bench_settings). Prints what it added as JSON, and its progress on stderr.

    python benchmarks/load/seed.py --demo-contracts 235 --buyers 196 --contracts-per-buyer 9 --large-every 16

Everything goes through the services, as `hrdd demo --scale` does, but for one thing: a stored site list's rows
are matched into the site registry (hrdd.supplier_sites) by the background task that lists of more than 500 rows
get (queued, not run: the benchmark runs no task worker), not within the submission's transaction. Matching a list
reads the registry's sites of every country it names, and every list adds its new sites to the registry: seeded
one after another, 2,000 contracts' lists take hours (each small list costs more than the last). No page the load
opens reads the registry; the submissions and their production sites are stored as a supplier's upload stores
them. --match-sites-now keeps the matching in the transaction (the slow path, for small seeds).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from unittest import mock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")

from hrdd.cli.common import site_language  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--demo-contracts", type=int, required=True, help="contracts added to the demo buyer")
    parser.add_argument(
        "--buyers", type=int, help="further buyer organisations (default: demo contracts / 10)"
    )
    parser.add_argument("--contracts-per-buyer", type=int, default=10)
    parser.add_argument(
        "--large-every", type=int, default=1000, help="a large site list every N demo contracts"
    )
    parser.add_argument("--large-sites", type=int, default=5000, help="rows of a large site list")
    parser.add_argument("--invitations", type=int, default=0, help="open invitations per further buyer")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--match-sites-now",
        action="store_true",
        help="match every site list into the registry as it is stored (lists up to 500 rows), as a supplier's "
        "upload does; by default the matching is queued as for longer lists (see the module)",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    last = [started]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if done % 100 == 0 or done == total or now - last[0] > 60:
            last[0] = now
            print(
                f"  seeded {done:,} of {total:,} contracts in {now - started:,.0f} s",
                file=sys.stderr,
                flush=True,
            )

    with site_language(), contextlib.ExitStack() as stack:
        from hrdd.demo import load_scale
        from hrdd.supplier_sites import services as registry

        if not args.match_sites_now:
            stack.enter_context(mock.patch.object(registry, "SUBMISSION_MATCH_IN_REQUEST_MAX", 0))
        added = load_scale(
            args.demo_contracts,
            seed=args.seed,
            large_sites=args.large_sites,
            large_every=args.large_every,
            buyers=args.buyers,
            contracts_per_buyer=args.contracts_per_buyer,
            invitations=args.invitations,
            progress=progress,
        )
    json.dump(
        {
            "contracts": added.contracts,
            "organisations": added.organisations,
            "submissions": added.submissions,
            "sites": added.sites,
            "requests": added.requests,
            "seconds": round(time.perf_counter() - started, 1),
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
