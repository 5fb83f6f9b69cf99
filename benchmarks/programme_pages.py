"""How long a company's responsible-sourcing pages take, and how many queries they read, as its suppliers grow.

    .venv/bin/python benchmarks/programme_pages.py                        # 10, 1,000 and 5,000 suppliers
    .venv/bin/python benchmarks/programme_pages.py --sizes 10,2000 --repeat 10

On a throwaway database (Django's test database: in-memory SQLite by default, `test_<name>` on PostgreSQL when
DATABASE_URL is set) it gives one company organisation an IXM programme (made by the service, as a user would) and
N supplier companies written in bulk: each with a sourcing link and a stored tier (a third high), a completed
assessment for every third, a Copper Mark for every fourth, an enrolment for every tenth, a child-labour case and
an incident for every tenth. Then it requests each page `--repeat` times through Django's test client (no HTTP
server: the page's own cost) and prints the median and 95th percentile in milliseconds and the query count, which
must not grow with N. Last, it times `tiers_refresh` (the suppliers page's "Compute every tier again", run inside
the request, now a background task) over all N suppliers.

Last result (2026-11-30, 2-core VM, in-memory SQLite, median of 10):

    suppliers            10        1,000     5,000     queries
    overview             7.8 ms    8.0 ms    9.4 ms    16
    programme dashboard  16.2 ms   24.1 ms   53.6 ms   28  (six KPIs, each for five years)
    KPI page             8.6 ms    23.0 ms   78.7 ms   11  (high-risk suppliers assessed: 1,667 records listed)
    suppliers            9.0 ms    12.3 ms   14.5 ms   7
    certifications       9.6 ms    12.7 ms   14.9 ms   8
    child-labour cases   8.2 ms    14.9 ms   19.4 ms   11
    public page          15.8 ms   24.2 ms   55.1 ms   27
    tiers_refresh over 5,000 suppliers: 13.0 s (2.6 ms a supplier)

Before two computations were made to count in the database (the high-risk share read every high-tier row with a
subquery that SQLite answered by scanning the organisation's assessments for each row; the Copper Mark share read
every supplier): the dashboard took 16.7 / 84.7 / 811 ms and the KPI page 9.1 / 60.8 / 1,061 ms at 10 / 1,000 /
5,000 suppliers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def seed(organisation, start: int, count: int) -> None:  # type: ignore[no-untyped-def]
    """Add suppliers numbered `start` to `start + count - 1`, with their records, in bulk."""
    from django.utils import timezone

    from hrdd.companies.models import Company
    from hrdd.domain.companies import normalise_company_name
    from hrdd.incidents.models import Incident
    from hrdd.programmes.models import (
        Certification,
        ChildLabourCase,
        DiligenceAssessment,
        Enrolment,
        SourcingLink,
        SupplierTier,
        Tier,
    )

    today = timezone.localdate()
    now = timezone.now()
    numbers = range(start, start + count)
    companies = Company.objects.bulk_create(
        Company(
            organisation=organisation,
            legal_name=f"Supplier {n:05d} SARL",
            normalised_name=normalise_company_name(f"Supplier {n:05d} SARL"),
            country_iso3="COD" if n % 3 == 0 else "ZMB",
        )
        for n in numbers
    )
    SourcingLink.objects.bulk_create(
        SourcingLink(
            company=c,
            material="cobalt" if n % 3 == 0 else "copper",
            country_iso3=c.country_iso3,
            is_asm=n % 5 == 0,
        )
        for n, c in zip(numbers, companies, strict=True)
    )
    SupplierTier.objects.bulk_create(
        SupplierTier(
            organisation=organisation,
            company=c,
            tier=Tier.HIGH if n % 3 == 0 else Tier.STANDARD,
            computed_tier=Tier.HIGH if n % 3 == 0 else Tier.STANDARD,
            reasons=[{"code": "cahra", "text": "sources from a listed area", "source": "EU CAHRA list"}],
            computed_at=now,
        )
        for n, c in zip(numbers, companies, strict=True)
    )
    DiligenceAssessment.objects.bulk_create(
        DiligenceAssessment(
            organisation=organisation,
            company=c,
            framework_key="oecd-minerals-five-steps",
            framework_version="2016",
            stage="during",
            status="completed",
            assessed_on=today - dt.timedelta(days=n % 400),
            score=20,
            max_score=29,
        )
        for n, c in zip(numbers, companies, strict=True)
        if n % 3 == 0
    )
    Certification.objects.bulk_create(
        Certification(
            organisation=organisation,
            company=c,
            scheme="copper_mark",
            status="awarded",
            valid_from=today - dt.timedelta(days=300),
            valid_until=today + dt.timedelta(days=n % 500),
        )
        for n, c in zip(numbers, companies, strict=True)
        if n % 4 == 0
    )
    Enrolment.objects.bulk_create(
        Enrolment(
            organisation=organisation,
            company=c,
            goal="Copper Mark",
            enrolled_on=today - dt.timedelta(days=90),
        )
        for n, c in zip(numbers, companies, strict=True)
        if n % 10 == 0
    )
    ChildLabourCase.objects.bulk_create(
        ChildLabourCase(
            organisation=organisation,
            reference=f"CASE-{n:05d}",
            company=c,
            country_iso3="COD",
            age_band="under_15",
            identified_on=today - dt.timedelta(days=100),
            remediation_partner="Partner",
            status="supported",
            supported_on=today - dt.timedelta(days=50),
        )
        for n, c in zip(numbers, companies, strict=True)
        if n % 10 == 0
    )
    Incident.objects.bulk_create(
        Incident(organisation=organisation, title=f"Allegation {n}", source="ngo", company=c)
        for n, c in zip(numbers, companies, strict=True)
        if n % 10 == 0
    )


def time_page(client, url: str, repeat: int) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    """Median and 95th percentile (ms) of `repeat` requests, and the query count of one."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # caches warm
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url)
    if answer.status_code != 200:
        raise RuntimeError(f"{url} answered {answer.status_code}")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10,1000,5000", help="suppliers, comma-separated, growing")
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per page")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS = ["*"]
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    grew = False
    try:
        from hrdd.accounts.models import Organisation, User
        from hrdd.programmes.diligence import tiers_refresh
        from hrdd.programmes.models import Programme
        from hrdd.programmes.services import programme_create

        organisation = Organisation.objects.create(name="Benchmark trader", kind=Organisation.Kind.COMPANY)
        manager = User.objects.create_user(
            email="sourcing@benchmark.example",
            password="x",
            organisation=organisation,
            role=User.Role.SOURCING_MANAGER,
        )
        today = dt.date.today()
        programme = programme_create(
            actor=manager, template_key="ixm", start_year=today.year - 2, end_year=today.year + 2
        )
        Programme.objects.filter(pk=programme.pk).update(is_public=True)
        kpi = programme.kpis.get(key="high_risk_suppliers_assessed")
        client = Client()
        client.force_login(manager)
        print(f"throwaway database: {connection.vendor} {name}; {args.repeat} requests per page")
        seeded = 0
        counts: dict[str, int] = {}
        for size in sizes:
            seed(organisation, seeded, size - seeded)
            seeded = size
            pages = {
                "overview": reverse("overview"),
                "programme dashboard": programme.get_absolute_url(),
                "KPI page (high-risk assessed)": kpi.get_absolute_url(),
                "suppliers": reverse("programmes:suppliers"),
                "certifications": reverse("programmes:certifications"),
                "child-labour cases": reverse("programmes:cases"),
                "public page": reverse("programmes:public", args=[programme.public_id]),
            }
            print(f"\n{size:,} suppliers")
            for label, url in pages.items():
                median, p95, queries = time_page(client, url, args.repeat)
                if label in counts and counts[label] != queries:
                    grew = True
                counts[label] = queries
                print(f"  {label:30} median {median:7.1f} ms  p95 {p95:7.1f} ms  {queries:3} queries")
        started = time.perf_counter()
        refreshed = tiers_refresh(organisation_id=organisation.pk)
        print(
            f"\ntiers_refresh over {seeded:,} suppliers: {time.perf_counter() - started:.1f} s"
            f" ({refreshed} changed)"
        )
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
    print("\nquery counts " + ("GREW with the rows" if grew else "stayed the same at every size"))
    return 1 if grew else 0


if __name__ == "__main__":
    raise SystemExit(main())
