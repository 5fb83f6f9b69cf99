"""`hrdd sites match`: two CSV files in, predictions out, no database; bad files refused with row and column."""

import csv

from tests.cli_support import assert_refused, ok

REGISTRY = """site_id,name,address,city,country_iso2,parent_group
S1,"Hon Hai Precision Industry (Kunshan) Co., Ltd.",No. 18 Xinghua Road,Kunshan,CN,Hon Hai
S2,"Shenzhen Xinwei Electronics Co., Ltd.","No. 81 Guanlan Avenue, Longhua District",Shenzhen,CN,
S3,Zollner Elektronik Kft.,Ipari Park 12,Zalaegerszeg,HU,Zollner
"""
INCOMING = """record_id,name,address,city,country
r1,SHEN ZHEN XINWEI ELEC CO LTD,"81 Guanlan Ave., Longhua Dist.",Shen Zhen,China
r2,"Hon Hai Precision Industry (Zhengzhou) Co., Ltd.",No. 9 Hangkong Road,Zhengzhou,CHN
r3,Vertex Battery s.r.o.,Průmyslová 5,Brno,Czechia
"""


def _files(tmp_path, registry=REGISTRY, incoming=INCOMING):
    (tmp_path / "registry.csv").write_text(registry, encoding="utf-8")
    (tmp_path / "incoming.csv").write_text(incoming, encoding="utf-8")
    return tmp_path / "registry.csv", tmp_path / "incoming.csv", tmp_path / "predictions.csv"


def test_match_writes_a_prediction_for_every_incoming_record(cli, tmp_path):
    # given
    registry, incoming, out = _files(tmp_path)
    # when
    result = ok(cli("sites", "match", "--registry", registry, "--incoming", incoming, "--out", out))
    # then
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["record_id", "site_id", "status", "score"]
    by_id = {row["record_id"]: row for row in rows}
    assert (by_id["r1"]["site_id"], by_id["r1"]["status"]) == ("S2", "auto")
    assert by_id["r2"]["status"] != "auto"
    assert (by_id["r3"]["site_id"], by_id["r3"]["status"]) == ("", "new")
    assert 0.9 <= float(by_id["r1"]["score"]) <= 1
    assert "Matched 3 records against 3 sites" in result.stderr


def test_a_missing_or_unknown_column_is_refused_naming_the_file(cli, tmp_path):
    registry, incoming, out = _files(tmp_path, incoming=INCOMING.replace("country", "land", 1))
    result = cli("sites", "match", "--registry", registry, "--incoming", incoming, "--out", out)
    assert_refused(result, "incoming.csv", "row 1", "missing column(s) country", "'land'")
    assert not out.exists()


def test_a_bad_row_is_refused_naming_the_row_and_the_column(cli, tmp_path):
    registry, incoming, out = _files(tmp_path, incoming=INCOMING.replace("Brno,Czechia", "Brno,Atlantis"))
    result = cli("sites", "match", "--registry", registry, "--incoming", incoming, "--out", out)
    assert_refused(result, "incoming.csv", "row 4", "column country", "Atlantis")
    assert not out.exists()


def test_an_empty_name_in_the_registry_is_refused(cli, tmp_path):
    registry, incoming, out = _files(tmp_path, registry=REGISTRY.replace("S3,Zollner Elektronik Kft.", "S3,"))
    result = cli("sites", "match", "--registry", registry, "--incoming", incoming, "--out", out)
    assert_refused(result, "registry.csv", "row 4", "column name", "empty")


def test_a_site_id_given_twice_is_refused(cli, tmp_path):
    registry, incoming, out = _files(tmp_path, registry=REGISTRY.replace("S3,", "S1,"))
    result = cli("sites", "match", "--registry", registry, "--incoming", incoming, "--out", out)
    assert_refused(result, "registry.csv", "row 4", "column site_id", "also row 2")


def test_the_match_command_sets_up_no_django(hrdd, tmp_path):
    # given
    registry, incoming, out = _files(tmp_path)
    # when: a separate process that would fail on any database access (its var directory has no database)
    probe = (
        "import sys, django.apps; from hrdd.cli import app; "
        "sys.argv = ['hrdd', 'sites', 'match', '--registry', sys.argv[1], '--incoming', sys.argv[2], '--out', sys.argv[3]]\n"
        "try:\n    app()\nexcept SystemExit as e:\n    assert e.code in (0, None), e.code\n"
        "assert not django.apps.apps.ready, 'django.setup() ran'\nprint('no django')"
    )
    result = hrdd(registry, incoming, out, command=(__import__("sys").executable, "-c", probe))
    # then
    assert result.returncode == 0, result.stderr[-2000:]
    assert "no django" in result.stdout
    assert out.exists()
