"""Upload acceptance, written once: one size limit, the type read from the file's first bytes, the limits of a
ZIP package (DOCX, XLSX) checked before any parser opens it, and one message per refusal.

The name's extension says what the sender meant; the contents decide what the file is. A file is accepted only
when its extension is one the caller allows and its contents are of that type.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from django.conf import settings
from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hrdd.core.errors import InputError

PDF = "pdf"
DOCX = "docx"
XLSX = "xlsx"
CSV = "csv"
TEXT = "text"
JSON = "json"
ZIP = "zip"  # a ZIP archive that is neither a Word document nor a workbook
BINARY = "binary"  # anything else that is not text

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# extension -> (the type its contents must have, the content type stored and served)
EXTENSIONS: dict[str, tuple[str, str]] = {
    ".pdf": (PDF, "application/pdf"),
    ".docx": (DOCX, DOCX_CONTENT_TYPE),
    ".xlsx": (XLSX, XLSX_CONTENT_TYPE),
    ".csv": (CSV, "text/csv"),
    ".txt": (TEXT, "text/plain"),
    ".md": (TEXT, "text/markdown"),
    ".json": (JSON, "application/json"),
}
TITLES = {
    PDF: gettext_lazy("PDF"),
    DOCX: gettext_lazy("Word (DOCX) document"),
    XLSX: gettext_lazy("XLSX workbook"),
    CSV: gettext_lazy("CSV file"),
    TEXT: gettext_lazy("text file"),
    JSON: gettext_lazy("JSON file"),
}
TEXT_TYPES = (CSV, TEXT, JSON)  # told apart by the name only: their contents are all plain text
# Text in UTF-16 or UTF-32 (Excel's "Unicode text") holds zero bytes; its byte-order mark says it is text.
TEXT_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # the UTF-32 marks begin with these
# What to do with a file that is not what its name says, per the type the name promised.
RESAVE_ADVICE = {
    PDF: gettext_lazy("Export or print the document to PDF again and upload the new file."),
    DOCX: gettext_lazy(
        "Open it in Word or LibreOffice, save it as a Word document (.docx) and upload it again."
    ),
    XLSX: gettext_lazy(
        "Open it in Excel or LibreOffice, save it as an Excel workbook (.xlsx) and upload it again."
    ),
    CSV: gettext_lazy(
        'In your spreadsheet program choose "Save as", pick "CSV UTF-8" (or CSV), and upload the new file.'
    ),
    TEXT: gettext_lazy("Save it as plain text (.txt), or send it as PDF or DOCX."),
    JSON: gettext_lazy("Save it as JSON text in UTF-8 and upload it again."),
}

# The part every Office Open XML package of that type holds (ECMA-376 part 2, the package's main part).
PACKAGE_MAIN_PARTS = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}

# A ZIP package is refused before a parser inflates it when it holds too many parts, would inflate to too many
# bytes, or a large part is compressed more than any real document is (a "ZIP bomb"). Python's zipfile never
# inflates a part beyond the size its directory declares, so checking the declared sizes bounds the work.
ARCHIVE_MAX_MEMBERS = 2000
ARCHIVE_MAX_INFLATED_BYTES = 100 * 1024 * 1024
ARCHIVE_MAX_RATIO = 100
ARCHIVE_RATIO_GRACE_BYTES = 1024 * 1024  # a part that inflates to less than this is harmless at any ratio

# What a package's XML parts may hold, counted while each part is inflated as a stream, before any parser builds a
# tree of it. Office never writes a document type or an entity into a package (ECMA-376 part 2, 8.1.4): one is
# how an XML file makes a parser expand a few bytes into gigabytes ("billion laughs"). A part a parser reads
# whole (a Word document's body, a workbook's styles) costs memory per element; a worksheet is streamed by the
# row readers, which bound it themselves. Shared strings and cell formats are read whole by openpyxl before the
# first row: Excel itself holds at most 64,000 cell formats.
XML_PART_SUFFIXES = (".xml", ".rels", ".vml")
# parts no reader builds whole: worksheets (streamed), pivot caches (never opened in read-only mode)
STREAMED_PARTS = ("xl/worksheets/", "xl/pivotcache/")
ARCHIVE_MAX_ELEMENTS = 1_000_000  # elements in one part read whole
ARCHIVE_MAX_SHARED_STRINGS = 600_000
ARCHIVE_MAX_CELL_FORMATS = 64_000
MACRO_PART = "vbaproject.bin"  # where Office keeps a file's macros (xl/vbaProject.bin, word/vbaProject.bin)
MACRO_CONTENT_TYPE = b"macroenabled"  # ...sheet.macroEnabled.main+xml, ...document.macroEnabled.main+xml
_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")
# What zipfile raises for a damaged or odd package: a bad directory or part, a broken deflate stream (zlib.error),
# a compression method it lacks (NotImplementedError), an encrypted part (RuntimeError).
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    ValueError,
    EOFError,
    KeyError,
    zlib.error,
    NotImplementedError,
    RuntimeError,
)
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class PackageProblem:
    """Why a ZIP package is not opened: `code` is 'macros', 'declaration', 'elements', 'shared_strings' or
    'cell_formats'; `part` the part at fault; `count` what was counted (elements, strings, formats)."""

    code: str
    part: str
    count: int = 0


def package_problem(archive: zipfile.ZipFile) -> PackageProblem | None:
    """Inflate every XML part of an Office package as a stream and return the first problem found, if any:
    macros, a document type or entity declaration, or more elements, shared strings or cell formats than the
    limits. Costs the inflation of the package (bounded by ARCHIVE_MAX_INFLATED_BYTES), builds nothing."""
    for member in archive.infolist():
        lowered = member.filename.lower()
        if lowered.rsplit("/", 1)[-1] == MACRO_PART:
            return PackageProblem("macros", member.filename)
        if not lowered.endswith(XML_PART_SUFFIXES):
            continue
        elements = 0
        strings = 0
        formats = 0
        tail = b""
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                window = tail + chunk
                if any(mark in window for mark in _DECLARATIONS):
                    return PackageProblem("declaration", member.filename)
                if lowered == "[content_types].xml" and MACRO_CONTENT_TYPE in window.lower():
                    return PackageProblem("macros", member.filename)
                # counted in the new bytes only (an element cut by a chunk's end is counted once, in this chunk)
                elements += chunk.count(b"<") - chunk.count(b"</")
                if lowered.endswith("sharedstrings.xml"):
                    strings += chunk.count(b"<si>") + chunk.count(b"<si ") + chunk.count(b":si>")
                    if strings > ARCHIVE_MAX_SHARED_STRINGS:
                        return PackageProblem("shared_strings", member.filename, strings)
                elif lowered.endswith("styles.xml"):
                    formats += chunk.count(b"<xf") + chunk.count(b":xf ") + chunk.count(b":xf>")
                    if formats > ARCHIVE_MAX_CELL_FORMATS:
                        return PackageProblem("cell_formats", member.filename, formats)
                if elements > ARCHIVE_MAX_ELEMENTS and not lowered.startswith(
                    STREAMED_PARTS + ("xl/sharedstrings",)
                ):
                    return PackageProblem("elements", member.filename, elements)
                tail = chunk[-16:]
    return None


class FileRefused(InputError):
    """A file was refused: wrong type, too large, empty, damaged, or an archive over the limits."""


class FileTooLarge(FileRefused):
    """A file over the size limit (the API answers 413 for it)."""


@dataclass(frozen=True)
class AcceptedFile:
    """A file whose size and type were checked: its name, extension, type and bytes."""

    name: str
    extension: str
    kind: str
    content: bytes

    @property
    def content_type(self) -> str:
        return EXTENSIONS[self.extension][1]

    @property
    def size(self) -> int:
        return len(self.content)


def max_upload_bytes() -> int:
    """The one size limit for a file sent to hrdd (setting HRDD_MAX_UPLOAD_BYTES, 25 MB unless set)."""
    return int(settings.HRDD_MAX_UPLOAD_BYTES)


def format_size(size: int) -> str:
    """A number of bytes for people: '25 MB', '1.5 MB', '300 KB', '50 bytes' (1 MB = 1024 KB = 1024^2 bytes)."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            value = round(size / factor, 1)
            places = 0 if value >= 10 or value.is_integer() else 1
            return f"{number_format(round(value, places), places)} {unit}"
    return str(ngettext("%(count)d byte", "%(count)d bytes", size) % {"count": size})


