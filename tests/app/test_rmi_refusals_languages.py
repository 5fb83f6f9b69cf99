"""An RMI file refused as a whole says why in the reader's language (issue 16): the refusal is a Text, kept with
its template on the upload, and the request's page says it again."""

from contextlib import contextmanager

import pytest
from django.utils import translation
from django.utils.translation import gettext, trans_real

from hrdd.core.tasks import run_queued_tasks
from hrdd.domain.texts import Text
from hrdd.rmi import services
from hrdd.rmi.models import Upload
from hrdd.rmi.tasks import upload_start
from hrdd.rmi.workbook import read_template_file

EMPTY = "the file is empty"
NOT_READ = "not read: %(reason)s."


@contextmanager
def dutch(entries):
    catalogue = trans_real.translation("nl")._catalog._catalogs[0]
    added = {k: v for k, v in entries.items() if k not in catalogue}
    catalogue.update(added)
    try:
        yield
    finally:
        for key in added:
            catalogue.pop(key, None)


DAMAGED = "a damaged workbook: its ZIP package cannot be opened"
DUTCH = {
    EMPTY: "het bestand is leeg",
    NOT_READ: "niet gelezen: %(reason)s.",
    DAMAGED: "een beschadigde werkmap: het ZIP-pakket gaat niet open",
}


@pytest.mark.parametrize(
    ("content", "template"),
    [
        (b"", "not read: %(reason)s."),
        (b"\xd0\xcf\x11\xe0 old", "%(reason)s."),
        (b"plain text", "%(reason)s."),
        (b"PK\x03\x04 not really", "%(reason)s."),
    ],
)
def test_a_refusal_is_a_text_with_its_reason_inside(content, template):
    reading = read_template_file(content, name="list.xlsx")
    assert isinstance(reading.refused, Text) and reading.refused.template == template
    assert isinstance(reading.refused.params["reason"], Text)


def test_a_refusal_is_said_in_dutch():
    reading = read_template_file(b"", name="list.xlsx")
    from hrdd.core.texts import localize

    with translation.override("nl"), dutch(DUTCH):
        assert localize(reading.refused) == "niet gelezen: het bestand is leeg."
    assert str(reading.refused) == "not read: the file is empty."


def test_a_stored_refusal_is_said_again_on_the_requests_page(client, buyer):
    # given: a supplier's damaged upload, refused by the worker
    campaign = services.campaign_create(actor=buyer, title="Smelter lists", templates=["CMRT"])
    asked = services.request_add(
        actor=buyer, campaign=campaign, supplier_name="Battery Cells Ltd", email="cells@example.com"
    )
    upload = upload_start(request=asked, filename="list.xlsx", content=b"PK\x03\x04 not really")
    run_queued_tasks()
    upload.refresh_from_db()
    assert upload.status == Upload.Status.REFUSED and upload.refused == f"{DAMAGED}."
    # when a Dutch reader opens the request's page
    client.force_login(buyer)
    with dutch(DUTCH):
        page = client.get(asked.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl")
    # then
    with translation.override("nl"), dutch(DUTCH):
        expected = gettext(DAMAGED)  # the catalogue's words (or the stand-in above where it has none)
    assert expected != DAMAGED and f"{expected}." in page.content.decode()
    # and an upload stored before keeps its English
    Upload.objects.filter(pk=upload.pk).update(reading={})
    upload.refresh_from_db()
    assert upload.refused_text == f"{DAMAGED}." and not isinstance(upload.refused_text, Text)
