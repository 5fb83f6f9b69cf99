"""Remediation plans: steps with owner, deadline, evidence and verification; the supplier reports through its
contract link; overdue steps for the dashboard and deadlines for the calendar; every change moves the exposed
organisations' contracts version; the workflow needs verified steps before remediated."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hrdd.audit.models import AuditEvent
from hrdd.contracts.versions import contracts_version
from hrdd.core.errors import NotFound
from hrdd.incidents import selectors, services
from tests.app.incidents_support import buyer_org, contract_for, mention, site

TODAY = timezone.localdate()


@pytest.fixture
def case(db):
    owner, manager = buyer_org("Owner City")
    sharer, sharer_manager = buyer_org("Sharing Region")
    plant = site()
    contract = contract_for(owner, "Notebooks")
    mention(plant, contract)
    mention(plant, contract_for(sharer, "Servers"))
    incident = services.incident_create(
        actor=manager,
        title="Excessive overtime",
        source="audit",
        category="inadequate_wages",
        site=plant,
        confidentiality="shared",
    )
    return manager, sharer_manager, contract, incident


def add(manager, incident, contract=None, days=30, **values):
    values.setdefault("action", "Pay back the unpaid overtime")
    values.setdefault("responsible", "Supplier's HR director")
    values.setdefault("evidence", "Payroll records signed by the workers' committee")
    return services.step_add(
        actor=manager,
        incident=incident,
        contract=contract,
        deadline=TODAY + dt.timedelta(days=days),
        **values,
    )


def test_a_step_moves_the_contracts_version_of_every_exposed_organisation(case):
    manager, sharer_manager, contract, incident = case
    before = {
        o: contracts_version(o).number for o in (manager.organisation_id, sharer_manager.organisation_id)
    }

    add(manager, incident, contract)

    for organisation_id, number in before.items():
        assert contracts_version(organisation_id).number > number
    assert AuditEvent.objects.filter(action="remediation_step.create").count() == 1


def test_overdue_steps_and_steps_due_are_read_for_the_dashboard_and_the_calendar(case):
    manager, _s, contract, incident = case
    late = add(manager, incident, contract, days=-3)
    soon = add(manager, incident, contract, days=10)
    organisation_id = manager.organisation_id

    assert list(selectors.overdue_steps(organisation_id, TODAY)) == [late]
    assert list(selectors.steps_due_between(organisation_id, TODAY, TODAY + dt.timedelta(days=60))) == [soon]
    assert list(selectors.plan_steps_for_contracts([contract.pk])) == [late, soon]
    services.step_verify(actor=manager, step=late, note="payroll checked")
    assert list(selectors.overdue_steps(organisation_id, TODAY)) == []


def test_the_supplier_reports_progress_through_its_contract_link_only_on_its_steps(case):
    manager, _s, contract, incident = case
    step = add(manager, incident, contract)
    other = add(manager, incident, contract_for(manager.organisation, "Other contract"))
    version = contracts_version(manager.organisation_id).number

    services.step_progress_report(
        contract=contract, step=step, text="Back pay made on 1 May; records attached."
    )

    step.refresh_from_db()
    assert (step.status, step.first_reported_on) == ("reported", TODAY)
    assert contracts_version(manager.organisation_id).number > version
    assert [s.pk for s in selectors.steps_for_supplier(contract=contract)] == [step.pk]
    with pytest.raises(NotFound):
        services.step_progress_report(contract=contract, step=other, text="not mine")
    event = AuditEvent.objects.get(action="remediation_step.progress")
    assert event.actor is None and "supplier link" in event.actor_label


def test_the_supplier_api_lists_and_takes_progress_without_an_account(client, case):
    manager, _s, contract, incident = case
    step = add(manager, incident, contract)
    listed = client.get(f"/api/v1/incidents/public/supplier/{contract.token}/steps").json()
    assert [s["action"] for s in listed] == ["Pay back the unpaid overtime"]
    assert "reporter" not in str(listed)
    answer = client.post(
        f"/api/v1/incidents/public/supplier/{contract.token}/steps/{step.public_id}/progress",
        {"text": "Done."},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["status"] == "reported"
    assert client.get("/api/v1/incidents/public/supplier/wrong-token/steps").status_code == 404


def test_remediated_needs_every_step_verified(case):
    manager, _s, contract, incident = case
    services.incident_transition(actor=manager, incident=incident, status="verifying")
    services.incident_transition(actor=manager, incident=incident, status="substantiated")
    with pytest.raises(services.IncidentError, match="at least one corrective-action step"):
        services.incident_transition(actor=manager, incident=incident, status="in_remediation")
    step = add(manager, incident, contract)
    services.incident_transition(actor=manager, incident=incident, status="in_remediation")
    with pytest.raises(services.IncidentError, match="1 of 1 corrective-action steps are not verified"):
        services.incident_transition(actor=manager, incident=incident, status="remediated")
    services.step_verify(actor=manager, step=step)
    services.incident_transition(actor=manager, incident=incident, status="remediated")
    assert [c.after for c in selectors.status_history(incident)] == [
        "received", "verifying", "substantiated", "in_remediation", "remediated",
    ]  # fmt: skip
    assert AuditEvent.objects.filter(action="incident.status").count() == 4


def test_an_exposed_buyer_sets_steps_for_its_own_contracts_only(case):
    manager, sharer_manager, contract, incident = case
    theirs = contract_for(sharer_manager.organisation, "Their servers")
    step = add(sharer_manager, incident, theirs)
    assert step.organisation_id == sharer_manager.organisation_id
    with pytest.raises(services.IncidentError, match="no such contract"):
        add(sharer_manager, incident, contract)
    with pytest.raises(PermissionDenied):
        services.step_verify(actor=manager, step=step)


def test_the_remediation_kpi_rates_contracts_and_suppliers(case):
    manager, _s, contract, incident = case
    add(manager, incident, contract, days=-5)
    rating = selectors.contract_remediation([contract.pk], TODAY)[contract.pk]
    assert (rating.status, rating.overdue) == ("overdue", 1)
    record = selectors.supplier_remediation_record(
        organisation_id=manager.organisation_id, company_ids=[contract.supplier_id], today=TODAY
    )
    assert record[contract.supplier_id].status == "overdue"


def test_a_step_with_progress_cannot_be_deleted_and_bad_steps_are_refused(case):
    manager, _s, contract, incident = case
    step = add(manager, incident, contract)
    services.step_progress_add(actor=manager, step=step, text="Evidence received by e-mail.")
    with pytest.raises(services.IncidentError, match="cannot be removed"):
        services.step_delete(actor=manager, step=step)
    with pytest.raises(services.IncidentError) as caught:
        services.step_add(actor=manager, incident=incident, action="", responsible="x", deadline=TODAY)
    assert caught.value.field == "action"
