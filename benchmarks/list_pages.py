"""How long each list page takes, and how many queries it reads, as its list grows.

    .venv/bin/python benchmarks/list_pages.py                        # 10, 1,000 and 10,000 rows per list
    .venv/bin/python benchmarks/list_pages.py --sizes 10,2000 --repeat 30

On a throwaway database (Django's test database: in-memory SQLite by default, `test_<name>` on PostgreSQL when
DATABASE_URL is set) it gives one buyer organisation N rows of every list (procurements, companies,
consultations, tenders, saved risk assessments (the first 100 with a 500 KB result, as a real one has), audit events, a tender's evaluations,
and N submitted responses with their stored verdicts in one consultation), written in bulk, then requests each
page `--repeat` times through Django's test client (no HTTP server: the page's own cost) and prints the median
and 95th percentile in milliseconds and the page's query count. The query count must not grow with N.

For the consultation page it also times, beside the page, the work the page did on each view before verdicts were
stored: scoring every submitted response with the domain and assessing the market (`score_raw_response` over
the stored answers, then `assess_market`).
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

BIG_RESULTS = 100  # the first assessments carry a result of about 500 KB, as a real one does
BIG_RESULT = {
    "risks": [{"category": "child_labour", "country_iso3": "COD", "stage": "mining", "score": 9}] * 6000
}


def _with_link(invitation):  # type: ignore[no-untyped-def]
    """bulk_create skips save(), where an invitation is given its link: give it here."""
    invitation.issue_token()
    return invitation


def seed(organisation, start: int, count: int, context: dict) -> None:  # type: ignore[no-untyped-def]
    """Add `count` rows to every list of the organisation (numbered from `start`)."""
    from django.utils import timezone

    from hrdd.audit.models import AuditEvent
    from hrdd.companies.models import Company
    from hrdd.consultations.models import Consultation, Invitation, ResponseVerdict
    from hrdd.consultations.scoring import verdict_fields
    from hrdd.domain.companies import normalise_company_name
    from hrdd.domain.questionnaire_framework import get_framework
    from hrdd.procurements.models import Procurement
    from hrdd.risks.models import ProductRiskAssessment
    from hrdd.tenders.models import Bid, BidEvaluation, Tender

    numbers = range(start, start + count)
    if "procurement" not in context:
        context["procurement"] = Procurement.objects.create(
            organisation=organisation, title="Benchmark purchase", product_category="notebook"
        )
        context["company"] = Company.objects.create(
            organisation=organisation, legal_name="Bidder Ltd", normalised_name="bidder"
        )
        context["tender"] = Tender.objects.create(
            organisation=organisation,
            procurement=context["procurement"],
            title="Evaluated tender",
            scenario=2,
        )
        context["consultation"] = Consultation.objects.create(
            organisation=organisation,
            procurement=context["procurement"],
            title="Answered consultation",
            product_category="notebook",
            deadline=dt.date(2031, 1, 1),
        )
    procurement = context["procurement"]
    Procurement.objects.bulk_create(
        Procurement(organisation=organisation, title=f"Purchase {n}", product_category="notebook")
        for n in numbers
    )
    Company.objects.bulk_create(
        Company(
            organisation=organisation,
            legal_name=f"Maker {n}",
            normalised_name=normalise_company_name(f"Maker {n}"),
        )
        for n in numbers
    )
    Consultation.objects.bulk_create(
        Consultation(
            organisation=organisation,
            procurement=procurement,
            title=f"Consultation {n}",
            product_category="notebook",
            deadline=dt.date(2031, 1, 1),
        )
        for n in numbers
    )
    Tender.objects.bulk_create(
        Tender(organisation=organisation, procurement=procurement, title=f"Tender {n}", scenario=2)
        for n in numbers
    )
    ProductRiskAssessment.objects.bulk_create(
        (
            ProductRiskAssessment(
                organisation=organisation,
                procurement=procurement,
                title=f"Assessment {n}",
                product="notebook",
                result=BIG_RESULT if n < BIG_RESULTS else {"risks": []},
                method="risk-method-2025",
            )
            for n in numbers
        ),
        batch_size=50,
    )
    AuditEvent.objects.bulk_create(
        AuditEvent(
            organisation=organisation,
            actor_label="benchmark",
            action="procurement.create",
            target_type="procurements.procurement",
            target_id=str(n),
            after={"n": n},
        )
        for n in numbers
    )
    evaluations = BidEvaluation.objects.bulk_create(
        BidEvaluation(tender=context["tender"], request={"bids": []}, result={"bids": []}) for _ in numbers
    )
    Bid.objects.bulk_create(
        Bid(evaluation=e, company=context["company"], bidder="Bidder Ltd") for e in evaluations
    )
    consultation = context["consultation"]
    framework = get_framework(consultation.framework_id)
    raw = {
        "company": "Bulk Supplier",
        "role": "manufacturer",
        "answers": {
            "transparency": ["assembly_location", "component_producers"],
            "risk_understanding": "fair",
            "policies": ["detailed_commitments"],
            "actions": ["code_compliance", "complaints_procedure"],
        },
    }
    now = timezone.now()
    invitations = Invitation.objects.bulk_create(
        [
            _with_link(i)
            for i in (
                Invitation(
                    consultation=consultation,
                    email=f"supplier{n}@benchmark.example",
                    company_as_given=f"Bulk Supplier {n}",
                    role=raw["role"],
                    answers=raw["answers"],
                    status=Invitation.Status.SUBMITTED,
                    submitted_at=now,
                )
                for n in numbers
            )
        ]
    )
    fields = verdict_fields(raw, framework)
    ResponseVerdict.objects.bulk_create(
        ResponseVerdict(invitation=i, computed_at=now, **fields) for i in invitations
    )


def time_page(client, url: str, repeat: int) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    """Median and 95th percentile (ms) of `repeat` requests, and the query count of one."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # caches warm
    reset_queries()  # a full query log (it keeps 9,000) would count nothing
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


