"""`hrdd rmi read`: JSON of every file, a table without --json, exit 2 for a file it refuses."""

import json

import pytest

from tests.cli_support import cli  # noqa: F401
from tests.domain.rmi.workbooks import FACTS, build

pytestmark = pytest.mark.skipif(FACTS is None, reason="../shared/reference/rmi is absent")
KEYS = {
    "file", "template_type", "template_version", "company", "minerals_in_scope", "declaration",
    "company_questions", "smelters", "products", "problems",
}  # fmt: skip


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rmi")
    (folder / "cmrt.xlsx").write_bytes(build("CMRT 6.5"))
    (folder / "emrt.xlsx").write_bytes(build("EMRT 2.1", cells={("Declaration", "D16"): "not an address"}))
    (folder / "notes.xlsx").write_bytes(b"plain text")
    return folder


def test_json_has_one_object_per_file_with_the_listed_keys(cli, files):  # noqa: F811
    result = cli("rmi", "read", files / "cmrt.xlsx", files / "emrt.xlsx", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [d["template_type"] for d in data] == ["CMRT", "EMRT"]
    assert all(set(d) >= KEYS for d in data)
    assert data[0]["template_version"] == "6.5" and data[0]["declaration"]["Q1"]["Tin"] == "Yes"
    assert set(data[0]["smelters"][0]) >= {"row", "metal", "name", "country", "cid", "not_listed"}
    assert data[1]["minerals_in_scope"] == ["Cobalt", "Nickel"]


def test_a_refused_file_exits_2_with_a_message_and_no_traceback(cli, files):  # noqa: F811
    result = cli("rmi", "read", files / "cmrt.xlsx", files / "notes.xlsx", "--json")
    assert result.returncode == 2 and result.crash is None
    assert "notes.xlsx" in result.stderr and "Traceback" not in result.stderr
    assert json.loads(result.stdout)[1]["problems"][0]["code"] == "not_a_template"


def test_without_json_a_readable_summary(cli, files):  # noqa: F811
    result = cli("rmi", "read", files / "cmrt.xlsx")
    assert result.returncode == 0
    assert (
        "CMRT 6.5" in result.stdout
        and "Acme Components B.V." in result.stdout
        and "accepted" in result.stdout
    )


def test_the_adapter_uses_the_projects_upload_limits():
    from django.conf import settings

    from hrdd.core import uploads
    from hrdd.rmi.workbook import project_limits

    limits = project_limits()
    assert limits.max_bytes == settings.HRDD_MAX_UPLOAD_BYTES
    assert limits.max_inflated_bytes == uploads.ARCHIVE_MAX_INFLATED_BYTES
