"""Read the text of an uploaded document (DOCX, PDF or plain text)."""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext as _


class DocumentError(ValueError):
    """A document cannot be read; the message says why."""


SUPPORTED = (".docx", ".pdf", ".txt", ".md")


def extract_text(filename: str, content: bytes) -> str:
    """Return the text of a DOCX, PDF or UTF-8 text file."""
    name = filename.lower()
    if not content:
        raise DocumentError(_("%s is empty.") % filename)
    if name.endswith(".docx"):
        return _docx_text(filename, content)
    if name.endswith(".pdf"):
        return _pdf_text(filename, content)
    if name.endswith((".txt", ".md")):
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DocumentError(_("%s is not UTF-8 text.") % filename) from exc
    raise DocumentError(
        _("%(file)s: unsupported file type; upload one of %(types)s.")
        % {"file": filename, "types": ", ".join(SUPPORTED)}
    )


def _docx_text(filename: str, content: bytes) -> str:
    from docx import Document

    try:
        document = Document(io.BytesIO(content))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(_("%s is not a readable Word (DOCX) document.") % filename) from exc
    except Exception as exc:  # python-docx raises its own errors for a damaged package
        raise DocumentError(_("%s is not a readable Word (DOCX) document.") % filename) from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ; ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _pdf_text(filename: str, content: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise DocumentError(_("%s is not a readable PDF.") % filename) from exc
    except Exception as exc:  # pypdf raises varied errors for damaged files
        raise DocumentError(_("%s is not a readable PDF.") % filename) from exc
    if not text.strip():
        raise DocumentError(_("%s holds no text (a scanned PDF needs text recognition first).") % filename)
    return text
