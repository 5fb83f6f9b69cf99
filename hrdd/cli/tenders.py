"""Step 3 on the command line: `hrdd tender build` (the annex) and `hrdd tender evaluate` (the bids)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from hrdd.cli.common import JsonOpt, django_setup, localize, machine_output, stdout, write_output
from hrdd.cli.common import gettext as _
from hrdd.core.errors import InputError
from hrdd.domain.texts import gettext_noop

tender_app = typer.Typer(
    help=gettext_noop("Step 3: human-rights criteria and clauses, and bid evaluation."), no_args_is_help=True
)

TENDER_FORMATS = ("md", "docx", "html", "json", "ocds")


def _weights(items: list[str]) -> dict[str, float]:
    """Read --weight CRITERION=NUMBER options into criterion -> weight."""
    weights: dict[str, float] = {}
    for item in items:
        key, _sep, value = item.partition("=")  # without "=", value is "" and float() refuses it
        try:
            weights[key.strip()] = float(value)
        except ValueError as exc:
            raise InputError(
                _("--weight %(value)r: write CRITERION=NUMBER, e.g. AC3=20") % {"value": item}
            ) from exc
    return weights


def _release_date(text: str) -> dt.datetime | None:
    """Read --date: an ISO 8601 date-time with a time zone (a date alone is midnight UTC)."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise InputError(
            _("%(value)r is not an ISO 8601 date-time, e.g. 2027-03-01T09:00:00Z") % {"value": text},
            field="--date",
        ) from exc
    if moment.tzinfo is None:
        if len(text) > 10:
            raise InputError(
                _("%(value)r has no time zone: add Z for UTC or e.g. +01:00") % {"value": text},
                field="--date",
            )
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


@tender_app.command(
    "build",
    help=gettext_noop(
        "Write the tender's human-rights annex for a scenario: baseline, criteria, clauses, KPIs, legal basis."
    ),
)
def tender_build(
    scenario: Annotated[
        int, typer.Option("--scenario", help=gettext_noop("1 (low), 2 (medium) or 3 (high market maturity)."))
    ],
    months: Annotated[
        int | None, typer.Option(help=gettext_noop("Months after award for the risk assessment (CC1)."))
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help=gettext_noop("md, docx, html, json or ocds."))] = "md",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help=gettext_noop("Write to this file."))
    ] = None,
    weight: Annotated[
        list[str] | None,
        typer.Option(help=gettext_noop("A weight as CRITERION=NUMBER, e.g. price=60 or AC3=20; repeatable.")),
    ] = None,
    no_label: Annotated[
        bool, typer.Option("--no-label", help=gettext_noop("Leave out the baseline label requirement."))
    ] = False,
    title: Annotated[str, typer.Option(help=gettext_noop("Title of the annex."))] = "",
    buyer: Annotated[
        str, typer.Option(help=gettext_noop("OCDS: the buying organisation (required with --format ocds)."))
    ] = "",
    ocid_prefix: Annotated[
        str,
        typer.Option(
            "--ocid-prefix",
            help=gettext_noop(
                "OCDS: your registered ocid prefix, e.g. ocds-213czf (default: HRDD_OCID_PREFIX)."
            ),
        ),
    ] = "",
    tender_id: Annotated[
        str,
        typer.Option(
            "--tender-id",
            help=gettext_noop(
                "OCDS: your reference for the tender, put after the prefix in the ocid "
                "(default: one made from --buyer and --title, the same each time)."
            ),
        ),
    ] = "",
    date: Annotated[
        str,
        typer.Option(help=gettext_noop("OCDS: the release date, ISO 8601 with a time zone (default: now).")),
    ] = "",
) -> None:
    django_setup()
    from hrdd.domain.tender import TenderInputError, build_tender, get_tender_framework
    from hrdd.tenders import documents, ocds

    if fmt not in TENDER_FORMATS:
        raise InputError(
            _("%(value)r is not one of %(choices)s") % {"value": fmt, "choices": ", ".join(TENDER_FORMATS)},
            field="--format",
        )
    if fmt == "ocds" and not buyer.strip():
        raise InputError(_("the buying organisation's name is needed with --format ocds"), field="--buyer")
    if fmt != "ocds" and (buyer or ocid_prefix or tender_id or date):
        raise InputError(_("--buyer, --ocid-prefix, --tender-id and --date go with --format ocds only"))
    if fmt == "docx" and output is None:
        raise InputError(_("--format %(format)s needs -o FILE") % {"format": fmt})
    if fmt in ("json", "ocds"):
        machine_output()  # data: the same in every language (the documents are written in the reader's)
    weights = _weights(weight or [])
    try:
        annex = build_tender(
            scenario=scenario,
            framework=get_tender_framework(),
            months=months,
            weights=weights or None,
            require_label=not no_label,
        )
    except TenderInputError as exc:
        raise InputError(str(localize(exc.args[0]) if exc.args else exc)) from exc
    if fmt == "docx":
        content: str | bytes = documents.annex_docx(annex, title=title)
    elif fmt == "html":
        content = documents.annex_html(annex, title=title)
    elif fmt == "json":
        content = documents.annex_json(annex)
    elif fmt == "ocds":
        package = ocds.adhoc_release_package(
            annex,
            title=title,
            buyer=buyer,
            tender_id=tender_id,
            ocid_prefix=ocid_prefix,
            date=_release_date(date),
            field_names={"buyer": "--buyer", "tender_id": "--tender-id", "ocid_prefix": "--ocid-prefix"},
        )
        content = json.dumps(package, indent=2, ensure_ascii=False)
    else:
        content = documents.annex_markdown(annex, title=title)
    write_output(content, output)


