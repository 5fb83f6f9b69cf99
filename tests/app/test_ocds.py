"""The tender as OCDS: release packages that the Open Contracting Partnership's own validator (libcoveocds, with
ocdsextensionregistry) accepts, offline, against OCDS 1.1.5 and the extensions they declare; one ocid per tender;
the buyer in every output; the label as a technical specification; clause milestones dated by the contract.

The validator fetches the declared extensions from their published addresses. Here those addresses are answered
from tests/fixtures/ocds/ (see its README) by a requests transport adapter mounted on ocdsextensionregistry's
session, and the standard comes from the same folder through libcoveocds' `standard_zip` option; any other
connection fails the test.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import socket
import zipfile
from dataclasses import replace
from pathlib import Path

import json_merge_patch
import jsonschema
import pytest
import requests
import urllib3
from libcoveocds.api import ocds_json_output
from libcoveocds.config import LibCoveOCDSConfig
from ocdsextensionregistry import util as registry_util
from referencing import Registry, Resource
from requests.adapters import HTTPAdapter

from hrdd.core.errors import InputError
from hrdd.domain.tender import build_tender, get_tender_framework
from hrdd.domain.tender_choices import TenderChoices, choose
from hrdd.tenders import ocds, services
from tests.factories import ContractFactory, TenderFactory

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ocds"
STANDARD = FIXTURES / "standard-1__1__5"
ALL_EXTENSIONS = ("sustainability", "selectionCriteria", "awardCriteria", "lots", "otherRequirements")
RAW = "https://raw.githubusercontent.com/open-contracting-extensions/"
ARCHIVES = "https://github.com/open-contracting-extensions/"
SELECTION = {1: (), 2: ("SC1",), 3: ("SC1", "SC2")}
AWARDS = {1: ("AC1", "AC2"), 2: ("AC3", "AC4"), 3: ("AC6", "AC7")}
CLAUSES = {1: ("CC1",), 2: ("CC2", "CC3"), 3: ("CC2", "CC3", "CC4")}
WHEN = dt.datetime(2027, 3, 1, 9, 30, tzinfo=dt.UTC)


# --- the validator, offline -------------------------------------------------------------------------------------


class VendoredExtensions(HTTPAdapter):
    """Answer the extensions' published addresses from the vendored copies; refuse every other address."""

    def send(self, request, **kwargs):
        url = request.url
        if url.startswith(RAW):  # .../<repository>/<ref>/<file>
            repository, _ref, name = url[len(RAW) :].split("/", 2)
            path = FIXTURES / repository / name
            if not path.is_file():
                return self._answer(request, 404, b"")
            return self._answer(request, 200, path.read_bytes())
        if url.startswith(ARCHIVES) and url.endswith(".zip"):  # .../<repository>/archive/<ref>.zip
            repository, _archive, ref = url[len(ARCHIVES) : -len(".zip")].split("/")
            folder = FIXTURES / repository
            if not folder.is_dir():
                return self._answer(request, 404, b"")
            return self._answer(request, 200, _zip(folder, f"{repository}-{ref}/"))
        raise requests.ConnectionError(f"no network in tests: {url}")

    def _answer(self, request, status, body):
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(body),
            status=status,
            reason="OK" if status == 200 else "Not Found",
            preload_content=False,
            request_url=request.url,
        )
        return self.build_response(request, raw)


