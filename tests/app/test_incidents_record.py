"""What an incident and its plan feed elsewhere: the remediation KPI on the buyer's contract page, the supplier's
record on a company's page (walls kept), the step's own edit page (stale save refused), the edit form's current
document, a notice when a supplier names a site that already has an incident (once), the grievance form's own
reports in the register, and the incident's title in the calendar feeds (a rename moves the contracts version)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hrdd.contracts.versions import contracts_version
from hrdd.incidents import services
from hrdd.incidents.models import Notice, RemediationStep
from tests.app.incidents_support import buyer_org, contract_for, mention, site

TODAY = timezone.localdate()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def feed_text(response) -> str:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
    return text.replace("\r\n ", "")  # long lines unfolded (RFC 5545, 3.1)


@pytest.fixture
def case(db):
    """An owner and a sharing buyer both naming one plant under a contract; a shared incident about it."""
    owner, manager = buyer_org("Owner City")
    sharer, sharer_manager = buyer_org("Sharing Region")
    plant = site()
    contract = contract_for(owner, "Notebooks 2027")
    mention(plant, contract)
    sharer_contract = contract_for(sharer, "Servers")
    mention(plant, sharer_contract)
    incident = services.incident_create(
        actor=manager,
        title="Passports withheld",
        source="ngo",
        category="forced_labour",
        site=plant,
        confidentiality="shared",
    )
    return {
        "owner": owner,
        "manager": manager,
        "sharer": sharer,
        "sharer_manager": sharer_manager,
        "plant": plant,
        "contract": contract,
        "sharer_contract": sharer_contract,
        "incident": incident,
    }


def add_step(case, days=30, **values):
    values.setdefault("action", "Return every passport")
    values.setdefault("responsible", "Site manager")
    values.setdefault("evidence", "Signed statements of the workers' committee")
    return services.step_add(
        actor=values.pop("actor", case["manager"]),
        incident=case["incident"],
        contract=values.pop("contract", case["contract"]),
        deadline=TODAY + dt.timedelta(days=days),
        **values,
    )


def make_overdue(step, days=4):
    RemediationStep.objects.filter(pk=step.pk).update(deadline=TODAY - dt.timedelta(days=days))


# -- the contract's remediation KPI ------------------------------------------------------------------------------


def test_the_contract_page_shows_the_remediation_kpi_with_its_reasons(case):
    late = add_step(case, action="Return every passport")
    add_step(case, action="Pay back the recruitment fees")
    make_overdue(late)

    body = client_for(case["manager"]).get(case["contract"].get_absolute_url()).content.decode()

    kpi = body.split('id="remediation-kpi"')[1].split("</span>")[0]
    assert "overdue" in kpi and "kpi-problem" in body.split('id="remediation-kpi"')[0][-80:]
    assert "0 of 2 steps verified" in body
    assert "1 step(s) past their deadline and not verified" in body
    assert "Pay back the recruitment fees" in body and "Passports withheld" in body


def test_a_contract_without_steps_says_no_corrective_action_is_asked(case):
    body = client_for(case["manager"]).get(case["contract"].get_absolute_url()).content.decode()

    assert "No corrective action is asked under this contract" in body


def _contract_page_queries(user, contract) -> int:
    client = client_for(user)
    client.get(contract.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(contract.get_absolute_url()).status_code == 200
    return len(queries)


def test_the_contract_pages_query_count_does_not_grow_with_its_steps(case):
    add_step(case)
    one = _contract_page_queries(case["manager"], case["contract"])
    for i in range(30):
        add_step(case, action=f"Action {i}")

    assert _contract_page_queries(case["manager"], case["contract"]) == one


# -- the supplier's record on the company page -------------------------------------------------------------------


def test_the_company_page_shows_the_incidents_touching_the_supplier_and_its_record(case):
    step = add_step(case)
    services.step_verify(actor=case["manager"], step=step, note="Statements checked")
    supplier = case["contract"].supplier

    body = client_for(case["manager"]).get(supplier.get_absolute_url()).content.decode()

    incidents = body.split('id="supplier-incidents"')[1].split("</ul>")[0]
    assert "Passports withheld" in incidents
    assert "1 of 1 steps verified" in body
    assert "on track" in body.split('id="supplier-remediation"')[1][:80]


def test_the_company_page_of_an_exposed_buyer_keeps_an_owner_only_incident_out(case):
    services.incident_update(actor=case["manager"], incident=case["incident"], confidentiality="owner_only")
    supplier = case["sharer_contract"].supplier

    body = client_for(case["sharer_manager"]).get(supplier.get_absolute_url()).content.decode()

    assert "Passports withheld" not in body
    assert "None that your organisation may see" in body


def test_the_company_page_of_an_exposed_buyer_shows_a_shared_incident_as_shared(case):
    supplier = case["sharer_contract"].supplier

    body = client_for(case["sharer_manager"]).get(supplier.get_absolute_url()).content.decode()

    assert "Passports withheld" in body and "shared by another organisation" in body


# -- editing a step ----------------------------------------------------------------------------------------------


def test_a_writer_edits_a_step_from_its_own_page(case):
    step = add_step(case)
    client = client_for(case["manager"])
    url = reverse("incidents:step_edit", args=[step.public_id])
    page = client.get(url)
    assert page.status_code == 200 and 'value="Return every passport"' in page.content.decode()

    saved = client.post(
        url,
        {
            "action": "Return every passport to its owner",
            "responsible": "The site's HR manager",
            "deadline": (TODAY + dt.timedelta(days=10)).isoformat(),
            "evidence": "Photos of the lockers",
            "contract": str(case["contract"].public_id),
            "seen": step.updated_at.isoformat(),
        },
    )

    assert saved.status_code == 302
    step.refresh_from_db()
    assert (step.action, step.responsible, step.evidence) == (
        "Return every passport to its owner",
        "The site's HR manager",
        "Photos of the lockers",
    )
    assert step.deadline == TODAY + dt.timedelta(days=10)


def test_a_stale_step_save_is_refused_keeping_the_typing_and_showing_the_saved_version(case):
    step = add_step(case)
    opened = step.updated_at.isoformat()
    services.step_progress_report(contract=case["contract"], step=step, text="12 passports returned")

    page = client_for(case["manager"]).post(
        reverse("incidents:step_edit", args=[step.public_id]),
        {
            "action": "My new wording",
            "responsible": "Site manager",
            "deadline": (TODAY + dt.timedelta(days=10)).isoformat(),
            "seen": opened,
        },
    )

    body = page.content.decode()
    assert page.status_code == 400
    assert "Someone changed this step after you opened it" in body
    assert 'value="My new wording"' in body
    assert 'id="saved-version"' in body and "first reported on" in body
    step.refresh_from_db()
    assert step.action == "Return every passport"


def test_only_the_organisation_that_set_the_step_edits_it(case):
    step = add_step(case)
    url = reverse("incidents:step_edit", args=[step.public_id])

    assert client_for(case["sharer_manager"]).get(url).status_code == 403
    outsider = buyer_org("Elsewhere")[1]
    assert client_for(outsider).get(url).status_code == 404


def test_a_verified_step_is_not_edited(case):
    step = add_step(case)
    services.step_verify(actor=case["manager"], step=step)

    page = client_for(case["manager"]).get(reverse("incidents:step_edit", args=[step.public_id]))

    assert page.status_code == 302
    with pytest.raises(services.IncidentError):
        services.step_update(actor=case["manager"], step=step, action="Reworded")


def test_the_incident_edit_form_shows_the_current_document(case):
    services.incident_update(
        actor=case["manager"],
        incident=case["incident"],
        document=SimpleUploadedFile("ngo-report.txt", b"forty passports in the office safe"),
    )

    body = client_for(case["manager"]).get(reverse("incidents:edit", args=[case["incident"].public_id]))

    current = body.content.decode().split('id="current-document"')[1].split("</p>")[0]
    assert "ngo-report.txt" in current
    assert reverse("incidents:document", args=[case["incident"].public_id]) in current


# -- a site named after the incident was recorded ----------------------------------------------------------------


def test_a_supplier_naming_a_site_with_an_incident_tells_the_buyers_managers_once(
    case, cli, django_capture_on_commit_callbacks
):
    # given: a third buyer, sharing its exposure, whose supplier names the plant only now
    late_buyer, late_manager = buyer_org("Late County")
    services.exposure_notify_new_mentions()  # the sweep has read every mention so far
    mail.outbox.clear()
    mention(case["plant"], contract_for(late_buyer, "Tablets"))

    # when
    with django_capture_on_commit_callbacks(execute=True):
        first = services.exposure_notify_new_mentions()
    with django_capture_on_commit_callbacks(execute=True):
        again = services.exposure_notify_new_mentions()

    # then
    assert [n.user for n in first] == [late_manager] and again == []
    notice = Notice.objects.get(user=late_manager)
    assert notice.incident == case["incident"] and notice.contracts == 1
    assert [m.to for m in mail.outbox] == [[late_manager.email]]
    assert "Passports withheld" in mail.outbox[0].subject
    assert Notice.objects.filter(user=case["sharer_manager"]).count() == 1  # told at creation, not again
    ran = cli("remind")
    assert ran.returncode == 0 and "0 incident notice(s) for newly named sites" in ran.stdout


def test_a_buyer_that_does_not_share_is_not_told_of_another_organisations_incident(case):
    services.exposure_notify_new_mentions()
    private, private_manager = buyer_org("Private Town", share=False)
    mention(case["plant"], contract_for(private, "Phones"))

    assert services.exposure_notify_new_mentions() == []
    assert not Notice.objects.filter(user=private_manager).exists()


def test_a_mention_matched_later_to_the_site_is_seen_by_the_next_sweep(case):
    late_buyer, late_manager = buyer_org("Late County")
    waiting = mention(site("Somewhere Else"), contract_for(late_buyer, "Tablets"))
    services.exposure_notify_new_mentions()
    assert not Notice.objects.filter(user=late_manager).exists()

    waiting.site = case["plant"]  # a reviewer confirms the match
    waiting.save()

    assert [n.user for n in services.exposure_notify_new_mentions()] == [late_manager]


# -- the grievance form's reports ----------------------------------------------------------------------------------


def test_reports_received_lists_only_that_forms_reports(case):
    manager = case["manager"]
    posters = services.grievance_channel_create(actor=manager, title="Posters", slug="posters")
    union = services.grievance_channel_create(actor=manager, title="Union", slug="union-link")
    for channel, text in ((posters, "Blocked fire exits"), (union, "Unpaid overtime")):
        services.grievance_submit(
            channel=channel,
            client_address=f"10.0.0.{channel.pk}",
            description=text,
            title=text,
            language="en",
        )
    client = client_for(manager)

    settings_page = client.get(reverse("incidents:settings")).content.decode()
    link = f"{reverse('incidents:register')}?channel={posters.public_id}"
    assert link in settings_page
    body = client.get(link).content.decode()

    table = body.split('id="incidents"')[1]
    assert "Blocked fire exits" in table and "Unpaid overtime" not in table
    assert "Passports withheld" not in table


def test_another_organisations_form_finds_nothing(case):
    theirs = services.grievance_channel_create(actor=case["sharer_manager"], title="Theirs", slug="theirs")
    services.grievance_submit(
        channel=theirs, client_address="10.0.0.9", description="Heat", title="Heat", language="en"
    )

    body = client_for(case["manager"]).get(f"{reverse('incidents:register')}?channel={theirs.public_id}")

    assert "Heat" not in body.content.decode().split('id="incidents"')[1]


# -- the incident's title in the feeds -----------------------------------------------------------------------------


def test_a_rename_moves_the_contracts_version_and_the_feed_names_the_incident(case):
    step = add_step(case)
    client = client_for(case["manager"])
    url = reverse("contracts:contract_calendar", args=[case["contract"].public_id])
    first = client.get(url)
    assert "(Passports withheld)" in feed_text(first)
    before = contracts_version(case["manager"].organisation_id).number

    services.incident_update(actor=case["manager"], incident=case["incident"], title="Passports confiscated")

    assert contracts_version(case["manager"].organisation_id).number > before
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and "(Passports confiscated)" in feed_text(second)
    assert f"UID:step-{step.public_id}@hrdd" in feed_text(second)


def test_a_feed_does_not_name_an_incident_no_longer_shared_with_the_steps_organisation(case):
    add_step(
        case, actor=case["sharer_manager"], contract=case["sharer_contract"], action="Audit the dormitory"
    )
    services.incident_update(actor=case["manager"], incident=case["incident"], confidentiality="owner_only")

    feed = feed_text(client_for(case["sharer_manager"]).get(reverse("contracts:calendar")))

    assert "Audit the dormitory" in feed and "Passports withheld" not in feed
