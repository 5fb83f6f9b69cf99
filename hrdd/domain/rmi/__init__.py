"""Reading the Responsible Minerals Initiative's reporting templates (CMRT, EMRT, CRT, AMRT) of every shipped
version, and checking them like the template's own Checker (issue 13).

The public interface:
- `read_template(workbook_cells, file=...)` -> `TemplateReading` (frozen): template type and version as the
  file states it, company information, minerals in scope, per-metal answers, company questions, smelter rows,
  product rows and `problems` (each a `Problem` with code, severity, sheet, cell or row and a message).
  Raises `TemplateRefused` (with `.code` "not_a_template" or "unknown_template_version") for a file it does not
  read; `refused_reading(file, refusal)` turns that into a reading to report.
- `identify_template(sheet_names, declaration_cells)` -> `TemplateLayout` of that version.
- `template_layouts()`, `known_versions()`: the shipped layouts (layouts.json, curated by curate.py).
- `smelter_country_iso3(name)`: a smelter's country as the templates' list writes it, as an ISO alpha-3 code
  (the reader fills `SmelterRow.country_iso3` and `mine_country_iso3` with it); `template_country_name(iso3)` the
  other way, for template-shaped exports.
The cells come from a workbook through the openpyxl adapter in hrdd.rmi.workbook (`read_template_file`).
"""

from hrdd.domain.rmi.countries import smelter_country_iso3, template_country_name
from hrdd.domain.rmi.layouts import (
    TemplateLayout,
    known_versions,
    template_countries,
    template_country_codes,
    template_layouts,
)
from hrdd.domain.rmi.reader import (
    SheetCells,
    WorkbookCells,
    canonical_answer,
    find_sheet,
    identify_template,
    read_template,
    refused_reading,
)
from hrdd.domain.rmi.results import (
    ERROR,
    PROBLEM_CODES,
    WARNING,
    CompanyInfo,
    Problem,
    ProductRow,
    SmelterRow,
    TemplateReading,
    TemplateRefused,
)

__all__ = [
    "ERROR",
    "PROBLEM_CODES",
    "WARNING",
    "CompanyInfo",
    "Problem",
    "ProductRow",
    "SheetCells",
    "SmelterRow",
    "TemplateLayout",
    "TemplateReading",
    "TemplateRefused",
    "WorkbookCells",
    "canonical_answer",
    "find_sheet",
    "identify_template",
    "known_versions",
    "read_template",
    "refused_reading",
    "smelter_country_iso3",
    "template_countries",
    "template_country_codes",
    "template_country_name",
    "template_layouts",
]
