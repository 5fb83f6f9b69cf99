"""`hrdd sites match`: match an incoming site list against a registry given as a file, without a database.

For evaluation and for trying the engine on one's own lists: no Django set-up, no database, nothing stored. The
CSV files are read by a small bounded reader of its own: hrdd.core.csvfiles needs Django's translations (and
stops at 50,000 rows, where a registry may hold a million sites).
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hrdd.cli.common import count, localize, stderr
from hrdd.cli.common import gettext as _
from hrdd.core.errors import InputError
from hrdd.domain.texts import gettext_noop

REGISTRY_COLUMNS = ("site_id", "name", "address", "city", "country_iso2", "parent_group")
INCOMING_COLUMNS = ("record_id", "name", "address", "city", "country")
PREDICTION_COLUMNS = ("record_id", "site_id", "status", "score")
REQUIRED = {"site_id", "record_id", "name", "country_iso2", "country"}
MAX_ROWS = 5_000_000
MAX_CELL_CHARS = 2_000
PROGRESS_FROM = 5_000  # rows: smaller files finish before a bar would be read
CHUNK = 5_000  # incoming records matched per step of the progress bar

if TYPE_CHECKING:  # the engine is imported when the command runs, not when `hrdd` starts
    from hrdd.domain.sitematch import SiteRecord

csv.field_size_limit(MAX_CELL_CHARS * 2)


def _open_text(path: Path, option: str) -> io.TextIOWrapper:
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise InputError(
            _("%(file)s: cannot read the file (%(error)s)") % {"file": path, "error": exc.strerror or exc},
            field=option,
        ) from exc
    head = raw.read(4)
    raw.seek(0)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return io.TextIOWrapper(raw, encoding="utf-16", newline="")
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def read_rows(path: Path, columns: tuple[str, ...], option: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number as a spreadsheet shows it, row) of a CSV file with exactly `columns` (in any order);
    refuse a missing or unknown column, a short or long row, an over-long cell, a required cell left empty."""
    with _open_text(path, option) as text:
        try:
            reader = csv.reader(text)
            header = next(reader, None)
            if header is None:
                raise InputError(
                    _("%(file)s: the file is empty; its first row names the columns") % {"file": path},
                    field=option,
                )
            header = [h.strip().lower() for h in header]
            missing = [c for c in columns if c not in header]
            unknown = [h for h in header if h not in columns]
            if missing or unknown or len(set(header)) != len(header):
                problems = []
                if missing:
                    problems.append(_("missing column(s) %(columns)s") % {"columns": ", ".join(missing)})
                if unknown:
                    problems.append(
                        _("unknown column(s) %(columns)s") % {"columns": ", ".join(repr(u) for u in unknown)}
                    )
                if len(set(header)) != len(header):
                    problems.append(_("a column named twice"))
                raise InputError(
                    _("%(file)s, row 1: %(problems)s; the columns are %(columns)s")
                    % {"file": path, "problems": "; ".join(problems), "columns": ",".join(columns)},
                    field=option,
                )
            for number, cells in enumerate(reader, start=2):
                if not any(c.strip() for c in cells):
                    continue
                if number > MAX_ROWS + 1:
                    raise InputError(
                        _("%(file)s: more than %(count)s rows") % {"file": path, "count": count(MAX_ROWS)},
                        field=option,
                    )
                if len(cells) != len(header):
                    raise InputError(
                        _("%(file)s, row %(row)s: %(cells)s cells where the header names %(columns)s columns")
                        % {"file": path, "row": number, "cells": len(cells), "columns": len(header)},
                        field=option,
                    )
                row = {h: c.strip() for h, c in zip(header, cells, strict=True)}
                for column, value in row.items():
                    if len(value) > MAX_CELL_CHARS:
                        raise InputError(
                            _("%(file)s, row %(row)s, column %(column)s: longer than %(count)s characters")
                            % {"file": path, "row": number, "column": column, "count": count(MAX_CELL_CHARS)},
                            field=option,
                        )
                    if column in REQUIRED and not value:
                        raise InputError(
                            _("%(file)s, row %(row)s, column %(column)s: empty")
                            % {"file": path, "row": number, "column": column},
                            field=option,
                        )
                yield number, row
        except UnicodeDecodeError as exc:
            raise InputError(
                _("%(file)s: not UTF-8 or UTF-16 text; save it as CSV UTF-8") % {"file": path}, field=option
            ) from exc
        except csv.Error as exc:
            raise InputError(
                _("%(file)s: not a readable CSV file (%(error)s)") % {"file": path, "error": exc},
                field=option,
            ) from exc


