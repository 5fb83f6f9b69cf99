"""Smelter-list consolidation at scale: many suppliers' templates read into one organisation's supply chain.

    .venv/bin/python benchmarks/rmi_consolidate.py                       # 200 suppliers, 2,000 facilities
    .venv/bin/python benchmarks/rmi_consolidate.py --suppliers 50 --repeat 10
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/rmi_consolidate.py

On a throwaway database (Django's test database) it draws an RMI-like facility pool (`--facilities`, spread over
tin, tantalum, tungsten, gold, cobalt and nickel, each with a CID, a country and an RMAP status), builds one
template-shaped workbook per supplier (CMRT 6.5 or EMRT 2.1 from ../shared/reference/rmi; no RMI file) naming
40-300 facilities of the pool (a tenth typed as "Smelter not listed" without a CID), and then measures:
- reading every upload as the background task does (`services.upload_read`: read, match into the site registry,
  store, consolidate again), per upload and in total;
- one full consolidation (`consolidation_rebuild`) at the final size, and its peak Python memory;
- importing the facility list as CSV (parse, store, consolidate again);
- the smelters page (all metals, and the cobalt question), the campaigns and campaign pages and both exports:
  median and 95th percentile over `--repeat` requests through Django's test client, and their query counts.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CMRT_METALS = ("Gold", "Tantalum", "Tin", "Tungsten")
EMRT_METALS = ("Cobalt", "Nickel")
COUNTRIES = (
    "CHINA",
    "CONGO, DEMOCRATIC REPUBLIC OF THE",
    "INDONESIA",
    "JAPAN",
    "BELGIUM",
    "RWANDA",
    "PERU",
    "KOREA, REPUBLIC OF",
    "UNITED STATES OF AMERICA",
    "GERMANY",
)
STATUSES = ("Conformant", "Conformant", "Active", "", "Non-Conformant")


def facility_pool(count: int, rng: random.Random) -> list[dict[str, str]]:
    metals = CMRT_METALS + EMRT_METALS
    return [
        {
            "cid": f"CID{n:06d}",
            "metal": metals[n % len(metals)],
            "name": f"{metals[n % len(metals)]} Works {n} Co., Ltd.",
            "country": rng.choice(COUNTRIES),
            "status": rng.choice(STATUSES),
        }
        for n in range(1, count + 1)
    ]


def supplier_workbook(pool: list[dict[str, str]], index: int, rng: random.Random) -> tuple[str, bytes, int]:
    from tests.domain.rmi.workbooks import build

    key, metals = ("EMRT 2.1", EMRT_METALS) if index % 3 == 0 else ("CMRT 6.5", CMRT_METALS)
    candidates = [f for f in pool if f["metal"] in metals]
    rows = []
    for facility in rng.sample(candidates, min(len(candidates), rng.randint(40, 300))):
        if rng.random() < 0.1:
            rows.append(
                {
                    "metal": facility["metal"],
                    "lookup": "Smelter not listed",
                    "name": facility["name"].upper(),
                    "country": facility["country"],
                }
            )
        else:
            rows.append(
                {
                    "metal": facility["metal"],
                    "lookup": "Smelter not listed",
                    "name": facility["name"],
                    "country": facility["country"],
                    "cid": facility["cid"],
                }
            )
    return key, build(key, smelters=rows, products=[("P-1", "Laptop")]), len(rows)


def facility_csv(pool: list[dict[str, str]]) -> bytes:
    lines = ["Facility ID,Standard Facility Name,Metal,Country Location,Assessment Status"]
    for f in pool:
        lines.append(f'{f["cid"]},"{f["name"]}",{f["metal"]},"{f["country"].title()}",{f["status"]}')
    return ("\n".join(lines) + "\n").encode()


def time_page(client, url: str, repeat: int) -> tuple[float, float, int, int]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: the first request after login reads the session and user, as every later one does
    connection.queries_log.clear()  # a full log (9,000 entries) would make the captured slice empty
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url)
    if os.environ.get("RMI_BENCH_SQL"):
        for q in queries.captured_queries:
            print("    ", q["sql"][:150])
    assert answer.status_code == 200, (url, answer.status_code)
    size = len(answer.content)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], len(queries), size


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--suppliers", type=int, default=200)
    parser.add_argument("--facilities", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()

    from tests.domain.rmi.workbooks import FACTS

    if FACTS is None:
        sys.stderr.write("../shared/reference/rmi is absent: cannot build the workbooks\n")
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    rng = random.Random(args.seed)
    pool = facility_pool(args.facilities, rng)
    started = time.perf_counter()
    workbooks = [supplier_workbook(pool, i, rng) for i in range(args.suppliers)]
    rows_total = sum(n for _k, _c, n in workbooks)
    print(
        f"{args.suppliers} suppliers' templates built in {time.perf_counter() - started:.1f} s: "
        f"{rows_total:,} smelter rows ({min(n for *_x, n in workbooks)}-{max(n for *_x, n in workbooks)} "
        f"per file), facility pool {len(pool):,}"
    )
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from hrdd.accounts.models import Organisation, User
        from hrdd.rmi import services
        from hrdd.rmi.models import ConsolidatedSmelter
        from hrdd.rmi.tasks import read_bytes

        organisation = Organisation.objects.create(
            name="RMI benchmark company", kind=Organisation.Kind.COMPANY
        )
        buyer = User.objects.create_user(
            email="buyer@rmi-benchmark.example",
            password="x",
            organisation=organisation,
            role=User.Role.SOURCING_MANAGER,
        )
        print(f"throwaway database: {connection.vendor} {name}")
        campaign = services.campaign_create(actor=buyer, title="Smelter lists 2025")
        requests = [
            services.request_add(actor=buyer, campaign=campaign, supplier_name=f"Supplier {i:03d} Ltd")
            for i in range(args.suppliers)
        ]
        per_upload = []
        started = time.perf_counter()
        for request, (key, content, _n) in zip(requests, workbooks, strict=True):
            upload = services.upload_create(request=request, filename=f"{key}.xlsx", content=content)
            t0 = time.perf_counter()
            services.upload_read(upload, read=read_bytes)
            per_upload.append(time.perf_counter() - t0)
        total = time.perf_counter() - started
        smelters = ConsolidatedSmelter.objects.filter(organisation=organisation).count()
        print(
            f"\nreading {args.suppliers} uploads as the background task does (read, match, store, consolidate): "
            f"{total:.1f} s; per upload median {statistics.median(per_upload):.2f} s, first {per_upload[0]:.2f} s, "
            f"last 10 median {statistics.median(per_upload[-10:]):.2f} s"
        )
        print(f"consolidated smelters: {smelters:,}")
        tracemalloc.start()
        t0 = time.perf_counter()
        services.consolidation_rebuild(organisation=organisation)
        rebuild = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"one consolidation of {rows_total:,} rows into {smelters:,} smelters: {rebuild:.2f} s "
            f"(under tracemalloc), peak Python memory {peak / 2**20:.1f} MB"
        )
        t0 = time.perf_counter()
        services.facility_list_import(actor=buyer, filename="facilities.csv", content=facility_csv(pool))
        print(
            f"facility list of {len(pool):,} imported and consolidated again: {time.perf_counter() - t0:.2f} s"
        )
        conformant = ConsolidatedSmelter.objects.filter(organisation=organisation, rmap="conformant").count()
        print(f"RMAP conformant after the import: {conformant:,}")

        client = Client()
        client.force_login(buyer)
        pages = {
            "smelters (all metals)": "/smelters/",
            "smelters: cobalt conformant": "/smelters/?metal=Cobalt&rmap=conformant",
            "smelters: cobalt, page 3": "/smelters/?metal=Cobalt&page=3",
            "campaigns": "/smelters/campaigns/",
            f"campaign ({args.suppliers} suppliers)": campaign.get_absolute_url(),
            "supplier request": requests[0].get_absolute_url(),
            "export xlsx (all)": "/smelters/export.xlsx",
            "smelter list (EMRT)": "/smelters/smelter-list.xlsx?template=EMRT",
        }
        print(f"\npages ({args.repeat} requests each, Django test client):")
        for label, url in pages.items():
            median, p95, queries, size = time_page(client, url, args.repeat)
            print(
                f"  {label:30} median {median:8.1f} ms  p95 {p95:8.1f} ms  {queries:3} queries  "
                f"{size / 1024:7.0f} KB"
            )
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nmaximum resident size of the process: {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
