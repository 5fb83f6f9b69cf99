"""Smelter-list collection (issue 13): campaigns and walls, the background read, consolidation into the site
registry, the facility list (CSV, XML, hostile XML), query counts, the API and the command."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hrdd.audit.models import AuditEvent
from hrdd.core.errors import InputError, NotFound
from hrdd.core.tasks import run_queued_tasks
from hrdd.rmi import selectors, services
from hrdd.rmi.models import ConsolidatedSmelter, Upload, UploadSmelter
from hrdd.rmi.tasks import upload_start
from hrdd.supplier_sites.models import SiteMention
from tests.domain.rmi.workbooks import FACTS, build

pytestmark = [
    pytest.mark.django_db(transaction=False),
    pytest.mark.skipif(FACTS is None, reason="the RMI reference facts are not beside the checkout"),
]

COBALT = [
    {"metal": "Cobalt", "lookup": "Cobalt Refinery 1", "country": "CHINA", "cid": "CID000001"},
    {
        "metal": "Cobalt",
        "name": "Lualaba Cobalt Works",
        "lookup": "Smelter not listed",
        "country": "CONGO, DEMOCRATIC REPUBLIC OF THE",
    },
]
TIN = [{"metal": "Tin", "lookup": "Tin Refinery 2", "country": "CHINA", "cid": "CID000002"}]
FACILITY_CSV = (
    b"Facility ID,Standard Facility Name,Metal,Country Location,Assessment Status\n"
    b"CID000001,Cobalt Refinery 1,Cobalt,China,Conformant\n"
    b"CID000002,Tin Refinery 2,Tin,China,Active\n"
)
XML = b"""<?xml version="1.0"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
<Worksheet ss:Name="Facilities"><Table>
<Row><Cell><Data ss:Type="String">RMI facility list</Data></Cell></Row>
<Row><Cell><Data ss:Type="String">Smelter ID</Data></Cell><Cell><Data ss:Type="String">Metal</Data></Cell><Cell ss:Index="4"><Data ss:Type="String">RMAP Status</Data></Cell></Row>
<Row><Cell><Data ss:Type="String">CID000001</Data></Cell><Cell><Data ss:Type="String">Cobalt</Data></Cell><Cell ss:Index="4"><Data ss:Type="String">Conformant</Data></Cell></Row>
</Table></Worksheet></Workbook>"""
BOMB = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet><Table><Row><Cell><Data>&lol2;</Data></Cell></Row></Table></Worksheet></Workbook>"""


def emrt(smelters=COBALT, **kwargs):
    return build("EMRT 2.1", smelters=smelters, **kwargs)


@pytest.fixture
def campaign(buyer):
    return services.campaign_create(actor=buyer, title="Smelter lists 2025", templates=["CMRT", "EMRT"])


@pytest.fixture
def asked(buyer, campaign):
    return services.request_add(
        actor=buyer, campaign=campaign, supplier_name="Battery Cells Ltd", email="cells@example.com"
    )


def send(request, content, name="emrt.xlsx"):
    upload = upload_start(request=request, filename=name, content=content)
    assert run_queued_tasks() >= 1
    upload.refresh_from_db()
    return upload


def test_a_campaign_is_audited_and_walled(buyer, outsider, campaign):
    # then
    assert AuditEvent.objects.filter(action="rmi_campaign.create", target_id=str(campaign.pk)).exists()
    assert list(selectors.campaign_list(user=outsider)) == []
    with pytest.raises(NotFound):
        selectors.campaign_get(user=outsider, public_id=campaign.public_id)
    with pytest.raises(InputError):
        services.request_add(actor=outsider, campaign=campaign, supplier_name="Someone")


def test_a_campaign_needs_a_known_template(buyer):
    with pytest.raises(InputError) as refused:
        services.campaign_create(actor=buyer, title="x", templates=["XYZ"])
    assert refused.value.field == "templates"


