"""Every importer fed malformed and hostile bytes (issue 17): random bytes, truncated and mutated valid files, ZIP
packages of junk, ZIP bombs and entity declarations built here. Each either reads the file or refuses it with an
input error (a sentence, 4xx on the web, exit status 2 on the command line), and a refusal stores nothing.

Bounded: a few dozen examples per importer, no deadline per example (the machine is shared); the time each
reader may take is bounded in the readers themselves and measured in benchmarks/hostile_files.py."""

from __future__ import annotations

import contextlib
import io
import os
import zipfile
from functools import cache

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hrdd.consultations.models import Invitation
from hrdd.consultations.services import response_import_xlsx
from hrdd.consultations.spreadsheets import blank_questionnaire
from hrdd.contracts.models import Submission
from hrdd.core.errors import InputError
from hrdd.core.text import document_text
from hrdd.domain.maturity import InvalidResponse
from hrdd.domain.questionnaire_framework import get_framework
from hrdd.profiles.format import parse_profile_document
from hrdd.risks.checks import check_text
from hrdd.rmi.workbook import read_template_file
from hrdd.supplier_sites.sitefiles import read_site_file
from tests.app import hostile
from tests.app.test_hostile_files import SITE_HEADER, SITE_ROW, cc2, contract  # noqa: F401 - fixtures
from tests.app.workbooks import fill_questionnaire
from tests.core.builders import docx_bytes, pdf_bytes, xlsx_bytes
from tests.factories import response

FUZZ = settings(
    # HRDD_FUZZ_EXAMPLES=500 for a deeper run by hand, with fresh examples
    max_examples=int(os.environ.get("HRDD_FUZZ_EXAMPLES", "25")),
    deadline=None,
    derandomize="HRDD_FUZZ_EXAMPLES" not in os.environ,  # the same examples on every run in CI
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@cache
def questionnaire() -> bytes:
    raw = response(company="Fuzzed Supplier Ltd")
    return fill_questionnaire(
        blank_questionnaire(get_framework()), company=raw["company"], role=raw["role"], answers=raw["answers"]
    )


@cache
def site_list() -> bytes:
    return xlsx_bytes([SITE_HEADER, SITE_ROW])


@cache
def site_list_csv() -> bytes:
    return (",".join(SITE_HEADER) + "\r\n" + ",".join(f'"{v}"' for v in SITE_ROW) + "\r\n").encode()


@cache
def document() -> bytes:
    return docx_bytes(
        "We found a risk of child labour at cobalt mines in the Democratic Republic of the Congo."
    )


def _bomb(part: str) -> bytes:
    """A package whose one part inflates 1,000 to 1 (a ZIP bomb, small enough to build in a test)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(part, b"<a>" + b"\x20" * (4 * 1024 * 1024) + b"</a>")
        archive.writestr("[Content_Types].xml", b"<Types/>")
    return buffer.getvalue()


def hostile_versions(valid: bytes, main_part: str) -> st.SearchStrategy[bytes]:
    """Bytes an attacker or a damaged disk could send in place of `valid`."""
    flips = st.lists(st.tuples(st.integers(0, len(valid) - 1), st.integers(0, 255)), min_size=1, max_size=8)

    def flipped(changes: list[tuple[int, int]]) -> bytes:
        data = bytearray(valid)
        for at, byte in changes:
            data[at] = byte
        return bytes(data)

    parts = hostile.parts_of(valid) if valid.startswith(b"PK") else {}
    xml_parts = sorted(name for name in parts if name.endswith((".xml", ".rels")))
    return st.one_of(
        st.binary(max_size=2048),
        st.integers(0, len(valid) - 1).map(lambda n: valid[:n]),
        flips.map(flipped),
        st.binary(max_size=512).map(lambda junk: hostile.package({main_part: junk})),
        st.just(_bomb(main_part)),
        *(
            [
                st.sampled_from(xml_parts).map(lambda part: hostile.declared_entities(valid, part)),
                st.sampled_from(xml_parts).flatmap(
                    lambda part: st.binary(max_size=256).map(
                        lambda junk, part=part: hostile.package({**parts, part: junk})
                    )
                ),
                st.just(hostile.macro_enabled(valid, main_part.split("/")[0])),
            ]
            if parts
            else []
        ),
    )


def _stores_nothing_when_refused(read, count) -> None:  # type: ignore[no-untyped-def]
    before = count()
    try:
        read()
    except (InputError, InvalidResponse):
        assert count() == before


@pytest.mark.django_db
@FUZZ
@given(content=hostile_versions(questionnaire(), "xl/workbook.xml"))
def test_the_questionnaire_import_reads_or_refuses_any_bytes_and_stores_nothing_it_refuses(
    buyer, consultation, content
):
    _stores_nothing_when_refused(
        lambda: response_import_xlsx(
            actor=buyer, consultation=consultation, stream=io.BytesIO(content), replace=True
        ),
        lambda: Invitation.objects.filter(consultation=consultation).count(),
    )


@pytest.mark.django_db
@FUZZ
@given(
    content=hostile_versions(site_list(), "xl/workbook.xml"),
    name=st.sampled_from(["sites.xlsx", "sites.csv"]),
)
def test_a_site_list_sent_through_the_supplier_link_is_read_or_refused_and_a_refusal_stores_nothing(
    cc2,  # noqa: F811 - the fixture
    content,
    name,
):
    from hrdd.contracts.services import submission_create

    _stores_nothing_when_refused(
        lambda: submission_create(obligation=cc2, data={}, upload=SimpleUploadedFile(name, content)),
        lambda: Submission.objects.filter(obligation=cc2).count(),
    )


@FUZZ
@given(content=hostile_versions(site_list_csv(), "xl/workbook.xml"))
def test_a_registry_list_in_csv_is_read_or_refused(content):
    from hrdd.core.uploads import accept_content

    with contextlib.suppress(InputError):
        read_site_file(accept_content("registry.csv", content, allowed=(".csv",)))


@FUZZ
@given(content=hostile_versions(site_list(), "xl/workbook.xml"))
def test_an_rmi_template_is_read_or_refused_as_a_reading_never_an_exception(content):
    reading = read_template_file(content, name="cmrt.xlsx")
    assert reading.refused or reading.file == "cmrt.xlsx"


@FUZZ
@given(content=hostile_versions(document(), "word/document.xml"))
def test_the_document_check_reads_or_refuses_any_docx(content):
    with contextlib.suppress(InputError):
        check_text(document_text("assessment.docx", content), "risk-assessment")


@FUZZ
@given(content=hostile_versions(pdf_bytes("Child labour was found at a cobalt mine."), "x"))
def test_the_document_check_reads_or_refuses_any_pdf(content):
    with contextlib.suppress(InputError):
        check_text(document_text("assessment.pdf", content), "due-diligence")


@FUZZ
@given(
    content=st.one_of(
        st.binary(max_size=1024),
        st.integers(1, 20_000).map(lambda depth: b"[" * depth + b"]" * depth),
        st.integers(1, 20_000).map(lambda depth: b'{"a":' * depth + b"1" + b"}" * depth),
        st.text(max_size=300).map(
            lambda text: f'{{"format": "hrdd-supplier-profile", "x": {text!r}}}'.encode()
        ),
    )
)
def test_a_profile_import_parses_or_refuses_any_bytes(content):
    with contextlib.suppress(InputError):
        parse_profile_document(content)
