"""Read a seeded benchmark database: `probe.py targets` prints the pages to request (JSON); `probe.py cost` times
the demo buyer's contract dashboard and calendar feed with Django's test client (no HTTP server, no time-out).

The suppliers' links are stored as digests (hrdd.core.linktokens): `targets` writes the clear tokens of a sample of
contracts and invitations again from their nonces under the benchmark's SECRET_KEY (bench_settings.py), and
re-issues a link (through the service, not e-mailed) only where that cannot be done.

Run by run.py with the benchmark's environment (DATABASE_URL or HRDD_VAR_DIR, DJANGO_SETTINGS_MODULE)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from hrdd.accounts.models import Organisation, User  # noqa: E402
from hrdd.consultations.links import invitation_link_reissue  # noqa: E402
from hrdd.consultations.models import Consultation, Invitation  # noqa: E402
from hrdd.contracts.links import contract_link_reissue  # noqa: E402
from hrdd.contracts.models import Contract, Obligation, ProductionSite, Submission  # noqa: E402
from hrdd.core.models import TaskRun  # noqa: E402
from hrdd.demo import (  # noqa: E402
    _REPORT_TEXTS,
    _RISK_ASSESSMENT_TEXT,
    DEMO_LOGIN,
    DEMO_ORGANISATION,
    DEMO_PASSWORD,
    SCALE_BUYER,
)
from hrdd.domain.tender import get_tender_framework  # noqa: E402
from hrdd.risks.models import ProductRiskAssessment  # noqa: E402
from hrdd.supplier_sites.models import Site  # noqa: E402

SUPPLIER_SAMPLE = 100  # contracts whose supplier links the load uses
INVITEE_SAMPLE = 100  # invitations whose questionnaire links the load uses

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
        "invitations_open": _open_invitations().count(),
        "registry_sites": Site.objects.count(),
        "queued_runs": TaskRun.objects.filter(status=TaskRun.Status.QUEUED).count(),
    }


def _open_invitations():  # noqa: ANN202 - a queryset
    """Invitations a supplier can still answer through its link: not submitted, withdrawn or revoked, and the
    consultation's deadline ahead."""
    return Invitation.objects.filter(
        withdrawn_at=None,
        link_revoked_at=None,
        consultation__deadline__gte=timezone.localdate(),
    ).exclude(status=Invitation.Status.SUBMITTED)


def _owner(organisation: Organisation) -> User:
    """A user of the organisation who may re-issue its links (the demo buyer, or a scale buyer's only user)."""
    users = User.objects.filter(organisation=organisation, is_active=True)
    return (
        users.filter(role=User.Role.PROCUREMENT_OFFICER).order_by("pk").first()
        or users.order_by("pk").first()
    )


def _contract_token(contract: Contract) -> str:
    token = contract.token
    if not token:  # written under another SECRET_KEY: issue a new link (not e-mailed)
        token = contract_link_reissue(
            actor=_owner(contract.organisation), contract=contract, send=False
        ).token
    return token


def _invitation_token(invitation: Invitation) -> str:
    token = invitation.token
    if not token:
        actor = _owner(invitation.consultation.organisation)
        token = invitation_link_reissue(actor=actor, invitation=invitation, send=False).token
    return token


def suppliers(sample: int) -> list[dict[str, object]]:
    """Supplier links of a sample of contracts whose link works today, each with the obligations it can answer with
    a document (a report or a risk assessment: a site list is read by the task worker, which the benchmark does not
    run), those without a submission first."""
    framework = get_tender_framework()
    kinds = {}
    today = timezone.localdate()
    grace = dt.timedelta(days=settings.HRDD_CONTRACT_LINK_GRACE_DAYS)
    candidates = list(
        Contract.objects.filter(link_revoked_at=None, end_date__gte=today - grace)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = sorted(random.Random(17).sample(candidates, min(sample, len(candidates))))
    found = []
    for contract in Contract.objects.filter(pk__in=chosen).select_related("organisation").order_by("pk"):
        if contract.link_expires_on < today:
            continue
        obligations = []
        for obligation in contract.obligations.order_by("due_date", "pk"):
            kind = kinds.setdefault(obligation.clause, framework.clause_submission(obligation.clause).kind)
            if kind in ("report", "risk_assessment"):
                obligations.append(
                    {
                        "id": obligation.pk,
                        "clause": obligation.clause,
                        "kind": kind,
                        "open": obligation.submitted_on is None,
                    }
                )
        obligations.sort(key=lambda o: not o["open"])  # stable: the open ones first, by due date
        if obligations:
            found.append(
                {
                    "path": reverse("contracts:supplier", args=[_contract_token(contract)]),
                    "obligations": obligations,
                }
            )
    return found


def invitees(sample: int) -> list[dict[str, object]]:
    """Questionnaire links of a sample of open invitations (one locust user each, so that two users never save
    through the same link at once)."""
    candidates = list(_open_invitations().order_by("pk").values_list("pk", flat=True))
    chosen = sorted(random.Random(18).sample(candidates, min(sample, len(candidates))))
    found = []
    for invitation in Invitation.objects.filter(pk__in=chosen).select_related("consultation__organisation"):
        if invitation.link_expires_on < timezone.localdate():
            continue
        found.append({"path": reverse("respond", args=[_invitation_token(invitation)])})
    return found


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
        "suppliers": suppliers(SUPPLIER_SAMPLE),
        "invitees": invitees(INVITEE_SAMPLE),
        # what a supplier uploads: a text report (CC3, CC4), a text risk assessment (CC1)
        "documents": {"report": _REPORT_TEXTS[0], "risk_assessment": _RISK_ASSESSMENT_TEXT},
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