def test_the_link_is_mailed_on_commit(buyer, asked, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.request_send_link(actor=buyer, request=asked)
    assert mail.outbox[-1].to == ["cells@example.com"]
    assert asked.get_supplier_url() in mail.outbox[-1].body


def test_an_upload_is_read_in_the_background_and_its_smelters_consolidated(buyer, asked):
    # when
    upload = send(asked, emrt())
    # then
    assert upload.status == Upload.Status.ACCEPTED, upload.problems
    assert (upload.template_type, upload.template_version) == ("EMRT", "2.1")
    assert upload.task_run.status == "done"
    asked.refresh_from_db()
    assert asked.current_upload == upload
    smelters = list(selectors.smelter_list(user=buyer, metal="cobalt"))
    assert {s.name for s in smelters} == {"Cobalt Refinery 1", "Lualaba Cobalt Works"}
    refinery = next(s for s in smelters if s.cid == "CID000001")
    assert refinery.site is not None and refinery.site.rmi_cid == "CID000001"
    assert refinery.site.site_type == "raw_material_processing"
    assert refinery.suppliers[0]["name"] == "Battery Cells Ltd"
    congo = next(s for s in smelters if s.country_iso3 == "COD")
    assert congo.cahra and any("Congo" in r or "DRC" in r or "Democratic" in r for r in congo.cahra_reasons)
    assert AuditEvent.objects.filter(action="rmi_upload.read", target_id=str(upload.pk)).exists()


def test_a_second_upload_replaces_the_first_and_both_are_kept(buyer, asked):
    first = send(asked, emrt())
    second = send(asked, emrt(smelters=COBALT[:1]), name="emrt-v2.xlsx")
    asked.refresh_from_db()
    assert asked.current_upload == second and second.number == 2
    assert asked.uploads.count() == 2 and first.smelters.count() == 2
    assert [s.name for s in selectors.smelter_list(user=buyer)] == ["Cobalt Refinery 1"]


def test_a_file_with_problems_needs_correction_and_the_problems_are_mailed(
    buyer, asked, django_capture_on_commit_callbacks
):
    bad = [{"metal": "Cobalt", "lookup": "Cobalt Refinery 1", "country": "CHINA", "cid": "CID12"}]
    upload = send(asked, emrt(smelters=bad))
    assert upload.status == Upload.Status.NEEDS_CORRECTION
    problem = next(p for p in upload.problems if p["code"] == "cid_invalid_format")
    assert problem["sheet"] == "Smelter List" and problem["row"]
    with django_capture_on_commit_callbacks(execute=True):
        services.problems_send(actor=buyer, request=asked)
    body = mail.outbox[-1].body
    assert "Smelter List" in body and asked.get_supplier_url() in body


def test_a_file_that_is_not_a_template_is_refused_and_names_why(buyer, asked):
    upload = send(asked, b"PK\x03\x04 not really", name="list.xlsx")
    assert upload.status == Upload.Status.REFUSED and upload.refused
    assert ConsolidatedSmelter.objects.count() == 0


def test_a_failed_reading_stores_nothing(buyer, asked, monkeypatch):
    # given a consolidation already stored
    send(asked, emrt())
    before = (ConsolidatedSmelter.objects.count(), UploadSmelter.objects.count(), SiteMention.objects.count())

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("hrdd.rmi.services.consolidation_rebuild", broken)
    # when
    upload_start(request=asked, filename="again.xlsx", content=emrt(smelters=COBALT[:1]))
    run_queued_tasks()  # the worker keeps the traceback; the run fails
    # then
    upload = asked.uploads.order_by("-number").first()
    assert upload.status == Upload.Status.FAILED and upload.task_run.status == "failed"
    assert (
        ConsolidatedSmelter.objects.count(),
        UploadSmelter.objects.count(),
        SiteMention.objects.count(),
    ) == before
    asked.refresh_from_db()
    assert asked.current_upload.number == 1


def test_a_wrong_extension_is_refused_at_once(asked):
    with pytest.raises(InputError) as refused:
        upload_start(request=asked, filename="list.pdf", content=b"%PDF")
    assert refused.value.field == "file"


def test_facility_list_csv_gives_conformance(buyer, asked):
    send(asked, emrt())
    services.facility_list_import(actor=buyer, filename="facilities.csv", content=FACILITY_CSV)
    [summary] = selectors.metal_summaries(user=buyer)
    assert (summary.metal, summary.smelters, summary.identified, summary.conformant) == ("Cobalt", 2, 1, 1)
    assert [s.name for s in selectors.smelter_list(user=buyer, metal="Cobalt", rmap="conformant")] == [
        "Cobalt Refinery 1"
    ]


def test_facility_list_xml_spreadsheet_is_read(buyer, asked):
    send(asked, emrt())
    imported = services.facility_list_import(actor=buyer, filename="facilities.xml", content=XML)
    assert imported.file_format == "xml" and imported.rows == 1
    assert selectors.smelter_list(user=buyer, rmap="conformant").count() == 1


@pytest.mark.parametrize(
    "content",
    [
        BOMB,
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Workbook>&e;</Workbook>',
        b"<Workbook><unclosed>",
        b"<html><body>not a spreadsheet</body></html>",
    ],
)
def test_hostile_or_wrong_xml_is_refused_and_stores_nothing(buyer, content):
    with pytest.raises(InputError) as refused:
        services.facility_list_import(actor=buyer, filename="facilities.xml", content=content)
    assert refused.value.field == "file"
    assert not selectors.facility_list_current(user=buyer)


def test_a_facility_list_without_a_status_column_names_it(buyer):
    with pytest.raises(InputError, match="status"):
        services.facility_list_import(
            actor=buyer, filename="f.csv", content=b"Facility ID,Name\nCID000001,X\n"
        )


def _pages(client):
    for url in (
        "/smelters/",
        "/smelters/?metal=Cobalt&rmap=conformant",
        "/smelters/export.xlsx",
        "/smelters/campaigns/",
    ):
        assert client.get(url).status_code == 200


def _fill(organisation, count):
    """Store `count` consolidated smelters directly (what the read stores), to measure the pages."""
    ConsolidatedSmelter.objects.bulk_create(
        ConsolidatedSmelter(
            organisation=organisation,
            metal="Cobalt" if i % 2 else "Tin",
            name=f"Refinery {i}",
            country_iso3="CHN",
            cid=f"CID{i:06d}",
            identified=True,
            suppliers=[
                {"name": f"Supplier {i}", "request": "00000000-0000-0000-0000-000000000000", "campaign": "c"}
            ],
            supplier_count=1,
        )
        for i in range(count)
    )


def test_pages_cost_the_same_queries_for_10_and_1000_smelters(client, buyer, campaign):
    client.force_login(buyer)
    _fill(buyer.organisation, 10)
    with CaptureQueriesContext(connection) as small:
        _pages(client)
    ConsolidatedSmelter.objects.all().delete()
    _fill(buyer.organisation, 1000)
    with CaptureQueriesContext(connection) as large:
        _pages(client)
    assert len(large) == len(small)


def test_the_question_page_answers_cobalt(client, buyer, asked):
    send(asked, emrt())
    services.facility_list_import(actor=buyer, filename="facilities.csv", content=FACILITY_CSV)
    client.force_login(buyer)
    page = client.get("/smelters/?metal=Cobalt&rmap=conformant").content.decode()
    assert "Cobalt Refinery 1" in page and "Battery Cells Ltd" in page and "Lualaba" not in page


def test_the_supplier_uploads_by_link_without_an_account(client, asked):
    page = client.get(asked.get_supplier_url())
    assert page.status_code == 200 and "Send your smelter list" in page.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    answer = client.post(
        asked.get_supplier_url(),
        {"request": str(asked.public_id), f"r{asked.pk}-file": SimpleUploadedFile("emrt.xlsx", emrt())},
    )
    assert answer.status_code == 302
    assert asked.uploads.count() == 1
    assert client.get("/smelters/supplier/not-a-token/").status_code == 404


def test_the_contract_link_opens_the_request(buyer, campaign, client):
    from tests.factories import CompanyFactory, ContractFactory

    contract = ContractFactory(
        organisation=buyer.organisation, supplier=CompanyFactory(organisation=buyer.organisation)
    )
    services.request_add(actor=buyer, campaign=campaign, contract=contract)
    assert client.get(f"/smelters/supplier/{contract.token}/").status_code == 200


def test_exports_guard_formulas_and_keep_the_template_columns(buyer, asked):
    import io

    from openpyxl import load_workbook

    from hrdd.rmi import exports

    send(asked, emrt())
    smelters = list(selectors.smelter_list(user=buyer))
    smelters[0].name = '=HYPERLINK("http://x")'
    book = load_workbook(io.BytesIO(exports.smelters_xlsx(smelters)))
    assert book["Smelters"]["B2"].data_type == "s"
    key, content = exports.smelter_list_workbook(smelters, template="EMRT")
    sheet = load_workbook(io.BytesIO(content))["Smelter List"]
    from hrdd.domain.rmi import template_layouts

    table = template_layouts()[key].smelter_list
    assert sheet[f"{table.columns['metal']}{table.header_row}"].value == "Metal"
    assert sheet[f"{table.columns['metal']}{table.first_row}"].value == "Cobalt"


def test_api_campaigns_refuse_unknown_fields_and_other_organisations(client, buyer, outsider, asked):
    client.force_login(buyer)
    refused = client.post(
        "/api/v1/smelters/campaigns", {"title": "x", "colour": "red"}, content_type="application/json"
    )
    assert refused.status_code == 422 and "colour" in refused.content.decode()
    made = client.post(
        "/api/v1/smelters/campaigns",
        {"title": "EMRT 2025", "templates": ["EMRT"]},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    campaign_id = made.json()["id"]
    added = client.post(
        f"/api/v1/smelters/campaigns/{campaign_id}/requests",
        {"supplier_name": "Cells Ltd", "email": "not-mail"},
        content_type="application/json",
    )
    assert added.status_code == 422 and added.json()["field"] == "email"
    client.force_login(outsider)
    assert client.get(f"/api/v1/smelters/campaigns/{campaign_id}").status_code == 404
    assert client.get(f"/api/v1/smelters/requests/{asked.public_id}").status_code == 404


def test_api_smelters_and_facility_list(client, buyer, asked):
    send(asked, emrt())
    client.force_login(buyer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    imported = client.post(
        "/api/v1/smelters/facility-list", {"file": SimpleUploadedFile("f.csv", FACILITY_CSV)}
    )
    assert imported.status_code == 201, imported.content
    answer = client.get("/api/v1/smelters/?metal=cobalt&rmap=conformant").json()
    assert [s["name"] for s in answer["smelters"]] == ["Cobalt Refinery 1"]
    assert answer["summary"][0]["conformant"] == 1
    problems = client.get(f"/api/v1/smelters/requests/{asked.public_id}").json()
    assert problems["current_upload"]["status"] == "accepted"
    bad = client.post("/api/v1/smelters/facility-list", {"file": SimpleUploadedFile("f.xml", BOMB)})
    assert bad.status_code == 422


def test_cli_answers_the_cobalt_question(buyer, asked, capsys):
    from typer.testing import CliRunner

    from hrdd.cli import app

    send(asked, emrt())
    services.facility_list_import(actor=buyer, filename="facilities.csv", content=FACILITY_CSV)
    result = CliRunner().invoke(app, ["rmi", "smelters", "--as", buyer.email, "--metal", "cobalt", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    refinery = next(s for s in data["smelters"] if s["cid"] == "CID000001")
    assert refinery["rmap"] == "conformant" and refinery["suppliers"] == ["Battery Cells Ltd"]
    assert data["summary"][0]["metal"] == "Cobalt"
    unknown = CliRunner().invoke(app, ["rmi", "smelters", "--as", "nobody@example.com"])
    assert unknown.exit_code == 2
