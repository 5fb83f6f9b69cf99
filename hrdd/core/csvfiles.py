"""CSV files as people have them, read once for every import: the encoding and the separator found, the size, rows,
columns, cell length and time bounded, and every refusal a sentence that says what to do.

Encodings: UTF-8 (with or without a byte-order mark), UTF-16 and UTF-32 with a byte-order mark (Excel's "Unicode
text"), and the Windows code page a spreadsheet program writes for "CSV" in the user's locale (Windows-1252 in
western Europe, 1250 in central Europe, ...), told apart by charset-normalizer. Separators: comma, semicolon
(Excel in Dutch, German or French writes semicolons, since there the comma is the decimal sign) or tab, read from
the header line; Excel's own hint line `sep=;` is honoured.

Rows stay in place: row n of the file is item n-1 of what `read_csv` returns (an empty row is an empty tuple), so
a message can name the row a spreadsheet program shows.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import time
import unicodedata
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from hrdd.core.uploads import CSV, RESAVE_ADVICE, FileRefused, FileTooLarge, check_content

__all__ = [
    "DELIMITERS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_SECONDS",
    "CsvFileError",
    "decode_text",
    "detect_encoding",
    "read_csv",
    "rows_as_csv_text",
    "sniff_delimiter",
]

MAX_ROWS = 50_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 100_000
MAX_SECONDS = 20.0
DELIMITERS = (",", ";", "\t")

# What a spreadsheet program writes for "CSV" without Unicode: the ANSI code page of the user's Windows locale.
# Windows-1252 (western Europe) first: where two code pages read the bytes equally well, it is the likelier one.
CODE_PAGES = ("cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257")
PREFERRED = "cp1252"
CODE_PAGE_NAMES = {
    "cp1250": "Windows-1250",
    "cp1251": "Windows-1251",
    "cp1252": "Windows-1252",
    "cp1253": "Windows-1253",
    "cp1254": "Windows-1254",
    "cp1257": "Windows-1257",
}
COHERENCE_MARGIN = (
    0.03  # how much better another code page must read the words to be chosen over Windows-1252
)
CHAOS_TIE = 0.01
DETECTION_SAMPLE_BYTES = 64 * 1024  # charset-normalizer sees the lines with non-ASCII bytes, up to this much
# A UTF-32 mark begins with the UTF-16 one, so it is looked for first.
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
# Control characters that text never holds: all but tab, line feed, form feed, carriage return and \x1a (the
# end-of-file mark some old programs still write).
CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f-\x9f]")
MAX_CONTROL_SHARE = 0.01
TIME_CHECK_EVERY = 256  # rows read between two looks at the clock

Row = tuple[str, ...]


class CsvFileError(FileRefused):
    """A CSV file cannot be read; the message names the file (and the row) and says what to do."""


def _subject(name: str) -> str:
    return name or _("The file")


def _marked_encoding(content: bytes) -> tuple[str, str] | None:
    for mark, codec, label in BYTE_ORDER_MARKS:
        if content.startswith(mark):
            return codec, label
    return None


def _detection_sample(content: bytes) -> bytes:
    """The lines that hold non-ASCII bytes: the only ones that tell one code page from another."""
    picked: list[bytes] = []
    size = 0
    for line in content.splitlines():
        if max(line, default=0) >= 0x80:
            picked.append(line)
            size += len(line) + 1
            if size >= DETECTION_SAMPLE_BYTES:
                break
    return b"\n".join(picked)[:DETECTION_SAMPLE_BYTES]


def _odd_symbols(text: str) -> int:
    """How many symbols sit between two letters: ³ in 'Zak³ad' is a Polish ł read with the wrong code page."""
    count = 0
    for before, char, after in zip(text, text[1:], text[2:], strict=False):
        between_letters = before.isalpha() and after.isalpha() and not char.isalpha()
        if between_letters and unicodedata.category(char)[0] in "SN" and not char.isdecimal():
            count += 1
    return count


def detect_encoding(content: bytes) -> tuple[str, str] | None:
    """Return (Python codec, name shown to people) of a CSV file's bytes, or None when no encoding reads them.

    A byte-order mark decides; then UTF-8 if the bytes are valid UTF-8; then the code page charset-normalizer
    reads best, Windows-1252 when it reads as well as the best."""
    marked = _marked_encoding(content)
    if marked is not None:
        return marked
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8", "UTF-8"
    from charset_normalizer import from_bytes

    sample = _detection_sample(content)
    matches = list(from_bytes(sample, cp_isolation=list(CODE_PAGES)))
    if not matches:
        return None
    least_chaos = min(m.chaos for m in matches)
    tied = [m for m in matches if m.chaos <= least_chaos + CHAOS_TIE]
    # charset-normalizer reports code pages that read the bytes identically as one match
    readings = []
    for match in tied:
        codecs_of_match = [c for c in CODE_PAGES if c in {match.encoding, *match.could_be_from_charset}]
        text = sample.decode(codecs_of_match[0], errors="replace") if codecs_of_match else ""
        readings.append((match, codecs_of_match, _odd_symbols(text)))
    fewest_odd = min(odd for _match, _codecs, odd in readings)
    plausible = [(m, c) for m, c, odd in readings if odd == fewest_odd and c]
    if not plausible:
        return None
    best_coherence = max(m.coherence for m, _c in plausible)
    for match, codecs_of_match in plausible:
        if PREFERRED in codecs_of_match and match.coherence >= best_coherence - COHERENCE_MARGIN:
            return PREFERRED, CODE_PAGE_NAMES[PREFERRED]
    match, codecs_of_match = max(plausible, key=lambda pair: pair[0].coherence)
    return codecs_of_match[0], CODE_PAGE_NAMES[codecs_of_match[0]]


def _too_many_controls(text: str) -> bool:
    allowed = max(10, len(text) * MAX_CONTROL_SHARE)
    return any(count > allowed for count, _match in enumerate(CONTROLS.finditer(text), start=1))


def decode_text(
    content: bytes,
    *,
    name: str = "",
    field: str = "file",
    error: type[FileRefused] = CsvFileError,
    advice: str | None = None,
) -> str:
    """Return a text file's bytes as text, whichever of the encodings above it is in; refuse binary data.

    `advice` ends a refusal with what to do (saving as CSV unless told otherwise)."""
    name = _subject(name)
    advice = str(RESAVE_ADVICE[CSV]) if advice is None else advice
    marked = _marked_encoding(content)
    if marked is None and b"\x00" in content:
        raise error(
            _("%(name)s holds binary data, not text. %(advice)s") % {"name": name, "advice": advice},
            field=field,
        )
    found = detect_encoding(content)
    if found is None:
        raise error(
            _("%(name)s is written in a character encoding hrdd cannot tell. %(advice)s")
            % {"name": name, "advice": advice},
            field=field,
        )
    codec, label = found
    try:
        text = content.decode(codec)
    except UnicodeDecodeError as exc:
        raise error(
            _("%(name)s is not valid %(encoding)s text (byte %(position)d). %(advice)s")
            % {"name": name, "encoding": label, "position": exc.start + 1, "advice": advice},
            field=field,
        ) from exc
    text = text.removeprefix("\ufeff")
    if "\x00" in text or _too_many_controls(text):
        raise error(
            _("%(name)s holds binary data, not text. %(advice)s") % {"name": name, "advice": advice},
            field=field,
        )
    return text


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count = 0
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def sniff_delimiter(text: str) -> tuple[str, bool]:
    """Return the separator of a CSV text, and whether its first line is Excel's `sep=` hint (not a row).

    The header line decides: the separator it holds most often outside quotes (a semicolon wins a tie with a
    comma, as in 'Naam;Adres, straat'); a file of one column is read with commas."""
    first_line = text.split("\n", 1)[0].rstrip("\r")
    if first_line.lower().startswith("sep=") and len(first_line) == 5:
        hinted = first_line[4]
        return ("\t" if hinted == "\\" else hinted), True
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: _count_outside_quotes(header, d) for d in DELIMITERS}
    best = max(counts.values())
    if best == 0:
        return ",", False
    for delimiter in (";", "\t", ","):
        if counts[delimiter] == best:
            return delimiter, False
    return ",", False  # pragma: no cover - one of the three holds the maximum


def _records(text: str, delimiter: str, skip_hint: bool) -> Iterator[list[str]]:
    if skip_hint:
        _hint, _newline, text = text.partition("\n")
        yield []  # the hint line keeps its place, so row numbers are the file's
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _bounded(
    records: Iterable[list[str]],
    *,
    name: str,
    field: str,
    error: type[FileRefused],
    max_rows: int,
    max_columns: int,
    max_seconds: float,
) -> list[Row]:
    kept: list[Row] = []
    pending_empty = 0
    started = time.thread_time()  # CPU time: what the file costs, however busy the machine is
    number = 0
    iterator = iter(records)
    while True:
        try:
            values = next(iterator)
        except StopIteration:
            break
        except csv.Error as exc:
            raise error(
                _(
                    "%(name)s, row %(row)d cannot be read as CSV: a cell is too long, or a quotation mark is "
                    "missing its partner. Check that row in a spreadsheet program, save the file as CSV again and "
                    "upload it."
                )
                % {"name": name, "row": number + 1},
                field=field,
            ) from exc
        number += 1
        if number % TIME_CHECK_EVERY == 0 and time.thread_time() - started > max_seconds:
            raise error(
                _("%(name)s took longer than %(limit)d seconds to read; split it into smaller files.")
                % {"name": name, "limit": max_seconds},
                field=field,
            )
        while values and not values[-1].strip():
            values.pop()
        if not values:
            pending_empty += 1
            continue
        if number > max_rows:
            raise error(
                _("%(name)s holds more than %(limit)s rows, the most hrdd reads from one file; split it.")
                % {"name": name, "limit": f"{max_rows:,}"},
                field=field,
            )
        if len(values) > max_columns:
            raise error(
                _(
                    "%(name)s, row %(row)d holds more than %(limit)d columns. Remove the columns hrdd does not "
                    "ask for, or check that the file uses one separator (comma, semicolon or tab)."
                )
                % {"name": name, "row": number, "limit": max_columns},
                field=field,
            )
        longest = max(len(v) for v in values)
        if longest > MAX_CELL_CHARS:
            raise error(
                _(
                    "%(name)s, row %(row)d holds a cell of more than %(limit)s characters; a quotation mark may "
                    "be missing its partner. Check that row, save the file as CSV again and upload it."
                )
                % {"name": name, "row": number, "limit": f"{MAX_CELL_CHARS:,}"},
                field=field,
            )
        kept.extend([()] * pending_empty)
        pending_empty = 0
        kept.append(tuple(values))
    if time.thread_time() - started > max_seconds:
        raise error(
            _("%(name)s took longer than %(limit)d seconds to read; split it into smaller files.")
            % {"name": name, "limit": max_seconds},
            field=field,
        )
    return kept


def read_csv(
    content: bytes,
    *,
    name: str = "",
    field: str = "file",
    error: type[FileRefused] = CsvFileError,
    max_rows: int = MAX_ROWS,
    max_columns: int = MAX_COLUMNS,
    max_seconds: float = MAX_SECONDS,
) -> list[Row]:
    """Return the rows of a CSV file's bytes as tuples of text, whatever its encoding and separator.

    The bytes are bounded before they are decoded (the upload limit), then the rows, columns, cell length and
    the time spent; every refusal raises `error` with a sentence naming the file and saying what to do."""
    try:
        check_content(content, name=name, kind=CSV, field=field, error=error)
    except FileTooLarge as exc:  # whoever reads a CSV file hears of every refusal as its own error
        raise error(str(exc), field=field) from exc
    text = decode_text(content, name=name, field=field, error=error)
    delimiter, skip_hint = sniff_delimiter(text)
    return _bounded(
        _records(text, delimiter, skip_hint),
        name=_subject(name),
        field=field,
        error=error,
        max_rows=max_rows,
        max_columns=max_columns,
        max_seconds=max_seconds,
    )


def rows_as_csv_text(rows: Iterable[Row]) -> str:
    """Rows as comma-separated text, for a parser that reads only that (e.g. the knowledge tables')."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()
