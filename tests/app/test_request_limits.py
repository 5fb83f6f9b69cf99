"""Limits every request keeps (issue 17): its size before it is read, no NUL or control character in any input,
free text of bounded length, JSON of bounded depth, and the API's errors in the shape its document declares.

Run on SQLite and PostgreSQL (`make test-postgres`): a NUL byte that reached PostgreSQL was a 500."""

import json
from urllib.parse import urlencode

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from hrdd.api import api
from hrdd.companies.models import Company
from hrdd.core.middleware import RequestLimitMiddleware
from tests.cli_support import assert_refused

API = "/api/v1"


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


def post_json(client, path, payload):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(API + path, body, content_type="application/json")


def company_form(**values):
    return {"legal_name": "Acme Assembly", "kind": "supplier"} | values


def send_form(client, data):
    """Post the companies page's form as a browser does (a form without a file is sent URL-encoded)."""
    return client.post(
        reverse("companies:list"), urlencode(data), content_type="application/x-www-form-urlencoded"
    )


def error_schema():
    """The ErrorOut schema of the served OpenAPI document, with its references resolvable."""
    document = api.get_openapi_schema()
    return {"$ref": "#/components/schemas/ErrorOut", "components": document["components"]}


# the size of a body, checked before it is read


def test_a_form_body_over_the_limit_is_refused_before_anything_is_stored(logged_in, settings):
    # given
    settings.HRDD_MAX_FORM_BYTES = 1000

    # when
    page = send_form(logged_in, company_form(other_names="x" * 2000))

    # then
    assert page.status_code == 413
    assert "too large" in page.content.decode()
    assert not Company.objects.exists()


def test_a_json_body_over_the_limit_is_refused_in_the_error_shape(logged_in, settings):
    # given
    settings.HRDD_MAX_FORM_BYTES = 1000

    # when
    answer = post_json(logged_in, "/companies/", {"legal_name": "Acme", "other_names": ["x" * 2000]})

    # then
    assert answer.status_code == 413
    jsonschema.validate(answer.json(), error_schema())
    assert "too large" in answer.json()["detail"]
    assert not Company.objects.exists()


def test_an_upload_may_be_as_large_as_the_upload_limit_but_not_larger(logged_in, settings):
    # given: files are allowed the upload limit plus their form; other bodies only the (smaller) form limit
    settings.HRDD_MAX_FORM_BYTES = 1000
    settings.HRDD_MAX_UPLOAD_BYTES = 1000
    small = SimpleUploadedFile("policy.txt", b"We respect human rights. " * 100)
    large = SimpleUploadedFile("policy.txt", b"x" * (1024 * 1024 + 2000))

    # when
    refused_by_its_check = logged_in.post(API + "/risks/check", {"document": small})
    refused_before_reading = logged_in.post(API + "/risks/check", {"document": large})

    # then
    assert refused_by_its_check.status_code == 413  # read, and refused by the file's own check
    assert refused_by_its_check.json()["field"] == "document"
    assert refused_before_reading.status_code == 413
    assert "too large" in refused_before_reading.json()["detail"]


def test_a_body_sent_in_chunks_without_its_length_is_refused(db):
    # given
    request = RequestFactory().post(API + "/questionnaire/score", b"[]", content_type="application/json")
    del request.META["CONTENT_LENGTH"]
    request.META["HTTP_TRANSFER_ENCODING"] = "chunked"

    # when
    answer = RequestLimitMiddleware(lambda r: pytest.fail("the view was reached"))(request)

    # then
    assert answer.status_code == 411
    assert "Content-Length" in json.loads(answer.content)["detail"]


# NUL bytes and control characters


def test_a_nul_byte_in_a_page_form_is_refused_naming_the_field(logged_in):
    # when
    page = send_form(logged_in, company_form(legal_name="Acme\x00 Assembly"))

    # then
    assert page.status_code == 400
    text = page.content.decode()
    assert "legal_name contains a control character (U+0000)" in text
    assert not Company.objects.exists()


def test_a_control_character_in_a_page_form_is_refused_naming_the_field(logged_in):
    # when
    page = send_form(logged_in, company_form(other_names="Acme\x1b[31m Assembly"))

    # then
    assert page.status_code == 400
    assert "other_names contains a control character (U+001B)" in page.content.decode()
    assert not Company.objects.exists()


def test_a_tab_is_refused_beside_a_one_line_field_and_kept_in_a_text_area(logged_in):
    # when
    refused = send_form(logged_in, company_form(legal_name="Acme\tAssembly"))
    kept = send_form(logged_in, company_form(other_names="Acme\r\nAcme\tBV"))

    # then
    assert refused.status_code == 400
    [error] = refused.context["form"].errors["legal_name"]
    assert "Legal name contains a control character (U+0009)" in error
    assert kept.status_code == 302
    assert Company.objects.count() == 1


def test_free_text_without_its_own_limit_is_capped(logged_in, settings):
    # given
    settings.HRDD_MAX_TEXT_CHARS = 50

    # when
    page = send_form(logged_in, company_form(other_names="a" * 51))

    # then
    assert page.status_code == 400
    [error] = page.context["form"].errors["other_names"]
    assert "at most 50 characters" in error
    assert not Company.objects.exists()


def test_a_nul_byte_in_an_api_property_is_refused_naming_it(logged_in):
    # when
    answer = post_json(logged_in, "/companies/", {"legal_name": "Acme", "other_names": ["ok", "Acme\x00"]})

    # then
    assert answer.status_code == 422
    jsonschema.validate(answer.json(), error_schema())
    assert answer.json()["field"] == "other_names[1]"
    assert "U+0000" in answer.json()["detail"]
    assert not Company.objects.exists()