TYPE_NAMES = {
    ".pdf": "PDF",
    ".docx": "DOCX",
    ".xlsx": "XLSX",
    ".csv": "CSV",
    ".txt": "TXT",
    ".md": "Markdown",
}


def upload_hint(extensions: Sequence[str] = ()) -> str:
    """What a file box takes, said before the upload: 'PDF, DOCX or TXT, up to 25 MB'."""
    size = format_size(max_upload_bytes())
    names = [TYPE_NAMES.get(e, e.lstrip(".").upper()) for e in extensions]
    if not names:
        return str(_("Up to %(size)s.") % {"size": size})
    return str(_("%(types)s, up to %(size)s.") % {"types": get_text_list(names, _("or")), "size": size})


def base_name(name: str) -> str:
    """The file's own name, without any folder a browser or client sent with it."""
    return PureWindowsPath(PurePosixPath(name or "").name).name.strip()


def extension_of(name: str) -> str:
    """The name's last extension in lower case ('.pdf'), or '' when it has none."""
    suffix = PurePosixPath(name).suffix.lower()
    return suffix if len(suffix) > 1 else ""


def _subject(name: str) -> str:
    return name or _("The file")


def too_large(name: str, *, field: str, limit: int | None = None) -> FileTooLarge:
    """The refusal of a file over the size limit."""
    limit = max_upload_bytes() if limit is None else limit
    return FileTooLarge(
        _(
            "%(name)s is larger than %(limit)s, too large for hrdd to accept. Send a smaller file: "
            "split a long list, or save the document again with smaller images."
        )
        % {"name": _subject(name), "limit": format_size(limit)},
        field=field,
    )