def _zip(folder: Path, root: str) -> bytes:
    """A ZIP of a folder under one root directory, as GitHub's archives and the standard's ZIP are laid out."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(root, "")
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, root + path.relative_to(folder).as_posix())
    return buffer.getvalue()


@pytest.fixture(scope="module")
def standard_zip():
    return _zip(STANDARD, "standard-1__1__5/")


@pytest.fixture
def offline(monkeypatch):
    """The extensions from the fixtures; any socket connection other than a local one fails the test."""
    session = registry_util.session
    adapters = session.adapters.copy()
    adapter = VendoredExtensions()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    connect = socket.socket.connect

    def local_only(sock, address):
        if sock.family != socket.AF_UNIX:
            raise AssertionError(f"a test tried to reach the network: {address}")
        return connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", local_only)
    yield
    session.adapters.clear()
    session.adapters.update(adapters)


@pytest.fixture
def cove(offline, standard_zip, tmp_path):
    """Run libcoveocds on a release package as its command line does (context "api") and return its findings."""

    def run(package):
        config = LibCoveOCDSConfig()
        config.config["context"] = "api"
        config.config["standard_zip"] = standard_zip
        return ocds_json_output(str(tmp_path), json_data=copy.deepcopy(package), lib_cove_ocds_config=config)

    return run


def assert_accepted(findings):
    """Nothing that libcoveocds reports as a problem: schema errors, unknown fields, codelist values or extensions."""
    assert findings["version_used"] == "1.1"
    assert findings["validation_errors"] == []
    assert findings["additional_fields"] == []
    assert findings["additional_closed_codelist_values"] == {}
    assert findings["additional_open_codelist_values"] == {}
    assert findings["deprecated_fields"] == []
    assert findings["extensions"]["invalid_extension"] == {}
    assert findings["extensions"]["is_extended_schema"] is True
    assert findings["additional_checks"] == {}


def annex(scenario, **kwargs):
    return build_tender(scenario=scenario, framework=get_tender_framework(), **kwargs)


def package_of(scenario, **kwargs):
    return ocds.adhoc_release_package(
        annex(scenario, **kwargs), title="Notebooks 2027", buyer="Municipality of Testville", date=WHEN
    )


def release_of(package):
    [release] = package["releases"]
    return release


@pytest.fixture
def tender(municipality):
    return TenderFactory(organisation=municipality, title="Notebooks 2027", scenario=2, weights={})


# --- accepted by the standard's tools ---------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", [1, 2, 3])
def test_libcoveocds_accepts_the_package_of_each_scenario(cove, scenario):
    # when
    findings = cove(package_of(scenario))

    # then
    assert_accepted(findings)
    loaded = [e["url"] for e in findings["extensions"]["extensions"]]
    assert loaded == package_of(scenario)["extensions"]


def test_libcoveocds_accepts_a_package_without_the_label(cove):
    assert_accepted(cove(package_of(2, require_label=False)))


def test_libcoveocds_accepts_a_stored_tender_with_its_contract_dates(cove, tender):
    # given
    ContractFactory(organisation=tender.organisation, tender=tender, scenario=2)

    # when
    findings = cove(ocds.tender_release_package(tender))

    # then
    assert_accepted(findings)


def test_libcoveocds_reports_the_fields_of_an_undeclared_extension(cove):
    """The check above is not empty: without its extensions declared, the same package has unknown fields."""
    # given
    package = package_of(3)
    package.pop("extensions")

    # when
    findings = cove(package)

    # then
    unknown = {(f["path"], f["field"]) for f in findings["additional_fields"]}
    assert {("/releases/tender", name) for name in ("sustainability", "selectionCriteria", "lots")} <= unknown


def test_libcoveocds_reports_a_value_outside_a_closed_codelist(cove):
    # given
    package = package_of(2)
    release_of(package)["tender"]["selectionCriteria"]["criteria"][0]["type"] = "ethical"

    # when
    findings = cove(package)

    # then
    [(path, finding)] = findings["additional_closed_codelist_values"].items()
    assert path == "releases/tender/selectionCriteria/criteria/type"
    assert finding["values"] == ["ethical"]


def test_libcoveocds_reports_a_field_of_the_wrong_type(cove):
    # given
    package = package_of(2)
    release_of(package)["tender"]["lots"][0]["awardCriteria"]["criteria"][0]["numbers"][0]["number"] = "sixty"

    # when
    findings = cove(package)

    # then
    [error] = findings["validation_errors"]
    assert "sixty" in json.dumps(error)


def merged_release_schema():
    """OCDS 1.1.5's release schema with every vendored extension applied as a JSON Merge Patch (RFC 7386), as the
    standard specifies for extensions."""
    schema = json.loads((STANDARD / "schema" / "release-schema.json").read_text(encoding="utf-8"))
    for name in ALL_EXTENSIONS:
        patch = json.loads((FIXTURES / f"ocds_{name}_extension" / "release-schema.json").read_text("utf-8"))
        schema = json_merge_patch.merge(schema, patch)
    return schema


@pytest.mark.parametrize("scenario", [1, 2, 3])
def test_the_package_is_valid_against_the_package_schema_with_all_five_extensions(scenario):
    # given
    package_schema = json.loads((STANDARD / "schema" / "release-package-schema.json").read_text("utf-8"))
    release_schema = merged_release_schema()
    registry = Registry().with_resource(release_schema["id"], Resource.from_contents(release_schema))
    validator = jsonschema.Draft4Validator(
        package_schema, registry=registry, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )

    # when
    errors = list(validator.iter_errors(package_of(scenario)))

    # then
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


# --- what the package says ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", [1, 2, 3])
def test_the_package_declares_exactly_the_extensions_its_fields_come_from(scenario):
    # when
    package = package_of(scenario)
    tender = release_of(package)["tender"]

    # then
    used = {"sustainability", "lots", "awardCriteria"} | (
        {"selectionCriteria"} if SELECTION[scenario] else set()
    )
    assert package["extensions"] == [url for name, url in ocds.EXTENSIONS.items() if name in used]
    assert ("selectionCriteria" in tender) is bool(SELECTION[scenario])
    assert tender["lots"][0]["awardCriteria"]["criteria"]
    assert "otherRequirements" not in tender


def test_the_declared_extensions_are_the_vendored_ones_at_their_published_addresses():
    for name, url in ocds.EXTENSIONS.items():
        # then
        assert url.startswith(RAW) and url.endswith("/extension.json")
        repository = url[len(RAW) :].split("/")[0]
        assert repository == f"ocds_{name}_extension"
        metadata = json.loads((FIXTURES / repository / "extension.json").read_text("utf-8"))
        assert "1.1" in metadata["compatibility"]
    assert ocds.EXTENSIONS["lots"].endswith("/v1.1.5/extension.json")


def test_the_package_names_its_publisher_version_and_date():
    # when
    package = package_of(2)

    # then
    assert package["version"] == "1.1"
    assert package["publisher"] == {"name": "Municipality of Testville"}
    assert package["publishedDate"] == release_of(package)["date"] == "2027-03-01T09:30:00Z"
    assert package["uri"].startswith("urn:uuid:")


@pytest.mark.parametrize("scenario", [1, 2, 3])
def test_the_buyer_is_a_party_with_the_buyer_and_procuring_entity_roles(scenario):
    # when
    release = release_of(package_of(scenario))

    # then
    assert release["parties"] == [
        {"id": "buyer", "name": "Municipality of Testville", "roles": ["buyer", "procuringEntity"]}
    ]
    assert (
        release["buyer"]
        == release["tender"]["procuringEntity"]
        == {
            "id": "buyer",
            "name": "Municipality of Testville",
        }
    )


@pytest.mark.parametrize("scenario", [1, 2, 3])
def test_the_label_is_a_technical_specification_not_a_milestone(scenario):
    # when
    tender = release_of(package_of(scenario))["tender"]

    # then
    label, criteria = tender["sustainability"]
    assert label["goal"] == criteria["goal"] == ocds.GOAL
    assert label["strategies"] == ["technicalSpecifications"]
    assert label["description"].startswith("LABEL ")
    assert "TCO Certified" in label["description"]
    assert "technicalSpecifications" not in criteria["strategies"]
    assert [m["id"] for m in tender["milestones"]] == list(CLAUSES[scenario])
    assert {m["type"] for m in tender["milestones"]} == {"reporting"}


def test_without_the_label_there_is_no_technical_specification():
    # when
    tender = release_of(package_of(2, require_label=False))["tender"]

    # then
    strategies = [s for entry in tender["sustainability"] for s in entry.get("strategies", [])]
    assert "technicalSpecifications" not in strategies
    assert all(not entry["description"].startswith("LABEL ") for entry in tender["sustainability"])


def annex_with_label_role(scenario, role):
    """The annex as a stored tender gives it when the buyer chose the label's role (hrdd.domain.tender_choices):
    the label stays in the annex, required only as an admission requirement."""
    choices = TenderChoices(label_role=role)
    built = build_tender(scenario=scenario, framework=choose(get_tender_framework(), choices))
    return replace(built, require_label=choices.require_label)


def test_a_label_the_buyer_scores_is_an_award_criterion_not_a_specification(cove):
    # when
    package = ocds.adhoc_release_package(annex_with_label_role(2, "award"), buyer="Town", date=WHEN)

    # then
    tender = release_of(package)["tender"]
    strategies = [s for entry in tender["sustainability"] for s in entry.get("strategies", [])]
    assert "technicalSpecifications" not in strategies
    awards = [c["name"].split()[0] for c in tender["lots"][0]["awardCriteria"]["criteria"]]
    assert awards == ["Price", "LABEL", "AC3", "AC4"]
    assert_accepted(cove(package))


def test_a_label_the_buyer_recommends_is_described_without_a_strategy(cove):
    # when
    package = ocds.adhoc_release_package(annex_with_label_role(2, "recommendation"), buyer="Town", date=WHEN)

    # then
    label, criteria = release_of(package)["tender"]["sustainability"]
    assert "strategies" not in label
    assert label["description"].startswith("LABEL ")
    assert "prefers" in label["description"]
    assert "technicalSpecifications" not in criteria["strategies"]
    assert_accepted(cove(package))


@pytest.mark.parametrize("scenario", [1, 2, 3])
def test_the_criteria_and_clauses_are_the_scenarios(scenario):
    # when
    tender = release_of(package_of(scenario))["tender"]

    # then
    _label, criteria = tender["sustainability"]
    expected = (["selectionCriteria"] if SELECTION[scenario] else []) + [
        "awardCriteria",
        "contractPerformanceConditions",
    ]
    assert criteria["strategies"] == expected
    selection = tender.get("selectionCriteria", {}).get("criteria", [])
    assert [c["description"].split()[0] for c in selection] == list(SELECTION[scenario])
    assert all(c["verificationMethod"] and c["appliesTo"] == ["supplier"] for c in selection)
    awards = tender["lots"][0]["awardCriteria"]["criteria"]
    assert [c["name"].split()[0] for c in awards] == ["Price", *AWARDS[scenario]]


def test_the_award_criteria_carry_the_weights():
    # when
    tender = release_of(package_of(2, weights={"price": 55, "AC3": 30, "AC4": 15}))["tender"]

    # then
    numbers = [c["numbers"] for c in tender["lots"][0]["awardCriteria"]["criteria"]]
    assert numbers == [
        [{"number": 55.0, "weight": "pointsExact"}],
        [{"number": 30.0, "weight": "pointsExact"}],
        [{"number": 15.0, "weight": "pointsExact"}],
    ]
    assert tender["awardCriteria"] == "ratedCriteria"
    assert tender["awardCriteriaDetails"].startswith("Price: 55 points; AC3 ")


def test_without_a_contract_the_clause_milestones_have_no_due_date():
    # when
    tender = release_of(package_of(1, months=8))["tender"]

    # then
    [cc1] = tender["milestones"]
    assert "dueDate" not in cc1
    assert "no later than 8 months" in cc1["description"]
    assert "contractPeriod" not in tender


# --- one ocid per tender, a release per state -------------------------------------------------------------------


def test_a_stored_tender_has_the_prefix_and_its_public_id_as_ocid(tender):
    # when
    release = release_of(ocds.tender_release_package(tender))

    # then
    assert release["ocid"] == f"ocds-hrdd00-{tender.public_id}"
    assert release["tender"]["id"] == str(tender.public_id)
    assert release["id"].startswith(f"ocds-hrdd00-{tender.public_id}-tender-")


def test_the_ocid_prefix_is_a_setting(tender, settings):
    # given
    settings.HRDD_OCID_PREFIX = "ocds-213czf"

    # when
    release = release_of(ocds.tender_release_package(tender))

    # then
    assert release["ocid"] == f"ocds-213czf-{tender.public_id}"


@pytest.mark.parametrize("prefix", ["ocds-12345", "OCDS-213czf", "ocds-213CZF", "213czf", "ocds-213czf-x"])
def test_a_prefix_of_the_wrong_shape_is_refused(prefix):
    with pytest.raises(InputError) as refused:
        ocds.adhoc_release_package(annex(1), buyer="Town", ocid_prefix=prefix)
    assert refused.value.field == "ocid_prefix"


def test_the_same_tender_state_gives_the_same_release(tender):
    # when
    first = ocds.tender_release_package(tender)
    again = ocds.tender_release_package(type(tender).objects.get(pk=tender.pk))

    # then
    assert first == again
    assert release_of(first)["date"] == tender.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_changed_tender_keeps_its_ocid_in_a_new_release(tender, buyer):
    # given
    before = release_of(ocds.tender_release_package(tender))

    # when
    services.tender_update(
        actor=buyer, tender=tender, months=3, weights={"price": 50, "AC3": 25, "AC4": 25}, require_label=True
    )
    after = release_of(ocds.tender_release_package(tender))

    # then
    assert after["ocid"] == before["ocid"]
    assert after["id"] != before["id"]
    assert after["date"] >= before["date"]


def test_an_annex_without_a_stored_tender_keeps_one_ocid_for_one_buyer_and_title():
    # when
    weights = {"price": 50, "AC3": 25, "AC4": 25}
    first = release_of(ocds.adhoc_release_package(annex(2), title="Notebooks 2027", buyer="Town", date=WHEN))
    again = release_of(
        ocds.adhoc_release_package(annex(2, weights=weights), title="Notebooks 2027", buyer="Town", date=WHEN)
    )
    other = release_of(ocds.adhoc_release_package(annex(2), title="Monitors 2027", buyer="Town", date=WHEN))

    # then
    assert first["ocid"] == again["ocid"]
    assert first["id"] != again["id"]  # the annex changed
    assert other["ocid"] != first["ocid"]


def test_an_annex_without_a_stored_tender_takes_the_buyers_reference_and_date():
    # when
    package = ocds.adhoc_release_package(annex(2), buyer="Town", tender_id="2027/ICT-04", date=WHEN)

    # then
    assert package == ocds.adhoc_release_package(annex(2), buyer="Town", tender_id="2027/ICT-04", date=WHEN)
    assert release_of(package)["ocid"] == "ocds-hrdd00-2027/ICT-04"


def test_an_annex_without_a_buyer_is_refused():
    with pytest.raises(InputError) as refused:
        ocds.adhoc_release_package(annex(1), buyer="  ")
    assert refused.value.field == "buyer"


# --- dates from the contract --------------------------------------------------------------------------------------


def test_the_clause_milestones_fall_due_on_the_contracts_schedule(tender):
    # given a three-year contract starting 1 February 2026
    ContractFactory(
        organisation=tender.organisation,
        tender=tender,
        scenario=2,
        award_date=dt.date(2026, 1, 15),
        start_date=dt.date(2026, 2, 1),
        end_date=dt.date(2029, 1, 31),
    )

    # when
    tender_ = release_of(ocds.tender_release_package(tender))["tender"]

    # then
    assert tender_["contractPeriod"] == {
        "startDate": "2026-02-01T00:00:00Z",
        "endDate": "2029-01-31T00:00:00Z",
    }
    dated = [m for m in tender_["milestones"] if "dueDate" in m]
    assert dated == [m for m in tender_["milestones"]]
    assert {m["id"].split("-")[0] for m in dated} == {"CC2", "CC3"}
    cc2 = [m for m in dated if m["id"].startswith("CC2-")]
    assert cc2[0]["id"] == "CC2-1"
    assert cc2[0]["dueDate"] == "2027-02-01T00:00:00Z"
    assert "2027-02-01" in cc2[0]["description"]
    assert all(m["type"] == "reporting" for m in dated)


def test_the_risk_assessment_clause_falls_due_months_after_the_award(municipality):
    # given
    tender = TenderFactory(organisation=municipality, scenario=1, months=4, weights={})
    ContractFactory(
        organisation=municipality,
        tender=tender,
        scenario=1,
        months=4,
        award_date=dt.date(2026, 1, 15),
        start_date=dt.date(2026, 2, 1),
        end_date=dt.date(2027, 1, 31),
    )

    # when
    milestones = release_of(ocds.tender_release_package(tender))["tender"]["milestones"]

    # then
    [cc1] = [m for m in milestones if m["id"].startswith("CC1")]
    assert cc1["dueDate"] == "2026-05-15T00:00:00Z"


def test_with_two_contracts_no_due_date_is_guessed(tender):
    # given
    ContractFactory(organisation=tender.organisation, tender=tender, scenario=2)
    ContractFactory(
        organisation=tender.organisation, tender=tender, scenario=2, start_date=dt.date(2026, 6, 1)
    )

    # when
    tender_ = release_of(ocds.tender_release_package(tender))["tender"]

    # then
    assert all("dueDate" not in m for m in tender_["milestones"])
    assert "contractPeriod" not in tender_


# --- the buyer in every output: page, API, command line -----------------------------------------------------------


def test_the_tender_page_downloads_the_package_with_the_buyer(client, buyer, tender, cove):
    # given
    client.force_login(buyer)

    # when
    answer = client.get(f"{tender.get_absolute_url()}?format=ocds")

    # then
    assert answer.status_code == 200
    package = json.loads(b"".join(answer.streaming_content) if answer.streaming else answer.content)
    assert package == ocds.tender_release_package(tender)
    assert package["uri"].endswith(f"{tender.get_absolute_url()}?format=ocds")
    assert release_of(package)["buyer"]["name"] == "Municipality of Testville"
    assert_accepted(cove(package))


def test_the_api_gives_a_stored_tenders_package(client, buyer, tender):
    # given
    client.force_login(buyer)

    # when
    answer = client.get(f"/api/v1/tenders/{tender.public_id}/ocds")

    # then
    assert answer.status_code == 200
    assert answer.json() == ocds.tender_release_package(tender)


def test_the_api_hides_another_organisations_tender(client, outsider, tender):
    # given
    client.force_login(outsider)

    # when
    answer = client.get(f"/api/v1/tenders/{tender.public_id}/ocds")

    # then
    assert answer.status_code == 404


def test_the_api_asks_for_a_login_for_a_stored_tender(client, tender):
    assert client.get(f"/api/v1/tenders/{tender.public_id}/ocds").status_code == 401


def post_ocds(client, payload):
    return client.post("/api/v1/tenders/annex/ocds", json.dumps(payload), content_type="application/json")


def test_the_api_annex_names_the_buyer_given(client, db, cove):
    # when
    answer = post_ocds(
        client,
        {"scenario": 3, "title": "Notebooks 2027", "buyer": "Town of Ede", "date": "2027-03-01T09:30:00Z"},
    )

    # then
    assert answer.status_code == 200
    package = answer.json()
    release = release_of(package)
    assert release["parties"][0]["name"] == "Town of Ede"
    assert release["date"] == "2027-03-01T09:30:00Z"
    assert (
        post_ocds(
            client,
            {
                "scenario": 3,
                "title": "Notebooks 2027",
                "buyer": "Town of Ede",
                "date": "2027-03-01T09:30:00Z",
            },
        ).json()
        == package
    )
    assert_accepted(cove(package))


def test_the_api_annex_names_the_logged_in_users_organisation(client, buyer):
    # given
    client.force_login(buyer)

    # when
    answer = post_ocds(client, {"scenario": 1})

    # then
    assert answer.status_code == 200
    assert release_of(answer.json())["buyer"]["name"] == "Municipality of Testville"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"scenario": 1}, "buyer"),
        ({"scenario": 1, "buyer": "Town", "ocid_prefix": "hrdd"}, "ocid_prefix"),
        ({"scenario": 1, "buyer": "Town", "tender_id": "a b"}, "tender_id"),
        ({"scenario": 1, "buyer": "Town", "date": "2027-03-01T09:30:00"}, "date"),
        ({"scenario": 1, "buyer": "Town", "ocid": "ocds-hrdd00-1"}, "ocid"),
    ],
)
def test_the_api_refuses_a_bad_annex_request_naming_the_field(client, db, payload, field):
    # when
    answer = post_ocds(client, payload)

    # then
    assert answer.status_code == 422
    assert answer.json()["field"] == field


def test_the_command_line_takes_the_buyer_prefix_reference_and_date(cli, cove):
    # when
    result = cli(
        "tender",
        "build",
        "--scenario",
        "2",
        "--format",
        "ocds",
        "--buyer",
        "Town of Ede",
        "--ocid-prefix",
        "ocds-213czf",
        "--tender-id",
        "ICT-04",
        "--date",
        "2027-03-01T10:30:00+01:00",
    )

    # then
    assert result.returncode == 0, result.stderr
    package = json.loads(result.stdout)
    release = release_of(package)
    assert release["ocid"] == "ocds-213czf-ICT-04"
    assert release["date"] == "2027-03-01T09:30:00Z"
    assert release["parties"][0]["name"] == "Town of Ede"
    assert_accepted(cove(package))


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--format", "ocds"], "--buyer"),
        (["--format", "ocds", "--buyer", "Town", "--ocid-prefix", "ocds-1"], "--ocid-prefix"),
        (["--format", "ocds", "--buyer", "Town", "--tender-id", "a b"], "--tender-id"),
        (["--format", "ocds", "--buyer", "Town", "--date", "March"], "--date"),
        (["--format", "ocds", "--buyer", "Town", "--date", "2027-03-01T10:30"], "--date"),
        (["--format", "md", "--buyer", "Town"], "--format ocds"),
    ],
)
def test_the_command_line_refuses_bad_ocds_options_with_status_2(cli, args, named):
    # when
    result = cli("tender", "build", "--scenario", "2", *args)

    # then
    assert result.returncode == 2
    assert named in result.stderr