def test_an_unpaired_surrogate_in_an_api_property_is_refused_naming_it(logged_in):
    # when: JSON may spell a surrogate that no database encoding can store
    answer = post_json(logged_in, "/companies/", '{"legal_name": "Acme \\ud800"}')

    # then
    assert answer.status_code == 422
    assert answer.json()["field"] == "legal_name"
    assert not Company.objects.exists()


@pytest.mark.parametrize(
    ("address", "field"),
    [
        ("/companies/?q=Acme%00", "q"),
        ("/responses/abc%00def", "path"),
        ("/companies/?q=%01", "q"),
    ],
)
def test_a_nul_byte_in_an_api_query_or_path_is_refused_naming_it(logged_in, address, field):
    # when
    answer = logged_in.get(API + address)

    # then
    assert answer.status_code == 422
    jsonschema.validate(answer.json(), error_schema())
    assert answer.json()["field"] == field


def test_an_api_text_longer_than_the_limit_is_refused_naming_it(logged_in, settings):
    # given
    settings.HRDD_MAX_TEXT_CHARS = 50

    # when
    answer = post_json(logged_in, "/companies/", {"legal_name": "a" * 51})

    # then
    assert answer.status_code == 422
    assert answer.json()["field"] == "legal_name"
    assert "at most 50 characters" in answer.json()["detail"]


# nested JSON


@pytest.mark.parametrize("depth", [33, 100_000])
def test_deeply_nested_json_is_refused_with_a_message(client, db, depth):
    # when
    answer = post_json(client, "/questionnaire/score", "[" * depth + "]" * depth)

    # then
    assert answer.status_code == 400
    jsonschema.validate(answer.json(), error_schema())
    assert "nests deeper than 32 levels" in answer.json()["detail"]


def test_json_nested_to_the_limit_reaches_the_schema_check(client, db):
    # when
    answer = post_json(client, "/questionnaire/score", "[" * 32 + "]" * 32)

    # then
    assert answer.status_code == 422


# the error answers' shape


def test_a_schema_break_answers_the_declared_error_shape(logged_in):
    # when
    answer = post_json(logged_in, "/companies/", {"legal_name": 3, "unknown": True})

    # then
    assert answer.status_code == 422
    jsonschema.validate(answer.json(), error_schema())
    assert isinstance(answer.json()["detail"], str)
    assert {e["field"] for e in answer.json()["errors"]} == {"legal_name", "unknown"}


def test_an_api_address_no_operation_matches_answers_json(logged_in):
    # when: a path parameter that is no UUID matches no address
    answer = logged_in.get(API + "/consultations/not-a-uuid/results")

    # then
    assert answer.status_code == 404
    jsonschema.validate(answer.json(), error_schema())


def test_a_method_an_operation_does_not_take_answers_json_and_names_the_allowed_ones(logged_in):
    # when
    answer = logged_in.delete(API + "/companies/")

    # then
    assert answer.status_code == 405
    jsonschema.validate(answer.json(), error_schema())
    assert "GET" in answer["Allow"]


def test_every_operation_declares_the_errors_it_can_answer():
    # given
    document = api.get_openapi_schema()

    # then
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            declared = set(operation["responses"])
            assert "422" in declared or 422 in declared, (method, path)
            if "security" in operation:
                assert {401} <= {int(s) for s in declared}, (method, path)
            if "requestBody" in operation:
                assert {400, 411, 413} <= {int(s) for s in declared}, (method, path)


# the command line reads no file larger than the web would take


@pytest.mark.parametrize(
    "command",
    [
        ("risk", "check", "{file}"),
        ("profile", "import", "{file}", "--email", "supplier@acme.example"),
        ("rmi", "read", "{file}"),
        ("incidents", "import", "{file}", "--as", "buyer@testville.example"),
        ("sites", "match", "--registry", "{file}", "--incoming", "{file}", "--out", "{out}"),
    ],
)
def test_a_command_refuses_a_file_over_the_upload_limit_before_reading_it(
    cli, db, settings, tmp_path, command
):
    # given
    settings.HRDD_MAX_UPLOAD_BYTES = 1000
    file = tmp_path / "big.txt"
    file.write_bytes(b"x" * 2000)
    out = tmp_path / "out.csv"

    # when
    result = cli(*(part.format(file=file, out=out) for part in command))

    # then
    assert_refused(result, "too large", "at most 1,000 bytes")
    assert not out.exists()


def test_a_command_writes_over_a_large_output_file(cli, db, settings, tmp_path):
    # given: --output names a file to write, not one to read
    settings.HRDD_MAX_UPLOAD_BYTES = 1000
    out = tmp_path / "schema.json"
    out.write_bytes(b"x" * 2000)

    # when
    result = cli("profile", "schema", "--output", out)

    # then
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"{")


def test_the_supplier_links_and_the_anonymous_check_declare_their_throttle_and_closed_link_answers():
    # given
    paths = api.get_openapi_schema()["paths"]

    def declared(path, method):
        return {int(status) for status in paths[path][method]["responses"]}

    # then
    assert {410, 429} <= declared("/api/v1/responses/{token}", "put")
    assert {410, 429} <= declared("/api/v1/incidents/public/supplier/{token}/steps", "get")
    assert 429 in declared("/api/v1/risks/check", "post")
    assert 410 not in declared("/api/v1/profiles/{token}/export", "get")  # a profile's link does not close
