"""A supplier's production-site list (CSV or XLSX): name, address, country, site type, products.

Read as people have it (hrdd.core.csvfiles: any usual encoding and separator; the header found wherever the first
row with text is; column names and site types in any case and spacing), and offered as a template to fill in: a
workbook with a drop-down of the site types the risk method knows and a sheet explaining them, and a CSV file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrdd.core.errors import InputError
from hrdd.core.spreadsheets import append_row, new_workbook, read_rows, workbook_bytes
from hrdd.core.texts import localize
from hrdd.core.uploads import AcceptedFile
from hrdd.domain.countries import suggest_countries, to_iso3
from hrdd.domain.risk import get_risk_method, normalise_site_type
from hrdd.domain.sites import site_stage

COLUMNS = ("name", "address", "country", "site_type", "products")
REQUIRED = ("name", "address", "country")
OPTIONAL = ("site_type", "products")
# A header as people write it (lower case, single spaces, '_' and '-' read as spaces) -> the column it names.
ALIASES = {
    "name": "name",
    "site name": "name",
    "address": "address",
    "country": "country",
    "country iso3": "country",
    "type": "site_type",
    "site type": "site_type",
    "products": "products",
    "products or components": "products",
}
MAX_ROWS = 20_000
TEMPLATE_NAME = "site-list-template"
Progress = Callable[[int, int], None]

# What each supply-chain stage of the risk method means for a site, in the template's explanation sheet.
STAGE_MEANINGS = {
    "mining": gettext_lazy("A mine or quarry where a raw material (e.g. cobalt, tin, copper) is extracted."),
    "refining_smelting": gettext_lazy(
        "A smelter or refinery that turns ore or scrap into metal or chemicals (e.g. tin, tantalum, cobalt)."
    ),
    "component_manufacturing": gettext_lazy(
        "A factory that makes parts: chips, circuit boards, displays, batteries, casings, cables."
    ),
    "assembly": gettext_lazy("A factory that puts the parts together into the finished product."),
}
COLUMN_MEANINGS = {
    "name": gettext_lazy("The site's name, as the site itself uses it (required)."),
    "address": gettext_lazy(
        "Street, town and postcode, as precise as you know it (the column is required; a cell may stay empty)."
    ),
    "country": gettext_lazy(
        "The country: its name in any language or its ISO code, e.g. China, Chine, CN or CHN (required)."
    ),
    "site_type": gettext_lazy(
        "What the site does: one of the site types listed above (any capitals). Another word is accepted, but then "
        "the risks of every stage in the site's country are proposed for it."
    ),
    "products": gettext_lazy("The products or components the site makes for this contract."),
}


class SiteListError(InputError):
    """A site list cannot be read; the message names the row and column."""


@dataclass(frozen=True)
class SiteRow:
    row: int
    name: str
    address: str
    country_iso3: str
    site_type: str
    products: str

    @property
    def stage(self) -> str | None:
        """The supply-chain stage the site's type names, from the risk method's site types."""
        return site_stage(self.site_type, get_risk_method().site_types)

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "address": self.address, "country": self.country_iso3}


def country_code(value: str) -> str | None:
    """ISO 3166-1 alpha-3 code for a code (alpha-2/3) or a name in any language; None when unknown."""
    return to_iso3(value)


def column_of(header: str) -> str:
    """The column a header names, read in any case and spacing ('Site Type', 'site_type', ' SITE-TYPE ')."""
    words = " ".join(header.replace("_", " ").replace("-", " ").lower().split())
    return ALIASES.get(words, words)


def site_type_as_listed(value: str) -> str:
    """A site type as the risk method spells it when it lists the type (any case and spacing), else as given
    with single spaces."""
    text = " ".join(value.split())
    normalised = normalise_site_type(text)
    return normalised if normalised in get_risk_method().site_types.stages else text


def _rows_from_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    first_row: int,
    progress: Progress | None = None,
    *,
    header_row: int = 1,
) -> list[SiteRow]:
    columns = [column_of(h) for h in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise SiteListError(
            _(
                "row %(row)d: missing column(s) %(missing)s. The first row must name the columns name, address, "
                "country, site_type and products; the template on this page has them."
            )
            % {"row": header_row, "missing": ", ".join(missing)}
        )
    sites = []
    for offset, values in enumerate(rows):
        if progress is not None:
            progress(offset, len(rows))
        number = first_row + offset
        record = {c: (values[i] if i < len(values) else "") for i, c in enumerate(columns)}
        if not any(str(v).strip() for v in record.values()):
            continue
        raw_country = str(record.get("country") or "")
        code = country_code(raw_country)
        if code is None:
            suggestions = suggest_countries(raw_country)
            hint = (
                _(" Did you mean %(names)s?") % {"names": _(" or ").join(suggestions)} if suggestions else ""
            )
            raise SiteListError(
                _(
                    "row %(row)d, column country: '%(value)s' is not a known country. Write its name (in any "
                    "language) or its ISO code, e.g. Germany, Deutschland, DE or DEU."
                )
                % {"row": number, "value": raw_country.strip()}
                + hint
            )
        sites.append(
            SiteRow(
                row=number,
                name=str(record.get("name") or "").strip()[:300],
                address=str(record.get("address") or "").strip()[:500],
                country_iso3=code,
                site_type=site_type_as_listed(str(record.get("site_type") or ""))[:100],
                products=str(record.get("products") or "").strip()[:500],
            )
        )
        if len(sites) > MAX_ROWS:
            raise SiteListError(
                _(
                    "The list holds more than %(limit)s sites, the most one site list may hold. List the key "
                    "production sites, and say in the explanation how many more there are."
                )
                % {"limit": number_format(MAX_ROWS, force_grouping=True)}
            )
    if not sites:
        raise SiteListError(
            _("The list holds no site: fill in one row per production site below the header row.")
        )
    if progress is not None:
        progress(len(rows), len(rows))
    return sites


def read_site_list(file: AcceptedFile, *, progress: Progress | None = None) -> list[SiteRow]:
    """Read an accepted CSV or XLSX site list; SiteListError names the row and column at fault, the kernel's
    SpreadsheetError (or CsvFileError) what is wrong with the file itself.

    Row numbers are the file's, as a spreadsheet program shows them; the header is the first row with text.
    `progress(done, total)` hears how many of the table's rows are read."""
    table = [["" if v is None else str(v) for v in row] for row in read_rows(file)]
    start = next((i for i, row in enumerate(table) if any(v.strip() for v in row)), None)
    if start is None:
        raise SiteListError(
            _(
                "The file is empty: fill in the header row and one row per production site, as in the template."
            )
        )
    return _rows_from_table(table[start], table[start + 1 :], start + 2, progress, header_row=start + 1)


