"""Fixtures shared by the application tests: invitations in each state and questionnaire workbooks."""

import pytest

from hrdd.consultations.services import invitation_create, invitation_submit
from hrdd.consultations.spreadsheets import blank_questionnaire
from hrdd.domain.questionnaire_framework import get_framework
from tests import migration_support
from tests.app.workbooks import fill_questionnaire
from tests.cli_support import cli, hrdd  # noqa: F401 - the fixtures that run the command line
from tests.factories import response


@pytest.fixture
def empty_database(db):
    """An empty database of the test's own in place of the test database, for a data migration's test: migrated
    forward to where the test starts (tests/migration_support.py), dropped at the end."""
    with migration_support.empty_database() as database:
        yield database


@pytest.fixture
def invitation(buyer, consultation):
    """A supplier invited (not yet answered) to the buyer's consultation."""
    return invitation_create(
        actor=buyer, consultation=consultation, email="supplier@acme.example", company="Acme", send=False
    )


@pytest.fixture
def submitted(invitation):
    """The invited supplier's complete, submitted response."""
    return invitation_submit(invitation=invitation, raw=response())


@pytest.fixture
def blank_xlsx():
    return blank_questionnaire(get_framework())


@pytest.fixture
def filled_xlsx(blank_xlsx):
    """The blank questionnaire filled in with a complete, valid response (Acme Computers, manufacturer)."""
    raw = response(company="Spreadsheet Supplier Ltd")
    return fill_questionnaire(blank_xlsx, company=raw["company"], role=raw["role"], answers=raw["answers"])
