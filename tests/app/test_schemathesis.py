"""The API keeps the promises of its OpenAPI document (issue 17): schemathesis generates requests for every
operation from the served document and sends them to the application in-process, as a buyer of a seeded
organisation logged in (session and CSRF as a browser's); no answer may be a server error, a status the operation
does not declare, or a body or content type other than the declared one.

Bounded (EXAMPLES per operation and mode, no shrinking) to stay within about a minute on two cores."""

from collections import Counter

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import (
    CompanyFactory,
    ConsultationFactory,
    ContractFactory,
    IncidentFactory,
    InvitationFactory,
    ProcurementFactory,
)

EXAMPLES = 4
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# operations that answer the logged-in buyer 200 whatever is generated for them
LISTS = {
    "GET /api/v1/companies/",
    "GET /api/v1/consultations/",
    "GET /api/v1/contracts/",
    "GET /api/v1/incidents/",
}
CSRF = "schemathesisschemathesisschemath"  # a CSRF secret (32 letters), sent as the cookie and the header


@pytest.fixture
def served(db, buyer, municipality, client, settings):
    """The WSGI application on the test's database, with a seeded organisation and a logged-in session."""
    settings.HRDD_THROTTLE_ENABLED = (
        False  # the throttles have their own tests; here they would answer most calls
    )
    ProcurementFactory(organisation=municipality)
    CompanyFactory(organisation=municipality)
    consultation = ConsultationFactory(organisation=municipality)
    InvitationFactory(consultation=consultation)
    ContractFactory(organisation=municipality)
    IncidentFactory(organisation=municipality)
    client.force_login(buyer)
    # each request of the test runs in the test's transaction: no connection is closed between requests
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler(), {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def check_operation(operation, cookies, mode, statuses):
    """Send EXAMPLES generated requests to one operation, counting the statuses answered in `statuses`; return
    what went wrong (empty when nothing)."""
    problems = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def send(case):
        response = case.call(headers={"X-CSRFToken": CSRF}, cookies=cookies)
        statuses[(operation.label, response.status_code)] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:  # noqa: BLE001 - every failure is collected and reported together
            problems.append(f"{operation.label} [{mode.value}]: {exc}")
            raise

    try:
        send()
    except Unsatisfiable:
        pass  # nothing of the operation can be made invalid (no parameter, or only free text)
    except Exception as exc:  # noqa: BLE001 - reported with the others
        if not problems:  # not a check that failed: the generation itself
            problems.append(f"{operation.label} [{mode.value}]: {type(exc).__name__}: {exc}")
    return problems


def test_every_operation_keeps_its_documented_promises(served):
    # given
    app, cookies = served
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)

    # when
    problems, statuses = [], Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            problems += check_operation(operation, cookies, mode, statuses)

    # then
    assert not problems, "\n\n".join(problems)
    answered = {label for label, status in statuses if status < 300}
    # the session and the seeded organisation let requests through: not a test of 401s and 404s only
    assert answered >= LISTS, sorted(statuses.items())