def _country(value: str, path: Path, number: int, column: str, option: str) -> str:
    from hrdd.domain.countries import UnknownCountry, resolve_country, unknown_country_text

    try:
        return resolve_country(value)
    except UnknownCountry as exc:
        raise InputError(
            _("%(file)s, row %(row)s, column %(column)s: %(problem)s")
            % {"file": path, "row": number, "column": column, "problem": localize(unknown_country_text(exc))},
            field=option,
        ) from exc


def _records(path: Path, kind: str) -> list[SiteRecord]:
    from hrdd.domain.sitematch import SiteRecord

    option = f"--{kind}"
    columns, key, country = (
        (REGISTRY_COLUMNS, "site_id", "country_iso2")
        if kind == "registry"
        else (INCOMING_COLUMNS, "record_id", "country")
    )
    records = []
    seen: dict[str, int] = {}
    for number, row in read_rows(path, columns, option):
        if row[key] in seen:
            raise InputError(
                _("%(file)s, row %(row)s, column %(column)s: %(value)r is also row %(other)s")
                % {"file": path, "row": number, "column": key, "value": row[key], "other": seen[row[key]]},
                field=option,
            )
        seen[row[key]] = number
        records.append(
            SiteRecord(
                key=row[key],
                name=row["name"],
                address=row["address"],
                city=row["city"],
                country=_country(row[country], path, number, country, option),
                group=row.get("parent_group", ""),
            )
        )
    return records


@contextmanager
def _progress(show: bool) -> Iterator[object | None]:
    if not show:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=stderr(), transient=False,
    ) as progress:  # fmt: skip
        yield progress


SITES_MATCH_HELP = gettext_noop(
    "Match the incoming records against the registry; write auto / review / new for each, touching no database."
)


def sites_match(
    registry: Annotated[
        Path,
        typer.Option(
            "--registry",
            help=gettext_noop("REGISTRY.csv: site_id,name,address,city,country_iso2,parent_group"),
        ),
    ],
    incoming: Annotated[
        Path,
        typer.Option("--incoming", help=gettext_noop("INCOMING.csv: record_id,name,address,city,country")),
    ],
    out: Annotated[
        Path,
        typer.Option("--out", help=gettext_noop("PREDICTIONS.csv to write: record_id,site_id,status,score")),
    ],
) -> None:
    from hrdd.domain.sitematch import SiteIndex

    start = time.perf_counter()
    sites = _records(registry, "registry")
    records = _records(incoming, "incoming")
    show = len(sites) + len(records) >= PROGRESS_FROM
    with _progress(show) as progress:
        build_task = progress.add_task(_("reading the registry"), total=len(sites)) if progress else None  # type: ignore[attr-defined]

        def advance(done: int) -> None:
            if progress is not None:
                progress.update(build_task, completed=done)  # type: ignore[attr-defined]

        index = SiteIndex.build(sites, progress=advance)
        match_task = progress.add_task(_("matching"), total=len(records)) if progress else None  # type: ignore[attr-defined]
        results = []
        try:
            for begin in range(0, len(records), CHUNK):
                results.extend(index.match(records[begin : begin + CHUNK]))
                if progress is not None:
                    progress.update(match_task, completed=len(results))  # type: ignore[attr-defined]
        finally:
            index.close()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(PREDICTION_COLUMNS)
    for result in results:
        writer.writerow((result.record_key, result.site_key or "", result.status, f"{result.score:.4f}"))
    try:
        out.write_text(buffer.getvalue(), encoding="utf-8")
    except OSError as exc:
        raise InputError(
            _("%(file)s: cannot write the file (%(error)s)") % {"file": out, "error": exc.strerror or exc},
            field="--out",
        ) from exc
    counts = {status: sum(1 for r in results if r.status == status) for status in ("auto", "review", "new")}
    stderr().print(
        _(
            "Matched %(records)s records against %(sites)s sites in %(seconds)s s: %(auto)s auto, %(review)s "
            "review, %(new)s new. Wrote %(file)s"
        )
        % {
            "records": count(len(records)),
            "sites": count(len(sites)),
            "seconds": f"{time.perf_counter() - start:.1f}",
            "auto": count(counts["auto"]),
            "review": count(counts["review"]),
            "new": count(counts["new"]),
            "file": out,
        },
        highlight=False,
        markup=False,
    )
