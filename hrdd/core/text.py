"""The text of a document (DOCX, PDF or plain text), read within bounds: size (the upload limit), pages, characters
and time. Used to check a supplier's risk assessment and the documents submitted under a contract."""

from __future__ import annotations

import io
import time
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _

from hrdd.core.csvfiles import decode_text
from hrdd.core.uploads import DOCX, PDF, RESAVE_ADVICE, TEXT, AcceptedFile, FileRefused, accept_content
from hrdd.domain.textread import split_sentences

DOCUMENT_EXTENSIONS = (".docx", ".pdf", ".txt", ".md")
MAX_PDF_PAGES = 300
# What hrdd's text reader reads of one document. Its cost grows with the characters and, more steeply, with the
# sentences (each is looked up in the lexicons on its own): 2 million characters of one- and two-word sentences,
# an 80 KB DOCX, took 40 to 150 seconds of CPU. 400,000 characters is some 130 dense pages; 15,000 sentences
# more than such a document holds. Both keep one check within a few seconds (benchmarks/hostile_files.py).
MAX_TEXT_CHARS = 400_000
MAX_SENTENCES = 15_000
MAX_SECONDS = 30.0


class DocumentError(FileRefused):
    """A document cannot be read; the message names the file and says why."""


def decode_utf8(
    content: bytes, *, name: str, field: str = "file", error: type[FileRefused] = DocumentError
) -> str:
    """Return UTF-8 bytes (with or without a byte-order mark) as text; refuse any other encoding."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(_("%s is not UTF-8 text.") % (name or _("the file")), field=field) from exc


def document_text(
    name: str, content: bytes, *, allowed: Sequence[str] = DOCUMENT_EXTENSIONS, field: str = "document"
) -> str:
    """Accept a document by its contents (DOCX, PDF or text) and return its text."""
    return extract_text(accept_content(name, content, allowed=allowed, field=field), field=field)


def extract_text(document: AcceptedFile, *, field: str = "document") -> str:
    """Return the text of an accepted DOCX, PDF or text file; DocumentError when it holds none or too much."""
    if document.kind == DOCX:
        parts: Iterable[str] = _docx_parts(document, field)
    elif document.kind == PDF:
        parts = _pdf_parts(document, field)
    else:
        parts = [
            decode_text(
                document.content,
                name=document.name,
                field=field,
                error=DocumentError,
                advice=str(RESAVE_ADVICE[TEXT]),
            )
        ]
    text = _bounded_join(parts, document.name, field)
    if document.kind == PDF and not text.strip():
        raise DocumentError(
            _("%s holds no text (a scanned PDF needs text recognition first).") % document.name, field=field
        )
    sentences = sum(1 for _sentence in split_sentences(text))
    if sentences > MAX_SENTENCES:
        raise DocumentError(
            _(
                "%(name)s holds more than %(limit)d sentences, more than hrdd reads in one document; send the "
                "part that answers the question (a shorter document)."
            )
            % {"name": document.name, "limit": MAX_SENTENCES},
            field=field,
        )
    return text


def _bounded_join(parts: Iterable[str], name: str, field: str) -> str:
    started = time.monotonic()
    kept: list[str] = []
    size = 0
    for part in parts:
        size += len(part) + 1
        if size > MAX_TEXT_CHARS:
            raise DocumentError(
                _("%(name)s holds more than %(limit)d characters of text; send a shorter document.")
                % {"name": name, "limit": MAX_TEXT_CHARS},
                field=field,
            )
        if time.monotonic() - started > MAX_SECONDS:
            raise DocumentError(
                _("Reading %(name)s took longer than %(limit)d seconds; send a simpler document.")
                % {"name": name, "limit": MAX_SECONDS},
                field=field,
            )
        kept.append(part)
    return "\n".join(kept)


def _docx_parts(document: AcceptedFile, field: str) -> Iterable[str]:
    from docx import Document

    try:
        word = Document(io.BytesIO(document.content))
    except Exception as exc:  # python-docx raises many kinds for a damaged package
        raise DocumentError(
            _("%s is not a readable Word (DOCX) document.") % document.name, field=field
        ) from exc
    for paragraph in word.paragraphs:
        yield paragraph.text
    for table in word.tables:
        for row in table.rows:
            yield " ; ".join(cell.text for cell in row.cells)


def _pdf_parts(document: AcceptedFile, field: str) -> Iterable[str]:
    from pypdf import PdfReader

    unreadable = _("%s is not a readable PDF.") % document.name
    try:
        reader = PdfReader(io.BytesIO(document.content))
        pages = len(reader.pages)
    except Exception as exc:  # pypdf raises varied errors for damaged files
        raise DocumentError(unreadable, field=field) from exc
    if pages > MAX_PDF_PAGES:
        raise DocumentError(
            _("%(name)s has %(pages)d pages; hrdd reads documents of at most %(limit)d pages.")
            % {"name": document.name, "pages": pages, "limit": MAX_PDF_PAGES},
            field=field,
        )
    for number in range(pages):
        try:
            yield reader.pages[number].extract_text() or ""
        except Exception as exc:  # a damaged page stream
            raise DocumentError(unreadable, field=field) from exc