def site_types_listed() -> list[tuple[str, str]]:
    """The site types the risk method knows, each with the title of the stage it names, in the stages' order."""
    method = get_risk_method()
    order = {stage.id: number for number, stage in enumerate(method.stages)}
    stages = method.site_types.stages
    return [
        (site_type, method.stage_title(stages[site_type]))
        for site_type in sorted(stages, key=lambda t: (order.get(stages[t], len(order)), t))
    ]


def site_list_template_csv() -> bytes:
    """The site list's header as a CSV file (UTF-8 with a byte-order mark, so that Excel reads it as UTF-8)."""
    return ("\ufeff" + ",".join(COLUMNS) + "\r\n").encode("utf-8")


def site_list_template_xlsx() -> bytes:
    """A workbook to fill in: the columns on the first sheet, a drop-down of the site types (another word is
    allowed after a warning), and a second sheet explaining the columns and the site types."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    types = site_types_listed()
    wb = new_workbook()
    sites = wb.active
    sites.title = str(_("Sites"))
    append_row(sites, COLUMNS, bold=True)
    for letter, width in zip("ABCDE", (32, 48, 18, 26, 40), strict=True):
        sites.column_dimensions[letter].width = width
    sites.freeze_panes = "A2"
    fill = PatternFill("solid", fgColor="FFF2CC")
    for cell in sites[1]:
        cell.fill = fill

    help_sheet = wb.create_sheet(str(_("Site types")))
    append_row(help_sheet, ["site_type", _("stage"), _("what it means")], bold=True)  # the column's name
    for site_type, stage_title in types:
        stage_id = get_risk_method().site_types.stages[site_type]
        stage_said = str(localize(stage_title))  # the risk method's title, in the reader's language
        append_row(help_sheet, [site_type, stage_said, str(STAGE_MEANINGS.get(stage_id, stage_said))])
    last_type_row = help_sheet.max_row
    append_row(help_sheet, [])
    append_row(help_sheet, [_("column"), _("what to write")], bold=True)
    for column in COLUMNS:
        append_row(help_sheet, [column, str(COLUMN_MEANINGS[column])])
    append_row(help_sheet, [])
    append_row(
        help_sheet,
        [
            _("example"),
            "Assembly One | 1 Factory Road, Kunshan | China | final assembly | notebooks",
        ],
    )
    append_row(
        help_sheet,
        [
            _("saving"),
            _(
                "Keep the first sheet first and its first row as it is. Save as .xlsx, or as CSV (comma, "
                "semicolon or tab; UTF-8 or your Windows encoding)."
            ),
        ],
    )
    help_sheet.column_dimensions["A"].width = 26
    help_sheet.column_dimensions["B"].width = 60
    help_sheet.column_dimensions["C"].width = 80
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in help_sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    help_sheet["A1"].font = Font(bold=True)

    choices = DataValidation(
        type="list",
        formula1=f"'{help_sheet.title}'!$A$2:$A${last_type_row}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle=str(_("Site type not in the list")),
        error=str(
            _(
                "hrdd knows the site types listed on the sheet Site types. Another word is kept, but then the "
                "risks of every stage in the site's country are proposed for this site."
            )
        ),
        showInputMessage=True,
        promptTitle=str(_("Site type")),
        prompt=str(_("Pick what the site does; see the sheet Site types.")),
    )
    sites.add_data_validation(choices)
    choices.add(f"D2:D{MAX_ROWS + 1}")
    return workbook_bytes(wb)