def old_scoring_ms(consultation, repeat: int) -> float:  # type: ignore[no-untyped-def]
    """What the consultation page computed on each view before verdicts were stored (median ms)."""
    from hrdd.domain.maturity import assess_market, score_raw_response
    from hrdd.domain.questionnaire_framework import get_framework

    framework = get_framework(consultation.framework_id)
    times = []
    for _ in range(max(3, repeat // 5)):
        started = time.perf_counter()
        invitations = list(consultation.invitations.select_related("company"))
        scores = [score_raw_response(i.as_raw_response(), framework) for i in invitations]
        assess_market(scores, framework)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10,1000,10000", help="rows per list, comma-separated, growing")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
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

        organisation = Organisation.objects.create(
            name="List benchmark buyer", kind=Organisation.Kind.PUBLIC_BUYER
        )
        buyer = User.objects.create_user(
            email="buyer@list-benchmark.example", password="x", organisation=organisation
        )
        client = Client()
        client.force_login(buyer)
        print(f"throwaway database: {connection.vendor} {name}; {args.repeat} requests per page")
        context: dict = {}
        seeded = 0
        counts: dict[str, int] = {}
        for size in sizes:
            seed(organisation, seeded, size - seeded, context)
            seeded = size
            pages = {
                "procurements": reverse("procurements:list"),
                "companies": reverse("companies:list"),
                "consultations": reverse("consultations:list"),
                "consultation (responses)": reverse(
                    "consultations:detail", args=[context["consultation"].public_id]
                ),
                "tenders": reverse("tenders:list"),
                "tender (evaluations)": reverse("tenders:detail", args=[context["tender"].public_id]),
                "risk assessments": reverse("risks:home"),
                "audit log": reverse("audit"),
            }
            print(f"\n{size:,} rows per list")
            for label, url in pages.items():
                median, p95, queries = time_page(client, url, args.repeat)
                if label in counts and counts[label] != queries:
                    grew = True
                counts[label] = queries
                print(f"  {label:26} median {median:7.1f} ms  p95 {p95:7.1f} ms  {queries:3} queries")
            print(
                f"  {'before: scoring every response':26} median {old_scoring_ms(context['consultation'], args.repeat):7.1f} ms"
                " (the work the consultation page did on each view before verdicts were stored)"
            )
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
    print(
        "\nquery counts "
        + ("GREW with the list: a page reads per row" if grew else "stayed the same at every size")
    )
    return 1 if grew else 0


if __name__ == "__main__":
    raise SystemExit(main())
