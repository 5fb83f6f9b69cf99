"""The audit log: every write leaves an event, and no event is ever changed or deleted (ORM nor SQL)."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction

from hrdd.accounts.models import Organisation, User
from hrdd.accounts.services import organisation_create, user_create
from hrdd.audit.models import AppendOnlyError, AuditEvent
from hrdd.consultations.services import (
    consultation_create,
    invitation_create,
    invitation_reopen,
    invitation_save_draft,
    invitation_submit,
    response_import_xlsx,
)
from tests.factories import response


def only_event(action):
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, f"expected one {action} event, found {len(events)}"
    return events[0]


# every service writes an event


def test_creating_an_organisation_is_audited(db):
    # when
    organisation = organisation_create(name="Municipality of Audit", kind=Organisation.Kind.PUBLIC_BUYER)

    # then
    event = only_event("organisation.create")
    assert event.organisation == organisation
    assert event.target_id == str(organisation.pk)
    assert event.after == {"name": "Municipality of Audit", "kind": "public_buyer"}


def test_creating_a_user_is_audited_without_the_password(municipality, buyer):
    # when
    user = user_create(
        email="new@testville.example",
        password="a long secret passphrase",
        organisation=municipality,
        role=User.Role.VIEWER,
        actor=buyer,
    )

    # then
    event = only_event("user.create")
    assert event.actor == buyer
    assert event.target_type == "accounts.user"
    assert event.target_id == str(user.pk)
    assert event.after == {"email": "new@testville.example", "role": "viewer"}
    assert "a long secret passphrase" not in str(event.after)


def test_creating_a_consultation_is_audited(buyer):
    # when
    consultation = consultation_create(
        actor=buyer, title="Tablets", product_category="tablet", deadline=dt.date(2031, 1, 1)
    )

    # then
    event = only_event("consultation.create")
    assert (event.actor, event.target_id) == (buyer, str(consultation.pk))
    assert event.after["title"] == "Tablets"


def test_inviting_a_supplier_is_audited(buyer, consultation, municipality):
    # when
    invitation = invitation_create(
        actor=buyer, consultation=consultation, email="sales@acme.example", company="Acme", send=False
    )

    # then
    event = only_event("invitation.create")
    assert event.actor == buyer
    assert event.organisation == municipality
    assert event.target_type == "consultations.invitation"
    assert event.target_id == str(invitation.pk)
    assert event.after == {"email": "sales@acme.example", "company": "Acme", "language": "en"}


def test_saving_a_draft_is_audited_as_the_supplier_link_with_before_and_after(invitation, municipality):
    # when
    invitation_save_draft(
        invitation=invitation,
        raw={"company": "Acme", "role": "reseller", "answers": {"policies": ["basic_commitment"]}},
    )

    # then
    event = only_event("response.save_draft")
    assert event.actor is None
    assert event.actor_label.startswith(f"supplier via link invitation {invitation.pk} ")
    assert "supplier@acme.example" in event.actor_label
    assert event.organisation == municipality
    assert event.before["status"] == "invited"
    assert event.after["status"] == "draft"
    assert event.after["answers"] == {"policies": ["basic_commitment"]}


def test_submitting_is_audited_with_the_answers_submitted(invitation):
    # when
    invitation_submit(invitation=invitation, raw=response())

    # then
    event = only_event("response.submit")
    assert event.actor is None
    assert event.target_id == str(invitation.pk)
    assert event.before["status"] == "invited"
    assert event.after["status"] == "submitted"
    assert event.after["answers"] == response()["answers"]


def test_reopening_is_audited_with_the_buyer_as_actor(buyer, submitted):
    # when
    invitation_reopen(actor=buyer, invitation=submitted)

    # then
    event = only_event("response.reopen")
    assert event.actor == buyer
    assert event.before["status"] == "submitted"
    assert event.after["status"] == "draft"


def test_importing_a_workbook_is_audited_with_the_contact(buyer, consultation, filled_xlsx):
    # when
    invitation = response_import_xlsx(actor=buyer, consultation=consultation, stream=io.BytesIO(filled_xlsx))

    # then
    event = only_event("response.import_xlsx")
    assert event.actor == buyer
    assert event.target_id == str(invitation.pk)
    assert event.after["status"] == "submitted"
    assert event.after["company"] == "Spreadsheet Supplier Ltd"
    assert "contact" in event.after


def test_a_refused_write_leaves_no_audit_event(viewer):
    # given
    before = AuditEvent.objects.count()

    # when
    with pytest.raises(PermissionDenied):
        consultation_create(
            actor=viewer, title="T", product_category="notebook", deadline=dt.date(2031, 1, 1)
        )

    # then
    assert AuditEvent.objects.count() == before


# append-only in the ORM


@pytest.fixture
def event(buyer):
    consultation_create(
        actor=buyer, title="Audited", product_category="notebook", deadline=dt.date(2031, 1, 1)
    )
    return AuditEvent.objects.get(action="consultation.create")


def test_saving_an_existing_event_again_is_refused(event):
    # given
    event.action = "consultation.delete"

    # when / then
    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "consultation.create"


def test_updating_events_through_a_queryset_is_refused(event):
    # when / then
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="nothing happened")
    assert AuditEvent.objects.get(pk=event.pk).action == "consultation.create"


def test_bulk_updating_events_is_refused(event):
    # given
    event.action = "nothing happened"

    # when / then: bulk_update runs inside atomic(savepoint=False), so give it a savepoint of its own
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["action"])
    assert AuditEvent.objects.get(pk=event.pk).action == "consultation.create"


def test_deleting_an_event_is_refused(event):
    # when / then
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_deleting_events_through_a_queryset_is_refused(event):
    # when / then
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


# append-only in the database


def test_the_database_refuses_an_update_that_bypasses_the_orm_guard(event):
    # when: Django's base manager is a plain manager, without the append-only queryset
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent._base_manager.filter(pk=event.pk).update(action="nothing happened")

    # then
    assert AuditEvent.objects.get(pk=event.pk).action == "consultation.create"


def test_the_database_refuses_a_raw_sql_update(event):
    # when
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = %s", ["nothing happened"])

    # then
    assert AuditEvent.objects.get(pk=event.pk).action == "consultation.create"


def test_the_database_refuses_a_raw_sql_delete(event):
    # when
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])

    # then
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_database_still_accepts_new_events(event, buyer):
    # when
    consultation_create(actor=buyer, title="Second", product_category="server", deadline=dt.date(2031, 1, 1))

    # then
    assert AuditEvent.objects.filter(action="consultation.create").count() == 2


@pytest.mark.postgres
def test_postgresql_has_the_append_only_trigger_on_the_audit_table(db):
    # given
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")

    # when
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
               WHERE c.relname = 'audit_auditevent' AND NOT t.tgisinternal"""
        )
        triggers = {name for (name,) in cursor.fetchall()}

    # then
    assert "audit_event_append_only" in triggers


def test_sqlite_has_the_append_only_triggers_on_the_audit_table(db):
    # given
    if connection.vendor != "sqlite":
        pytest.skip("checks SQLite's catalogue")

    # when
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_auditevent'"
        )
        triggers = {name for (name,) in cursor.fetchall()}

    # then
    assert {"audit_event_no_update", "audit_event_no_delete"} <= triggers
