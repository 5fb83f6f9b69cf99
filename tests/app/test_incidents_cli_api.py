"""The incidents' command line and API: CSV import all or nothing with row and column named, exit status 2;
the exposure as JSON; API writes, 4xx for bad input, unknown fields and other organisations' incidents."""

import json

import pytest

from hrdd.incidents.models import Incident
from tests.app.incidents_support import buyer_org, contract_for, group, mention, site

HEADER = "title,source,date,category,site_id,group,country,scale,scope,irremediability,confidentiality\n"


@pytest.fixture
def owner(db):
    _organisation, manager = buyer_org("Owner City")
    return manager


@pytest.fixture
def plant(owner):
    the_site = site()
    mention(the_site, contract_for(owner.organisation, "Notebooks 2027"))
    return the_site


def write(tmp_path, text):
    path = tmp_path / "incidents.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_csv_of_incidents_is_imported(cli, tmp_path, owner, plant):
    group("Foxconn")
    path = write(
        tmp_path,
        HEADER
        + f"Child labour found,Monitoring report,2025-11-02,Child labour,{plant.public_id},,,4,2,4,shared\n"
        + "Union leaders dismissed,ngo,2025-12-01,freedom_of_association,,Foxconn,China,,,,\n",
    )
    result = cli("incidents", "import", path, "--as", owner.email, "--json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 2
    first = Incident.objects.get(title="Child labour found")
    assert (first.site, first.severity, first.confidentiality) == (plant, "critical", "shared")
    assert Incident.objects.get(title="Union leaders dismissed").group.name == "Foxconn"


def test_a_bad_row_names_its_row_and_column_exits_2_and_stores_nothing(cli, tmp_path, owner, plant):
    path = write(
        tmp_path,
        HEADER
        + f"Good row,media,2025-11-02,child_labour,{plant.public_id},,,,,,\n"
        + "Bad category,media,2025-11-02,weather,,,,,,,\n"
        + "Bad rating,media,2025-11-02,child_labour,,,,7,,,\n"
        + "Unknown group,media,2025-11-02,child_labour,,Nobody Group,,,,,\n",
    )
    result = cli("incidents", "import", path, "--as", owner.email)
    assert result.returncode == 2
    assert "row 3, column category" in result.stderr
    assert "row 4, column scale" in result.stderr
    assert "row 5, column group" in result.stderr
    assert not Incident.objects.exists()


def test_an_unknown_column_is_refused(cli, tmp_path, owner):
    path = write(tmp_path, "title,source,date,category,severity\nX,media,2025-01-01,child_labour,high\n")
    result = cli("incidents", "import", path, "--as", owner.email)
    assert result.returncode == 2 and "row 1, column severity: unknown column" in result.stderr


def test_exposure_as_json_on_the_command_line(cli, owner, plant):
    incident = Incident.objects.create(
        organisation=owner.organisation, title="Fire exits locked", source="media", site=plant
    )
    result = cli("incidents", "exposure", incident.public_id, "--as", owner.email, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [c["title"] for c in data["contracts"]] == ["Notebooks 2027"]
    assert data["exposed_sites"][0]["buyers"] == 1 and data["contract_value_known"] is False


def test_exposure_of_an_incident_outside_the_audience_exits_2(cli, owner, plant):
    _other, outsider = buyer_org("Elsewhere")
    incident = Incident.objects.create(
        organisation=owner.organisation, title="Hidden", source="media", site=plant
    )
    result = cli("incidents", "exposure", incident.public_id, "--as", outsider.email)
    assert result.returncode == 2 and "INCIDENT" in result.stderr


def test_the_api_records_an_incident_rates_its_severity_and_shows_the_exposure(client, owner, plant):
    client.force_login(owner)
    made = client.post(
        "/api/v1/incidents/",
        {
            "title": "Toxic exposure",
            "source": "audit",
            "category": "occupational_health_safety",
            "site": str(plant.public_id),
            "scale": 3,
            "scope": 2,
            "irremediability": 2,
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["severity"] == "medium" and body["allowed_statuses"] == [
        "verifying",
        "unsubstantiated",
        "closed",
    ]
    exposure = client.get(f"/api/v1/incidents/{body['id']}/exposure").json()
    assert [c["title"] for c in exposure["contracts"]] == ["Notebooks 2027"]
    moved = client.post(
        f"/api/v1/incidents/{body['id']}/status", {"status": "remediated"}, content_type="application/json"
    )
    assert moved.status_code == 422 and moved.json()["field"] == "status"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "X", "source": "media", "colour": "red"}, "colour"),
        ({"title": "X", "source": "rumour"}, "source"),
        ({"title": "X", "source": "media", "category": "weather"}, "category"),
        ({"title": "X", "source": "media", "scale": 9}, "scale"),
        ({"title": "X", "source": "media", "site": "00000000-0000-0000-0000-000000000000"}, "site"),
        ({"title": "X", "source": "media", "source_url": "javascript:alert(1)"}, "source_url"),
    ],
)
def test_the_api_refuses_bad_input_naming_the_field(client, owner, body, field):
    client.force_login(owner)
    answer = client.post("/api/v1/incidents/", body, content_type="application/json")
    assert answer.status_code == 422
    assert answer.json()["field"] == field
    assert not Incident.objects.exists()


def test_the_api_hides_other_organisations_incidents_and_refuses_viewers(client, owner, plant):
    incident = Incident.objects.create(
        organisation=owner.organisation, title="Hidden", source="media", site=plant
    )
    _other, outsider = buyer_org("Elsewhere")
    client.force_login(outsider)
    assert client.get(f"/api/v1/incidents/{incident.public_id}").status_code == 404
    assert client.get(f"/api/v1/incidents/{incident.public_id}/exposure").status_code == 404
    assert client.get("/api/v1/incidents/").json()["count"] == 0
    _v, viewer = buyer_org("Viewers", role="viewer")
    client.force_login(viewer)
    refused = client.post(
        "/api/v1/incidents/", {"title": "X", "source": "media"}, content_type="application/json"
    )
    assert refused.status_code == 403


def test_sharing_is_an_administrators_choice(client, db):
    _org, admin = buyer_org("Admin City", share=False, role="admin")
    client.force_login(admin)
    assert client.put("/api/v1/incidents/sharing", {"share": True}, content_type="application/json").json()[
        "share"
    ]
    _org2, manager = buyer_org("Manager City", share=False)
    client.force_login(manager)
    assert (
        client.put("/api/v1/incidents/sharing", {"share": True}, content_type="application/json").status_code
        == 403
    )
    assert (
        client.put("/api/v1/incidents/sharing", {"share": "yes"}, content_type="application/json").status_code
        == 422
    )


def test_notices_are_listed_and_marked_read(client, owner, plant):
    from hrdd.incidents import services

    services.incident_create(
        actor=owner, title="Fire", source="media", category="occupational_health_safety", site=plant
    )
    client.force_login(owner)
    [notice] = client.get("/api/v1/incidents/notices").json()
    assert notice["contracts"] == 1 and not notice["read"]
    assert client.post(f"/api/v1/incidents/notices/{notice['id']}/read").json()["read"]
    assert client.get("/api/v1/incidents/notices?unread=true").json() == []
