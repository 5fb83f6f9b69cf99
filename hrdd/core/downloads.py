"""Files sent to the browser as downloads: one helper for the attachment header, a safe filename and the content
type that goes with the file's extension."""

from __future__ import annotations

import re
import unicodedata
from typing import IO, overload

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

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
def attachment(body: IO[bytes], filename: str, *, content_type: str | None = None) -> FileResponse: ...


def attachment(
    body: bytes | str | IO[bytes], filename: str, *, content_type: str | None = None
) -> HttpResponse | FileResponse:
    """Return the body (bytes, text or an open binary file) as a download named `filename`."""
    name = safe_filename(filename)
    content_type = content_type or content_type_for(name)
    if isinstance(body, bytes | str):
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
        return response
    return FileResponse(body, as_attachment=True, filename=name, content_type=content_type)
