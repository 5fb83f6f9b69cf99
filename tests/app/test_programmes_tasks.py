"""Computing every supplier's risk tier again runs in the background with its progress shown (seconds for
thousands of suppliers: too long for a request), audited as the person who asked."""

from django.urls import reverse

from hrdd.accounts.models import Organisation, User
from hrdd.audit.models import AuditEvent
from hrdd.core.models import TaskRun
from hrdd.core.tasks import run_queued_tasks
from hrdd.programmes.diligence import tier_refresh
from hrdd.programmes.models import SupplierTier, Tier
from tests.factories import CompanyFactory, OrganisationFactory, SourcingLinkFactory, UserFactory


def test_the_suppliers_page_queues_the_recompute_and_its_page_leads_back(client, db):
    trader = OrganisationFactory(kind=Organisation.Kind.COMPANY)
    manager = UserFactory(organisation=trader, role=User.Role.SOURCING_MANAGER)
    company = CompanyFactory(organisation=trader)
    SourcingLinkFactory(company=company, material="cobalt", country_iso3="COD", is_asm=True)
    tier_refresh(company)
    SupplierTier.objects.filter(company=company).update(
        tier=Tier.STANDARD, computed_tier=Tier.STANDARD, reasons=[]
    )
    client.force_login(manager)

    answer = client.post(reverse("programmes:suppliers_refresh"))

    run = TaskRun.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("tasks:detail", args=[run.public_id])
    assert SupplierTier.objects.get(company=company).tier == Tier.STANDARD  # not yet: a worker does it
    assert run_queued_tasks() == 1
    run.refresh_from_db()
    assert run.status == TaskRun.Status.DONE
    assert run.message == "The tiers were computed again: 1 changed."
    assert run.result_url == reverse("programmes:suppliers")
    assert (run.done, run.total) == (1, 1)
    assert SupplierTier.objects.get(company=company).tier == Tier.HIGH
    assert AuditEvent.objects.filter(actor=manager, target_type="programmes.suppliertier").exists()


def test_a_viewer_cannot_start_it(client, db):
    trader = OrganisationFactory(kind=Organisation.Kind.COMPANY)
    client.force_login(UserFactory(organisation=trader, role=User.Role.VIEWER))

    answer = client.post(reverse("programmes:suppliers_refresh"))

    assert answer.status_code == 403
    assert not TaskRun.objects.exists()
