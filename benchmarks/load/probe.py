"""Read a seeded benchmark database: `probe.py targets` prints the pages to request (JSON); `probe.py cost` times
the demo buyer's contract dashboard and calendar feed with Django's test client (no HTTP server, no time-out).

Run by run.py with the benchmark's environment (DATABASE_URL or HRDD_VAR_DIR, DJANGO_SETTINGS_MODULE)."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")

import django  # noqa: E402

django.setup()

from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from hrdd.accounts.models import Organisation, User  # noqa: E402
from hrdd.consultations.models import Consultation  # noqa: E402
from hrdd.contracts.models import Contract, Obligation, ProductionSite, Submission  # noqa: E402
from hrdd.demo import DEMO_LOGIN, DEMO_ORGANISATION, DEMO_PASSWORD, SCALE_BUYER  # noqa: E402
from hrdd.risks.models import ProductRiskAssessment  # noqa: E402

DASHBOARD = "/contracts/"
FEED = "/contracts/calendar.ics"


def counts() -> dict[str, int]:
    demo = Organisation.objects.get(name=DEMO_ORGANISATION)
    return {
        "organisations": Organisation.objects.count(),
        "contracts": Contract.objects.count(),
        "demo_contracts": Contract.objects.filter(organisation=demo).count(),
        "obligations": Obligation.objects.count(),
        "demo_obligations": Obligation.objects.filter(contract__organisation=demo).count(),
        "submissions": Submission.objects.count(),
        "sites": ProductionSite.objects.count(),
        "demo_sites": ProductionSite.objects.filter(
            submission__obligation__contract__organisation=demo
        ).count(),
    }


def targets() -> dict[str, object]:
    """The pages of the run: the demo story's records, the demo buyer's lists and one typical buyer's dashboard."""
    demo = Organisation.objects.get(name=DEMO_ORGANISATION)
    story = (
        Contract.objects.filter(organisation=demo).exclude(title__startswith="[scale ").earliest("created_at")
    )
    largest = (
        Submission.objects.filter(obligation__contract__organisation=demo)
        .annotate(rows=Count("sites"))
        .order_by("-rows")
        .select_related("obligation__contract")
        .first()
    )
    consultation = Consultation.objects.filter(organisation=demo).earliest("created_at")
    risks = ProductRiskAssessment.objects.filter(organisation=demo).earliest("created_at")
    pages = {
        "login page": "/login/",
        "procurement list": "/procurements/",
        "procurement detail": story.procurement.get_absolute_url(),
        "consultation list": "/consultations/",
        "consultation detail": consultation.get_absolute_url(),
        "risk assessment page": risks.get_absolute_url(),
        "tender list": "/tenders/",
        "tender detail": story.tender.get_absolute_url() if story.tender else "/tenders/",
        "contract dashboard": DASHBOARD,
        "contract page": story.get_absolute_url(),
        "calendar feed": FEED,
        "supplier page": story.get_supplier_url(),
    }
    if largest is not None and largest.rows > 100:
        pages[f"contract page, {largest.rows:,}-site list"] = largest.obligation.contract.get_absolute_url()
    typical = Organisation.objects.filter(name__startswith=SCALE_BUYER).order_by("name").first()
    return {
        "buyer": {"email": DEMO_LOGIN, "password": DEMO_PASSWORD},
        "pages": pages,
        "typical": None
        if typical is None
        else {
            "email": User.objects.filter(organisation=typical).order_by("pk").first().email,
            "password": DEMO_PASSWORD,
            "contracts": Contract.objects.filter(organisation=typical).count(),
            "pages": {"contract dashboard, typical buyer": DASHBOARD, "calendar feed, typical buyer": FEED},
        },
        "counts": counts(),
    }


def cost(repeat: int) -> dict[str, object]:
    """Median and fastest time of the demo buyer's dashboard and feed, after warming the process up."""
    client = Client()
    client.force_login(User.objects.get(email=DEMO_LOGIN))
    client.get("/procurements/")  # imports, templates and connections, not the pages measured
    measured: dict[str, object] = {"counts": counts()}
    for name, path in (("dashboard", DASHBOARD), ("feed", FEED)):
        times = []
        size = 0
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}")
            size = len(response.content)
        measured[name] = {"median_ms": statistics.median(times), "min_ms": min(times), "bytes": size}
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=["targets", "cost"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    result = targets() if args.what == "targets" else cost(args.repeat)
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
