"""The fixed cast: a buyer, a contract manager and a viewer of one municipality, and an outsider elsewhere."""

import gc
import sys

import pytest
from django.conf import settings
from django.utils import translation
from whitenoise.middleware import WhiteNoiseMiddleware

from hrdd.accounts.models import User
from tests.factories import ConsultationFactory, OrganisationFactory, UserFactory

# pytest keeps each test module, rewritten for its assertions, in __pycache__ unless Python is told to write no
# bytecode (PYTHONDONTWRITEBYTECODE, set on these machines): then each xdist worker of every run parses and rewrites
# the 220 test modules again, 11 of the 18 s of CPU its collection takes. The modules imported after this file are
# kept (in __pycache__, ignored by git) and read back by the next run.
sys.dont_write_bytecode = False

# A test worker holds a large heap that lives as long as it does (Django, the test modules, the frameworks and
# knowledge base, compiled templates: 300,000 to 700,000 objects), and Python's collector walks all of it at each
# full collection: with the default thresholds (700, 10, 10) a fifth of a worker's CPU went to collections, most of
# it to some thirty full ones. Collecting the young generations less often and the oldest ten times less halves
# that time (measured on 2,330 tests: 32 s -> 16 s of 165 s) for some 250 MB more per worker. Nothing is
# collected that would not be: later, not never.
gc.set_threshold(5_000, 10, 100)


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


@pytest.fixture(autouse=True, scope="session")
def _static_files_listed_once():
    """WhiteNoise lists and stats every static file each time its middleware is made, and every test client makes
    its own (8 ms each: a third of the authorization matrix's time). The list is made once for each set of settings
    that shapes it and copied into each new middleware, which then serves exactly as it would have."""
    listed = {}

    def once(scan):
        def listed_once(self, *args):
            names = _STATIC_SETTINGS + [
                name for name in dir(settings._wrapped) if name.startswith("WHITENOISE_")
            ]
            key = (scan.__name__, args, repr([(name, getattr(settings, name, None)) for name in names]))
            if key not in listed:
                before = dict(self.files)
                scan(self, *args)
                listed[key] = {url: f for url, f in self.files.items() if before.get(url) is not f}
            self.files.update(listed[key])

        return listed_once

    with pytest.MonkeyPatch.context() as patch:
        for name in ("update_files_dictionary", "add_files_from_finders"):
            patch.setattr(WhiteNoiseMiddleware, name, once(getattr(WhiteNoiseMiddleware, name)))
        yield


# what WhiteNoise's list depends on, besides the WHITENOISE_ settings
_STATIC_SETTINGS = "DEBUG FORCE_SCRIPT_NAME INSTALLED_APPS STATIC_ROOT STATIC_URL STATICFILES_DIRS STATICFILES_FINDERS STORAGES"
_STATIC_SETTINGS = _STATIC_SETTINGS.split()


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