def unreadable(
    name: str, kind: str, *, field: str, error: type[FileRefused] = FileRefused, found: str = ""
) -> FileRefused:
    """The refusal of a file whose contents are not what its name says, or are damaged; says what to do."""
    subject = {"name": _subject(name), "type": TITLES[kind]}
    if kind == XLSX and found == TEXT:
        text = _(
            "%(name)s is not a readable %(type)s: it holds plain text. If it is a CSV file, give it the "
            "extension .csv; otherwise open it in Excel or LibreOffice, save it as an Excel workbook (.xlsx) "
            "and upload it again."
        )
    elif kind in TEXT_TYPES and found == ZIP:
        text = _(
            "%(name)s is not a readable %(type)s: it is a packed file such as an Excel workbook or a ZIP "
            "archive. If it is an Excel workbook, give it the extension .xlsx; otherwise %(advice)s"
        )
        subject["advice"] = str(RESAVE_ADVICE[kind])[:1].lower() + str(RESAVE_ADVICE[kind])[1:]
    elif kind in TEXT_TYPES and found in (BINARY, PDF):
        text = _("%(name)s is not a readable %(type)s: it holds binary data, not text. %(advice)s")
        subject["advice"] = str(RESAVE_ADVICE[kind])
    else:
        text = _("%(name)s is not a readable %(type)s. %(advice)s")
        subject["advice"] = str(RESAVE_ADVICE[kind])
    return error(text % subject, field=field)


