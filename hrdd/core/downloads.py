"""Files sent to the browser as downloads: one helper for the attachment header, a safe filename and the content
type that goes with the file's extension; and one to open a record's stored file, which says so when the file is
missing from storage (a 404 naming it, not a 500)."""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import IO, overload

from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hrdd.core.errors import InputError, StoredFileMissing
from hrdd.core.uploads import DOCX_CONTENT_TYPE, XLSX_CONTENT_TYPE, base_name

CONTENT_TYPES = {
    ".docx": DOCX_CONTENT_TYPE,
    ".xlsx": XLSX_CONTENT_TYPE,
    ".pdf": "application/pdf",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".ics": "text/calendar; charset=utf-8",
}
FALLBACK_CONTENT_TYPE = "application/octet-stream"
MAX_FILENAME_CHARS = 150
_UNSAFE = re.compile(r'["\\/:*?<>|;]+')


def safe_filename(name: str, *, default: str = "download") -> str:
    """A filename that names one file and nothing else: no folders, control characters, quotes or separators."""
    cleaned = "".join(c for c in base_name(name) if unicodedata.category(c)[0] != "C")
    cleaned = _UNSAFE.sub("-", cleaned)
    cleaned = " ".join(cleaned.split()).strip(" .")
    if len(cleaned) > MAX_FILENAME_CHARS:
        stem, dot, extension = cleaned.rpartition(".")
        if dot and 0 < len(extension) < 10:
            cleaned = stem[: MAX_FILENAME_CHARS - len(extension) - 1] + "." + extension
        else:
            cleaned = cleaned[:MAX_FILENAME_CHARS]
    return cleaned or default


def filename_from_title(title: str, suffix: str, *, default: str) -> str:
    """A filename from a record's title ('Notebooks 2027' + '-evaluation.xlsx'), or from `default` if it has none."""
    return safe_filename((slugify(title) or default) + suffix)


def content_type_for(filename: str) -> str:
    """The content type that goes with the filename's last extension."""
    _stem, dot, extension = filename.lower().rpartition(".")
    return CONTENT_TYPES.get(f".{extension}", FALLBACK_CONTENT_TYPE) if dot else FALLBACK_CONTENT_TYPE


@overload
def attachment(body: bytes | str, filename: str, *, content_type: str | None = None) -> HttpResponse: ...


@overload
def attachment(body: IO[bytes] | File, filename: str, *, content_type: str | None = None) -> FileResponse: ...


def attachment(
    body: bytes | str | IO[bytes] | File, filename: str, *, content_type: str | None = None
) -> HttpResponse | FileResponse:
    """Return the body (bytes, text or an open binary file) as a download named `filename`."""
    name = safe_filename(filename)
    content_type = content_type or content_type_for(name)
    if isinstance(body, bytes | str):
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
        return response
    return FileResponse(body, as_attachment=True, filename=name, content_type=content_type)


logger = logging.getLogger(__name__)


def _missing(stored: FieldFile, filename: str) -> str:
    """Log (for an administrator: the record, the field and the storage name; never the contents) that a record's
    stored file is missing, and return the message the user reads."""
    instance = stored.instance
    logger.warning(
        "stored file missing from storage: %s %s, field %s, name %s",
        instance._meta.label,
        instance.pk,
        stored.field.name,
        stored.name,
    )
    name = safe_filename(filename or stored.name or "", default="file")
    return _(
        "The stored file %(name)s is missing from this installation's storage; an administrator can restore it "
        "from a backup."
    ) % {"name": name}


def open_stored(stored: FieldFile, filename: str = "") -> File:
    """Open a record's stored file for reading, in binary. A file gone from storage (deleted from disk, or a
    restore without the uploaded files) raises StoredFileMissing naming `filename` (default: the stored name),
    which the pages and the API answer as 404 with that message; the record is logged as a warning."""
    try:
        return stored.open("rb")
    except FileNotFoundError as exc:
        raise StoredFileMissing(_missing(stored, filename), filename=filename or stored.name or "") from exc


def read_stored(stored: FieldFile, filename: str = "", *, field: str = "file") -> bytes:
    """The contents of a record's stored file, for a service that processes it again. A file gone from storage is
    refused as an InputError naming it (on `field`), with the same message and warning as `open_stored`."""
    try:
        with stored.open("rb") as stream:
            return stream.read()
    except FileNotFoundError as exc:
        raise InputError(_missing(stored, filename), field=field) from exc