@tender_app.command(
    "evaluate",
    help=gettext_noop(
        "Score bids on the scenario's criteria: admission, fractions with reasons, points, totals, ranks."
    ),
)
def tender_evaluate(
    file: Annotated[
        Path,
        typer.Argument(
            help=gettext_noop(
                "JSON: {scenario, weights, require_label, bids: [...]} with the fields README's 'Bids as JSON' "
                "lists; an unknown field is refused (exit status 2) naming the field it probably means."
            )
        ),
    ],
    as_json: JsonOpt = False,
    fmt: Annotated[
        str, typer.Option("--format", help=gettext_noop("json, docx or xlsx (docx and xlsx need -o)."))
    ] = "",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help=gettext_noop("Write the report to this file."))
    ] = None,
) -> None:
    django_setup()
    from hrdd.domain.tender import TenderInputError, evaluate_bids, get_tender_framework, number_text
    from hrdd.tenders import documents

    if not file.is_file():
        raise InputError(_("%(file)s: no such file") % {"file": file})
    try:
        request = json.loads(file.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(_("%(file)s: not UTF-8 text") % {"file": file}) from exc
    except RecursionError as exc:  # arrays or objects nested thousands deep
        raise InputError(_("%(file)s: the JSON nests lists or objects too deeply") % {"file": file}) from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            _("%(file)s: malformed JSON at line %(line)s, column %(column)s: %(problem)s")
            % {"file": file, "line": exc.lineno, "column": exc.colno, "problem": exc.msg}
        ) from exc
    try:
        evaluation = evaluate_bids(request, get_tender_framework())
    except TenderInputError as exc:
        raise InputError(f"{file}: {localize(exc.args[0]) if exc.args else exc}") from exc
    fmt = fmt or ("json" if as_json else (output.suffix.lstrip(".") if output else ""))
    if fmt == "json":
        machine_output()
    if fmt in ("docx", "xlsx"):
        if output is None:
            raise InputError(_("--format %(format)s needs -o FILE") % {"format": fmt})
        body = (
            documents.evaluation_docx(evaluation) if fmt == "docx" else documents.evaluation_xlsx(evaluation)
        )
        write_output(body, output)
        return
    if fmt == "json":
        write_output(json.dumps(evaluation.as_dict(), indent=2, ensure_ascii=False), output)
        return
    if fmt:
        raise InputError(
            _("%(value)r is not one of %(choices)s") % {"value": fmt, "choices": "json, docx, xlsx"},
            field="--format",
        )
    table = Table(title=escape(_("Scenario %(scenario)s: evaluation") % {"scenario": evaluation.scenario}))
    for column in (_("rank"), _("bidder"), _("price"), _("admitted"), _("total"), _("notes")):
        table.add_column(column)
    for b in sorted(evaluation.bids, key=lambda b: (b.rank is None, b.rank or 0, b.bidder)):
        notes = "; ".join(str(localize(r)) for r in b.reasons if not r.startswith("admitted"))
        table.add_row(
            str(b.rank or "-"),
            escape(b.bidder),
            number_text(b.price),
            _("yes") if b.admitted else _("no"),
            number_text(b.total) if b.total is not None else "-",
            escape(notes),
        )
    stdout().print(table)