def check_extension(name: str, allowed: Sequence[str], *, field: str) -> str:
    """Return the name's extension if the caller allows it; refuse naming the allowed ones otherwise."""
    unknown = [e for e in allowed if e not in EXTENSIONS]
    if unknown:
        raise ValueError(f"no upload rule for {unknown}")  # a programming error, not bad input
    extension = extension_of(name)
    if extension not in allowed:
        raise FileRefused(
            _("%(name)s: unsupported file type; upload one of %(types)s.")
            % {"name": _subject(name), "types": ", ".join(allowed)},
            field=field,
        )
    return extension


def read_limited(source: Any, *, name: str = "", field: str = "file") -> bytes:
    """Read an upload or a binary stream, refusing it as soon as it is known to exceed the size limit."""
    limit = max_upload_bytes()
    declared = getattr(source, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise too_large(name, field=field, limit=limit)
    if hasattr(source, "seek"):
        with contextlib.suppress(OSError, ValueError):  # a stream that cannot rewind is read from where it is
            source.seek(0)
    content = source.read(limit + 1)
    if not isinstance(content, bytes):
        raise TypeError("read_limited reads binary streams")
    if len(content) > limit:
        raise too_large(name, field=field, limit=limit)
    return content


def sniff(content: bytes) -> str:
    """The type the first bytes say: PDF, ZIP (then DOCX or XLSX by the package's parts), text or binary."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return ZIP
    if content.startswith(TEXT_MARKS):
        return TEXT
    if b"\x00" in content:
        return BINARY
    return TEXT


def check_archive(
    content: bytes, *, name: str, kind: str, field: str = "file", error: type[FileRefused] = FileRefused
) -> None:
    """Refuse a DOCX or XLSX package that is damaged, of the other type, or over the archive limits."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except ZIP_ERRORS as exc:
        raise unreadable(name, kind, field=field, error=error) from exc
    if len(members) > ARCHIVE_MAX_MEMBERS:
        raise error(
            _(
                "%(name)s holds %(count)d parts inside, more than the %(limit)d a real document has, so hrdd "
                "did not open it. %(advice)s"
            )
            % {
                "name": _subject(name),
                "count": len(members),
                "limit": ARCHIVE_MAX_MEMBERS,
                "advice": RESAVE_ADVICE[kind],
            },
            field=field,
        )
    inflated = sum(m.file_size for m in members)
    if inflated > ARCHIVE_MAX_INFLATED_BYTES:
        raise error(
            _(
                "%(name)s would unpack to %(size)s, more than the %(limit)s hrdd opens, so it was not opened. "
                "Send a smaller file: split a long list, or save the document again with smaller images."
            )
            % {
                "name": _subject(name),
                "size": format_size(inflated),
                "limit": format_size(ARCHIVE_MAX_INFLATED_BYTES),
            },
            field=field,
        )
    for member in members:
        if member.file_size > ARCHIVE_RATIO_GRACE_BYTES:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > ARCHIVE_MAX_RATIO:
                raise error(
                    _(
                        "%(name)s was not opened: its part %(part)s is compressed %(ratio)d to 1, more than the "
                        "%(limit)d to 1 accepted; only a file made to overload a server (a ZIP bomb) is packed "
                        "so tightly. %(advice)s"
                    )
                    % {
                        "name": _subject(name),
                        "part": member.filename,
                        "ratio": ratio,
                        "limit": ARCHIVE_MAX_RATIO,
                        "advice": RESAVE_ADVICE[kind],
                    },
                    field=field,
                )
    names = {m.filename for m in members}
    if PACKAGE_MAIN_PARTS[kind] not in names:
        raise unreadable(name, kind, field=field, error=error)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            problem = package_problem(archive)
    except ZIP_ERRORS as exc:
        raise unreadable(name, kind, field=field, error=error) from exc
    if problem is not None:
        raise refused_package(problem, name=name, kind=kind, field=field, error=error)


def refused_package(
    problem: PackageProblem,
    *,
    name: str,
    kind: str,
    field: str = "file",
    error: type[FileRefused] = FileRefused,
) -> FileRefused:
    """The refusal of a package for the problem `package_problem` found, saying what to do."""
    subject = {
        "name": _subject(name),
        "part": problem.part,
        "count": problem.count,
        "advice": RESAVE_ADVICE[kind],
    }
    if problem.code == "macros":
        if kind == XLSX:
            text = _(
                "%(name)s holds macros (it is a macro-enabled workbook, as Excel saves .xlsm files). hrdd accepts "
                'workbooks without macros: in Excel or LibreOffice choose "Save as", pick "Excel workbook '
                '(.xlsx)", and upload the new file.'
            )
        else:
            text = _(
                "%(name)s holds macros (it is a macro-enabled document, as Word saves .docm files). hrdd accepts "
                'documents without macros: in Word or LibreOffice choose "Save as", pick "Word document '
                '(.docx)", and upload the new file.'
            )
    elif problem.code == "declaration":
        text = _(
            "%(name)s was not opened: its part %(part)s declares a document type or entities, which Office never "
            "writes and which can make a reader expand a small file into a huge one. %(advice)s"
        )
    elif problem.code == "shared_strings":
        subject["limit"] = ARCHIVE_MAX_SHARED_STRINGS
        text = _(
            "%(name)s holds more than %(limit)d different texts, more than hrdd reads from one workbook. Send a "
            "smaller file: split a long list."
        )
    elif problem.code == "cell_formats":
        subject["limit"] = ARCHIVE_MAX_CELL_FORMATS
        text = _(
            "%(name)s declares more than %(limit)d cell formats, more than Excel itself allows. %(advice)s"
        )
    else:
        subject["limit"] = ARCHIVE_MAX_ELEMENTS
        text = _(
            "%(name)s was not opened: its part %(part)s holds more than %(limit)d pieces of markup, more than a "
            "real document has. %(advice)s"
        )
    return error(text % subject, field=field)


def check_content(
    content: bytes, *, name: str, kind: str, field: str = "file", error: type[FileRefused] = FileRefused
) -> None:
    """Refuse contents that are empty, over the size limit or not of the type `kind`."""
    if not content:
        raise error(
            _("%s is empty. Check that the file was saved, then choose it again.") % _subject(name),
            field=field,
        )
    if len(content) > max_upload_bytes():
        raise too_large(name, field=field)
    found = sniff(content)
    if kind in TEXT_TYPES:
        if found != TEXT:
            raise unreadable(name, kind, field=field, error=error, found=found)
        return
    if kind == PDF:
        if found != PDF:
            raise unreadable(name, kind, field=field, error=error, found=found)
        return
    if found != ZIP:
        raise unreadable(name, kind, field=field, error=error, found=found)
    check_archive(content, name=name, kind=kind, field=field, error=error)


def accept_content(name: str, content: bytes, *, allowed: Sequence[str], field: str = "file") -> AcceptedFile:
    """Accept a named file's bytes if its extension is allowed and its contents are of that type."""
    name = base_name(name)
    extension = check_extension(name, allowed, field=field)
    kind = EXTENSIONS[extension][0]
    check_content(content, name=name, kind=kind, field=field)
    return AcceptedFile(name=name, extension=extension, kind=kind, content=content)


def accept_upload(upload: Any, *, allowed: Sequence[str], field: str = "file") -> AcceptedFile:
    """Read and accept an uploaded file (Django's or django-ninja's UploadedFile); FileRefused names the field."""
    name = base_name(getattr(upload, "name", "") or "")
    check_extension(name, allowed, field=field)
    content = read_limited(upload, name=name, field=field)
    return accept_content(name, content, allowed=allowed, field=field)
