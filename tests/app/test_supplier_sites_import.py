"""The registry's background import, the site list of a contract becoming mentions, the API and the command line."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hrdd.contracts.services import submission_create
from hrdd.core.models import TaskRun
from hrdd.core.tasks import run_queued_tasks, task_run_here
from hrdd.supplier_sites import services
from hrdd.supplier_sites.models import MentionStatus, Site, SiteImport, SiteMention
from hrdd.supplier_sites.tasks import site_import_start
from tests.cli_support import assert_refused, ok
from tests.factories import ContractFactory, ObligationFactory

CC2 = (
    "name,address,country,site_type,products\r\n"
    "Penang Assembly Sdn Bhd,1 Industrial Road,Malaysia,final assembly,notebooks\r\n"
    "Kulim Boards,2 Hi-Tech Park,MY,component,mainboards\r\n"
    ",3 Nameless Road,MY,component,\r\n"
    "Atlantis Cells,4 Sea Road,Atlantis,component,cells\r\n"
)
OSH = (
    "name,address,country,sector,product_type,facility_type,number_of_workers,parent_company,lat,lng,os_id\r\n"
    "Batu Kawan Plant,5 Batu Kawan,MY,Electronics,notebooks,Final Product Assembly,2000,Foxlink Group,5.25,100.43,"
    "MY2019303BQ3FZP\r\n"
)


def upload(content, name="sites.csv"):
    return SimpleUploadedFile(name, content.encode(), content_type="text/csv")


def imported(buyer, content, **kwargs):
    run = site_import_start(actor=buyer, upload=upload(content), enqueue=False, **kwargs)
    return task_run_here(run)


def test_an_import_stores_good_rows_and_reports_refused_ones_with_row_numbers(buyer):
    heard = []
    run = site_import_start(actor=buyer, upload=upload(CC2), enqueue=False, supplier="Lumen Computers")
    run = task_run_here(run, listener=lambda r: heard.append((r.done, r.total)))
    assert run.status == TaskRun.Status.DONE, run.error
    found = SiteImport.objects.get()
    assert found.counts == {"linked": 0, "review": 0, "new": 2, "rejected": 2}
    assert [(r["row"], r["field"]) for r in found.rejected_rows] == [(4, "name"), (5, "country")]
    assert "Atlantis" in found.rejected_rows[1]["reason"]
    assert found.supplier.legal_name == "Lumen Computers"
    assert SiteMention.objects.filter(site_import=found, supplier=found.supplier).count() == 2
    assert heard and heard[-1][0] == heard[-1][1]  # progress reached its total
    assert "2 new sites" in run.message


def test_an_open_supply_hub_list_brings_coordinates_group_and_id(buyer):
    run = imported(buyer, OSH)
    assert run.status == TaskRun.Status.DONE, run.error
    site = Site.objects.get()
    assert (site.latitude, site.longitude, site.os_id) == (5.25, 100.43, "MY2019303BQ3FZP")
    assert site.site_type == "final_assembly"
    assert site.operator.name == "Foxlink Group"
    # the same id links at once on the next upload, whatever the spelling
    imported(buyer, OSH.replace("Batu Kawan Plant", "BK notebook factory"))
    assert SiteMention.objects.filter(site=site, status=MentionStatus.AUTO).count() == 1


def test_a_failing_import_stores_nothing(buyer, monkeypatch):
    from hrdd.supplier_sites import bulk

    def broken(model, rows):
        if model is SiteMention:  # the new sites are in by then; the mentions fail
            raise RuntimeError("disk full")
        return bulk.insert_rows(model, rows)

    monkeypatch.setattr("hrdd.supplier_sites.services.insert_rows", broken)
    run = site_import_start(actor=buyer, upload=upload(CC2), enqueue=False)
    with pytest.raises(RuntimeError):
        task_run_here(run)
    run.refresh_from_db()
    assert run.status == TaskRun.Status.FAILED
    assert not Site.objects.exists()
    assert not SiteImport.objects.exists()


def test_a_file_without_the_name_column_fails_the_run_naming_it(buyer):
    run = imported(buyer, "address,country\r\n1 Road,MY\r\n")
    assert run.status == TaskRun.Status.FAILED
    assert "name" in run.error
    assert not Site.objects.exists()


def test_an_import_runs_on_the_worker(buyer):
    site_import_start(actor=buyer, upload=upload(CC2))
    assert run_queued_tasks() == 1
    assert Site.objects.count() == 2


def test_a_suppliers_site_list_under_a_contract_becomes_mentions(municipality):
    contract = ContractFactory(organisation=municipality)
    obligation = ObligationFactory(contract=contract, clause="CC2")
    lines = "\r\n".join(CC2.splitlines()[:3]) + "\r\n"
    submission = submission_create(obligation=obligation, data={}, upload=upload(lines))
    mentions = SiteMention.objects.filter(submission=submission)
    assert mentions.count() == 2
    assert {m.contract for m in mentions} == {contract}
    assert {m.supplier for m in mentions} == {contract.supplier}
    assert all(m.production_site is not None and m.organisation == municipality for m in mentions)
    assert mentions.get(name="Kulim Boards").products == "mainboards"


# the API


API = "/api/v1/sites"


def _send(client, method, path, body):
    return getattr(client, method)(path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def api(client, buyer):
    client.force_login(buyer)
    return client


def test_search_a_site_correct_it_and_read_it_back(api, buyer):
    imported(buyer, CC2)
    listed = api.get(f"{API}/?q=kulim").json()
    assert listed["count"] == 1
    site = listed["items"][0]
    changed = _send(
        api, "patch", f"{API}/{site['id']}", {"city": "Kulim", "site_type": "component_manufacturing"}
    )
    assert changed.status_code == 200, changed.content
    assert api.get(f"{API}/{site['id']}").json()["city"] == "Kulim"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"city": "Kulim", "colour": "red"}, "colour"),
        ({"country_iso3": "Atlantis"}, "country_iso3"),
        ({"latitude": 100, "longitude": 1}, "latitude"),
        ({"site_type": "factory"}, "site_type"),
        ({"os_id": "nonsense"}, "os_id"),
    ],
)
def test_bad_site_input_is_422_naming_the_field(api, buyer, body, field):
    imported(buyer, CC2)
    site = Site.objects.first()
    answer = _send(api, "patch", f"{API}/{site.public_id}", body)
    assert answer.status_code == 422, answer.content
    assert answer.json()["field"] == field


def test_confirm_and_reject_through_the_api(api, buyer):
    imported(buyer, CC2)
    penang = Site.objects.get(name="Penang Assembly Sdn Bhd")
    records = [services.ListedRecord(name="Penang Assy 2", country_iso3="MYS")]
    verdicts = services.match_listed(records)
    pending = [
        services.Verdict(
            v.record,
            v.fingerprint,
            MentionStatus.REVIEW,
            None,
            0.7,
            "close",
            [{"site": str(penang.public_id), "score": 0.7, "agreements": []}],
        )
        for v in verdicts
    ]
    services.mentions_record(
        organisation=buyer.organisation,
        records=records,
        source="manual",
        mentioned_on=penang.created_at.date(),
        verdicts=pending,
    )
    queue = api.get(f"{API}/review").json()
    assert queue["count"] == 1
    mention = queue["items"][0]
    assert mention["candidates"][0]["site"] == str(penang.public_id)
    assert _send(api, "post", f"{API}/mentions/{mention['id']}/confirm", {"colour": 1}).status_code == 422
    confirmed = _send(api, "post", f"{API}/mentions/{mention['id']}/confirm", {})
    assert confirmed.json()["status"] == "confirmed"
    assert api.get(f"{API}/review").json()["count"] == 0


def test_mentions_of_another_organisation_are_404(client, buyer, outsider):
    imported(buyer, CC2)
    mention = SiteMention.objects.first()
    client.force_login(outsider)
    assert client.get(f"{API}/mentions/{mention.public_id}").status_code == 404
    assert client.delete(f"{API}/mentions/{mention.public_id}").status_code == 404
    assert client.get(f"{API}/mentions").json()["count"] == 0


def test_add_correct_and_delete_one_mention(api, buyer):
    added = _send(
        api, "post", f"{API}/mentions", {"name": "Kulim Boards", "country": "MY", "address": "2 Hi-Tech Park"}
    )
    assert added.status_code == 201, added.content
    mention = added.json()
    corrected = _send(api, "patch", f"{API}/mentions/{mention['id']}", {"country": "Atlantis"})
    assert (corrected.status_code, corrected.json()["field"]) == (422, "country")
    assert api.delete(f"{API}/mentions/{mention['id']}").status_code == 204


def test_groups_through_the_api(api):
    group = _send(api, "post", f"{API}/groups", {"name": "Foxlink Group", "role": "odm_ems"})
    assert group.status_code == 201, group.content
    entity = _send(
        api,
        "post",
        f"{API}/groups",
        {"name": "Foxlink MY", "kind": "legal_entity", "parent": group.json()["id"]},
    )
    assert entity.status_code == 201
    loop = _send(api, "patch", f"{API}/groups/{group.json()['id']}", {"parent": entity.json()["id"]})
    assert (loop.status_code, loop.json()["field"]) == (422, "parent")
    assert _send(api, "post", f"{API}/groups", {"name": "X", "role": "king"}).json()["field"] == "role"
    assert len(api.get(f"{API}/groups").json()) == 2


def test_import_and_poll_through_the_api(api, buyer):
    answer = api.post(f"{API}/imports", {"file": upload(CC2), "supplier": "Lumen"})
    assert answer.status_code == 202, answer.content
    task = answer.json()["task"]
    run_queued_tasks()
    status = api.get(f"{API}/imports/{task}").json()
    assert status["status"] == "done"
    assert status["counts"]["new"] == 2
    assert [r["row"] for r in status["rejected_rows"]] == [4, 5]
    refused = api.post(f"{API}/imports", {"file": SimpleUploadedFile("sites.pdf", b"%PDF-1.4")})
    assert refused.status_code == 422


def test_export_has_open_supply_hubs_columns(api, buyer):
    imported(buyer, CC2)
    answer = api.get(f"{API}/export?format=csv")
    header = answer.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:11] == [
        "name",
        "address",
        "country",
        "sector",
        "product_type",
        "facility_type",
        "number_of_workers",
        "parent_company",
        "lat",
        "lng",
        "os_id",
    ]
    rows = api.get(f"{API}/export?format=json").json()
    assert {r["product_type"] for r in rows} == {"notebooks", "mainboards"}
    assert api.get(f"{API}/export?format=pdf").status_code == 422


def test_merge_and_undo_through_the_api(api, buyer):
    imported(buyer, CC2)
    kept, merged = Site.objects.order_by("name")
    answer = _send(
        api, "post", f"{API}/merges", {"kept": str(kept.public_id), "merged": str(merged.public_id)}
    )
    assert answer.status_code == 201, answer.content
    assert api.get(f"{API}/").json()["count"] == 1
    undone = _send(api, "post", f"{API}/merges/{answer.json()['id']}/undo", {})
    assert undone.status_code == 200
    assert api.get(f"{API}/").json()["count"] == 2


# the command line


def test_cli_imports_with_a_progress_bar_and_reports_refused_rows(cli, buyer, tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text(CC2, encoding="utf-8")
    result = ok(cli("sites", "import", path, "--as", buyer.email, "--supplier", "Lumen", "--json"))
    data = json.loads(result.stdout)
    assert (data["new"], data["rejected"]) == (2, 2)
    assert data["rejected_rows"][0]["row"] == 4


def test_cli_refuses_bad_input_with_exit_2(cli, buyer, tmp_path):
    assert_refused(cli("sites", "import", tmp_path / "missing.csv", "--as", buyer.email), "file")
    assert_refused(cli("sites", "import", tmp_path / "missing.csv", "--as", "nobody@x.example"), "--as")
    assert_refused(cli("sites", "review", "--as", buyer.email, "--confirm", "abc"), "--confirm")
    assert_refused(
        cli("sites", "review", "--as", buyer.email, "--confirm", "abcdef", "--reject", "abcdef"), "--reject"
    )
    assert_refused(cli("sites", "export", "--as", buyer.email, "--format", "pdf"), "--format")
    assert_refused(cli("sites", "export", "--as", buyer.email, "--format", "xlsx"), "--output")
    assert_refused(cli("sites", "review", "--as", buyer.email, "--organisation", "Nowhere"), "--organisation")


def test_cli_review_lists_and_confirms(cli, buyer):
    imported(buyer, CC2)
    penang = Site.objects.get(name="Penang Assembly Sdn Bhd")
    records = [services.ListedRecord(name="Penang Assy 2", country_iso3="MYS")]
    [v] = services.match_listed(records)
    pending = [
        services.Verdict(
            v.record,
            v.fingerprint,
            MentionStatus.REVIEW,
            None,
            0.7,
            "close",
            [{"site": str(penang.public_id), "score": 0.7, "agreements": []}],
        )
    ]
    services.mentions_record(
        organisation=buyer.organisation,
        records=records,
        source="manual",
        mentioned_on=penang.created_at.date(),
        verdicts=pending,
    )
    listed = ok(cli("sites", "review", "--as", buyer.email))
    assert "Penang Assy 2" in listed.stdout and "1 mention(s) waiting" in listed.stdout
    mention = SiteMention.objects.get(status=MentionStatus.REVIEW)
    done = ok(cli("sites", "review", "--as", buyer.email, "--confirm", str(mention.public_id)[:8]))
    assert "Penang Assembly Sdn Bhd" in done.stdout
    mention.refresh_from_db()
    assert mention.site == penang


def test_cli_exports_json_and_xlsx(cli, buyer, tmp_path):
    imported(buyer, CC2)
    rows = json.loads(ok(cli("sites", "export", "--as", buyer.email, "--format", "json")).stdout)
    assert {r["name"] for r in rows} == {"Penang Assembly Sdn Bhd", "Kulim Boards"}
    ok(cli("sites", "export", "--as", buyer.email, "--format", "xlsx", "-o", tmp_path / "sites.xlsx"))
    assert (tmp_path / "sites.xlsx").read_bytes()[:2] == b"PK"


def test_a_change_made_on_an_older_version_is_409_and_the_version_is_honoured(api, buyer):
    imported(buyer, CC2)
    site = api.get(f"{API}/?q=kulim").json()["items"][0]
    first = _send(api, "patch", f"{API}/{site['id']}", {"city": "Kulim", "updated_at": site["updated_at"]})
    assert first.status_code == 200, first.content
    late = _send(api, "patch", f"{API}/{site['id']}", {"city": "Ipoh", "updated_at": site["updated_at"]})
    assert (late.status_code, late.json()["field"]) == (409, "updated_at")
    assert api.get(f"{API}/{site['id']}").json()["city"] == "Kulim"
    # without a version the change is made (optional)
    assert _send(api, "patch", f"{API}/{site['id']}", {"city": "Ipoh"}).status_code == 200
    mention = api.get(f"{API}/mentions").json()["items"][0]
    ok = _send(
        api,
        "patch",
        f"{API}/mentions/{mention['id']}",
        {"city": "Kulim", "updated_at": mention["updated_at"]},
    )
    assert ok.status_code == 200, ok.content
    stale = _send(
        api, "patch", f"{API}/mentions/{mention['id']}", {"city": "X", "updated_at": mention["updated_at"]}
    )
    assert stale.status_code == 409
    group = _send(api, "post", f"{API}/groups", {"name": "Foxlink Group"}).json()
    assert (
        _send(
            api, "patch", f"{API}/groups/{group['id']}", {"role": "oem", "updated_at": group["updated_at"]}
        ).status_code
        == 200
    )
    assert (
        _send(
            api, "patch", f"{API}/groups/{group['id']}", {"role": "jdm", "updated_at": group["updated_at"]}
        ).status_code
        == 409
    )


def test_a_long_supplier_site_list_is_matched_in_the_background(municipality, monkeypatch):
    monkeypatch.setattr("hrdd.supplier_sites.services.SUBMISSION_MATCH_IN_REQUEST_MAX", 1)
    contract = ContractFactory(organisation=municipality)
    obligation = ObligationFactory(contract=contract, clause="CC2")
    lines = "\r\n".join(CC2.splitlines()[:3]) + "\r\n"
    submission = submission_create(obligation=obligation, data={}, upload=upload(lines))
    # the supplier's upload is answered before matching: nothing is matched yet, a run waits
    assert not SiteMention.objects.exists()
    run = TaskRun.objects.get(subject="supplier_sites.submission")
    assert run.organisation == municipality
    assert run_queued_tasks() == 1
    run.refresh_from_db()
    assert run.status == TaskRun.Status.DONE, run.error
    mentions = SiteMention.objects.filter(submission=submission)
    assert mentions.count() == 2
    assert {m.supplier for m in mentions} == {contract.supplier}
    # a retry finds it done and stores nothing twice
    from hrdd.supplier_sites.tasks import run_submission_match

    run_submission_match(run, type("P", (), {"update": lambda *a, **k: None, "say": lambda *a: None})())
    assert mentions.count() == 2
