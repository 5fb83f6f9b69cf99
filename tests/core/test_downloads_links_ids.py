"""Downloads (attachment, safe filename, content type), links from HRDD_BASE_URL, ids and tokens."""

import io
import uuid

import pytest

from hrdd.core.downloads import attachment, content_type_for, filename_from_title, safe_filename
from hrdd.core.ids import new_public_id, new_token
from hrdd.core.links import absolute_url, base_url

# downloads


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [
        ("report.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("results.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("annex.md", "text/markdown; charset=utf-8"),
        ("annex.ocds.json", "application/json"),
        ("contract.ics", "text/calendar; charset=utf-8"),
        ("unknown.bin", "application/octet-stream"),
        ("no-extension", "application/octet-stream"),
    ],
)
def test_the_content_type_follows_the_extension(filename, content_type):
    assert content_type_for(filename) == content_type


def test_an_attachment_names_its_file_and_carries_its_content_type():
    # when
    response = attachment(b"PK...", "notebooks-2027-evaluation.xlsx")

    # then
    assert response["Content-Disposition"] == 'attachment; filename="notebooks-2027-evaluation.xlsx"'
    assert response["Content-Type"] == content_type_for("x.xlsx")
    assert response.content == b"PK..."


def test_a_given_content_type_wins():
    assert attachment("{}", "a.json", content_type="application/ld+json")["Content-Type"] == (
        "application/ld+json"
    )


def test_an_open_file_is_streamed_as_an_attachment():
    # when
    response = attachment(io.BytesIO(b"name,address\n"), "sites.csv")

    # then
    assert response["Content-Disposition"] == 'attachment; filename="sites.csv"'
    assert b"".join(response.streaming_content) == b"name,address\n"


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\report.pdf", "report.pdf"),
        ('evil".pdf', "evil-.pdf"),
        ("two\r\nlines.txt", "twolines.txt"),
        ("a;b.csv", "a-b.csv"),
        ("", "download"),
        ("..", "download"),
    ],
)
def test_a_supplier_given_filename_is_made_safe(name, safe):
    assert safe_filename(name) == safe


def test_a_non_ascii_filename_is_sent_in_the_encoded_form():
    response = attachment(b"x", "Überblick.docx")
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%C3%9Cberblick.docx"


def test_a_long_filename_is_shortened_keeping_its_extension():
    name = safe_filename("a" * 400 + ".xlsx")
    assert len(name) == 150
    assert name.endswith(".xlsx")


def test_a_filename_from_a_title_falls_back_to_the_default():
    assert filename_from_title("Notebooks 2027", "-evaluation.xlsx", default="tender") == (
        "notebooks-2027-evaluation.xlsx"
    )
    assert filename_from_title("???", ".ics", default="contract") == "contract.ics"


# links


def test_an_absolute_link_joins_the_base_url_and_the_path_with_one_slash(settings):
    settings.HRDD_BASE_URL = "https://hrdd.example.org/"
    assert base_url() == "https://hrdd.example.org"
    assert absolute_url("/respond/abc/") == "https://hrdd.example.org/respond/abc/"
    assert absolute_url("respond/abc/") == "https://hrdd.example.org/respond/abc/"


# ids and tokens


def test_tokens_are_long_url_safe_and_different_every_time():
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(len(t) >= 43 and t.replace("-", "").replace("_", "").isalnum() for t in tokens)


def test_public_ids_are_random_uuids():
    assert new_public_id().version == 4
    assert isinstance(new_public_id(), uuid.UUID)


def test_the_apps_token_callables_named_in_migrations_are_the_kernels():
    from hrdd.consultations import models as consultations
    from hrdd.contracts import models as contracts

    assert consultations.new_token is new_token
    assert contracts.new_token is new_token
