"""The fixed cast: a buyer, a contract manager and a viewer of one municipality, and an outsider elsewhere."""

import pytest
from django.conf import settings
from django.utils import translation

from hrdd.accounts.models import User
from tests.factories import ConsultationFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_request_limits(settings):
    # the login lockout and the throttles of anonymous paths (issue 17) count across tests; the tests of those
    # limits (tests/app/test_supplier_links_limits.py) switch them on
    settings.AXES_ENABLED = False
    settings.HRDD_THROTTLE_ENABLED = False


@pytest.fixture(autouse=True)
def _english_first():
    # a page asked for in another language leaves that language active in the thread: every test starts in English
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    # supplier submissions are files: keep every test's files out of the project's var/
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def municipality(db):
    return OrganisationFactory(name="Municipality of Testville")


@pytest.fixture
def buyer(municipality):
    return UserFactory(email="buyer@testville.example", organisation=municipality)


@pytest.fixture
def contract_manager(municipality):
    return UserFactory(
        email="contracts@testville.example", organisation=municipality, role=User.Role.CONTRACT_MANAGER
    )


@pytest.fixture
def viewer(municipality):
    return UserFactory(email="viewer@testville.example", organisation=municipality, role=User.Role.VIEWER)


@pytest.fixture
def outsider(db):
    return UserFactory(email="buyer@elsewhere.example", organisation=OrganisationFactory(name="Elsewhere"))


@pytest.fixture
def consultation(municipality):
    return ConsultationFactory(organisation=municipality, title="Notebooks 2027")


def pytest_configure(config):
    # the flush between transactional tests may empty the append-only audit log (hrdd/audit/management/commands/
    # flush.py); only the tests say so
    settings.HRDD_AUDIT_FLUSH_FOR_TESTS = True


def pytest_report_header(config):
    return f"database: {settings.DATABASES['default']['ENGINE']}"
