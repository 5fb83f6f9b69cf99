"""A contract reminder the mail server refuses is not recorded as sent: the failure is logged, and the next run
sends it (issue 17). The failing backend is a real Django e-mail backend, as the SMTP one fails."""

import datetime as dt
import logging

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from hrdd.audit.models import AuditEvent
from hrdd.contracts.models import ReminderSent
from hrdd.contracts.services import ReminderRefused, contract_create, reminder_send_now, reminders_send

DUE = dt.date(2030, 4, 15)
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
FAILING = "tests.app.test_contracts_reminders_retry.RefusingSMTPBackend"


class RefusingSMTPBackend(BaseEmailBackend):
    """A mail server that answers every message with a permanent SMTP error."""

    def send_messages(self, email_messages):
        import smtplib

        if self.fail_silently:
            return 0
        raise smtplib.SMTPDataError(554, b"transaction failed")


@pytest.fixture
def contract(buyer, contract_manager):
    """A scenario-1 contract: its one obligation, CC1, is due on 2030-04-15."""
    return contract_create(
        actor=buyer,
        title="Notebooks 2030",
        supplier_name="Acme Computers",
        supplier_email="reports@acme.example",
        award_date=dt.date(2030, 1, 15),
        start_date=dt.date(2030, 2, 1),
        end_date=dt.date(2033, 1, 31),
        scenario=1,
        months=3,
    )


def test_a_refused_reminder_is_not_recorded_is_logged_and_the_next_run_sends_it(
    contract, mailoutbox, settings, caplog
):
    # given a mail server that refuses everything
    settings.EMAIL_BACKEND = FAILING
    today = DUE - dt.timedelta(days=7)

    # when
    with caplog.at_level(logging.WARNING, logger="hrdd.contracts.services"):
        failed = reminders_send(today=today)

    # then nothing is recorded as sent, and the failure is in the log with the obligation
    assert failed == []
    assert not ReminderSent.objects.exists()
    assert any("before-7" in r.getMessage() and "CC1" in r.getMessage() for r in caplog.records)

    # when the mail server is back, the next run sends it, once
    settings.EMAIL_BACKEND = LOCMEM
    later = reminders_send(today=today + dt.timedelta(days=1))
    again = reminders_send(today=today + dt.timedelta(days=1))

    assert [key for _obligation, key in later] == ["before-7"] and again == []
    assert len(mailoutbox) == 1
    assert list(ReminderSent.objects.values_list("key", flat=True)) == ["before-7"]


def test_a_reminder_sent_now_that_the_mail_server_refuses_records_nothing_and_says_so(
    buyer, contract, mailoutbox, settings
):
    # given
    settings.EMAIL_BACKEND = FAILING
    cc1 = contract.obligations.get(clause="CC1")
    events = AuditEvent.objects.count()

    # when / then
    with pytest.raises(ReminderRefused, match="mail server"):
        reminder_send_now(actor=buyer, obligation=cc1, today=DUE - dt.timedelta(days=3))
    assert not ReminderSent.objects.exists()
    assert AuditEvent.objects.count() == events

    # when the buyer tries again with the mail server back, it goes
    settings.EMAIL_BACKEND = LOCMEM
    reminder_send_now(actor=buyer, obligation=cc1, today=DUE - dt.timedelta(days=3))
    assert len(mailoutbox) == 1 and ReminderSent.objects.count() == 1
