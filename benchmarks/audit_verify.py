"""How fast `hrdd audit verify` walks the audit log's hash chain, and the memory it holds doing so.

    .venv/bin/python benchmarks/audit_verify.py                 # 50,000 events
    .venv/bin/python benchmarks/audit_verify.py --n 200000 --repeat 1

On a throwaway database (Django's test database: in-memory SQLite by default, `test_<name>` on PostgreSQL when
DATABASE_URL is set) it appends `--n` events with before and after states the size of a company's, through
`bulk_create` (sealed into the chain right after it commits, as every writer's events are), then times `audit_chain_verify`: one query streamed
CHUNK rows at a time, each event's SHA-256 taken again over its canonical form and its link checked. Reports
events per second and the peak resident memory (it must not grow with the number of events).

Last results (issue 17, 50,000 events, 2 cores shared with several other jobs):
  SQLite in memory: verify 4,800 events/s before reading stored JSON without a round trip, 6,900 after;
                    appending (bulk_create, chained) 1,500-1,800 events/s; peak RSS 175 MiB, the same after the walks
  PostgreSQL:       verify 8,300 events/s (2,600 in a run under heavier load); appending 1,060 events/s;
                    peak RSS 147 MiB, the same after the walks
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BATCH = 2000


def state(n: int) -> dict[str, object]:
    return {
        "legal_name": f"Supplier {n} Manufacturing Co., Ltd.",
        "other_names": [f"Supplier {n}", f"SUP{n:05d}"],
        "kind": "supplier",
        "country_iso3": "VNM",
        "website": f"https://supplier{n}.example",
        "registration_number": f"NL{n:09d}B01",
        "score": n / 7,
        "parent": None,
    }


def seed(n: int) -> float:
    """Append `n` chained events; return the seconds it took (the writers' cost of the chain included)."""
    from hrdd.audit.models import AuditEvent

    started = time.perf_counter()
    for first in range(0, n, BATCH):
        AuditEvent.objects.bulk_create(
            AuditEvent(
                actor_label="benchmark",
                action="company.update",
                target_type="companies.company",
                target_id=str(i),
                before=state(i),
                after=state(i + 1),
            )
            for i in range(first, min(n, first + BATCH))
        )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=50_000, help="events (default 50,000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed walks (the fastest is reported)")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    from hrdd.audit.selectors import audit_chain_verify

    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        print(f"throwaway database: {connection.vendor} {name}")
        written = seed(args.n)
        print(f"appended {args.n:,} chained events in {written:.1f} s ({args.n / written:,.0f} events/s)")
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        best = None
        for _ in range(args.repeat):
            started = time.perf_counter()
            report = audit_chain_verify()
            elapsed = time.perf_counter() - started
            assert report.intact and report.events == args.n, report
            print(
                f"verified {report.events:,} events in {elapsed:.2f} s ({report.events / elapsed:,.0f} events/s)"
            )
            best = elapsed if best is None else min(best, elapsed)
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"fastest walk {args.n / best:,.0f} events/s; peak RSS {rss_before:.0f} MiB after seeding, "
            f"{rss_after:.0f} MiB after the walks"
        )
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
