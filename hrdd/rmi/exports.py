"""The consolidated smelters as an XLSX workbook, and as a template-shaped Smelter List: a workbook whose
"Smelter List" sheet has the header row and columns the chosen template version keeps (from the shipped layout
data), for tools that read that shape. It is not an RMI file: the header words are ours and no other sheet of
the template is made. Every text is written through the formula guard (hrdd.core.spreadsheets)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from hrdd.core.spreadsheets import append_row, guarded, new_workbook, workbook_bytes, writable
from hrdd.domain.rmi import known_versions, template_country_name, template_layouts
from hrdd.domain.texts import gettext_noop
from hrdd.rmi.models import ConsolidatedSmelter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# the consolidated workbook is read by people: its words are said in the reader's language (issue 16)
COLUMNS = (
    gettext_noop("Metal"), gettext_noop("Smelter or refiner"), gettext_noop("Country"),
    gettext_noop("RMI facility id"), gettext_noop("Identified"), gettext_noop("RMAP status (facility list)"),
    gettext_noop("RMAP standing"), gettext_noop("Conflict-affected or high-risk area"), gettext_noop("Why flagged"),
    gettext_noop("Suppliers naming it"), gettext_noop("Number of suppliers"), gettext_noop("Site registry id"),
)  # fmt: skip
# our words for the template's Smelter List columns (placed where the layout puts each column); this workbook has
# the shape of RMI's English template, for tools that read it, so its words stay English
TEMPLATE_HEADERS = {
    "smelter_id_input": "Smelter identification number input",
    "metal": "Metal",
    "smelter_lookup": "Smelter look-up",
    "smelter_name": "Smelter name",
    "country": "Smelter facility location: country",
    "smelter_id": "Smelter identification",
    "source_of_id": "Source of smelter identification number",
    "street": "Street",
    "city": "City",
    "state": "State / province",
    "contact_name": "Smelter contact name",
    "contact_email": "Smelter contact e-mail",
    "proposed_next_steps": "Proposed next steps",
    "mine_name": "Name of mine(s)",
    "mine_country": "Location (country) of mine(s)",
    "recycled": "Recycled or scrap sourced",
    "comments": "Comments",
}


# readable without resizing (a spreadsheet program shows 8.43 characters by default): one per COLUMNS entry
WIDTHS = (10, 40, 24, 13, 11, 18, 12, 16, 40, 40, 10, 38)
TEMPLATE_WIDTHS = {
    "metal": 12, "smelter_lookup": 36, "smelter_name": 36, "country": 30, "smelter_id": 13,
    "smelter_id_input": 13, "comments": 40, "street": 24,
}  # fmt: skip


def _country(smelter: ConsolidatedSmelter) -> str:
    return smelter.country_name or smelter.country_iso3


def smelters_xlsx(smelters: Iterable[ConsolidatedSmelter]) -> bytes:
    """The consolidated list, one row per smelter and metal."""
    workbook = new_workbook(write_only=True)
    sheet = workbook.create_sheet(_("Smelters"))
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    append_row(sheet, [_(c) for c in COLUMNS], bold=True)
    for s in smelters:
        append_row(
            sheet,
            [
                s.metal,
                s.name,
                _country(s),
                s.cid,
                _("yes") if s.identified else _("no"),
                s.rmap_status or (_("not on the facility list") if s.cid else ""),
                s.rmap,
                _("yes") if s.cahra else _("no"),
                "; ".join(s.cahra_reasons),
                "; ".join(x["name"] for x in s.suppliers),
                s.supplier_count,
                str(s.site.public_id) if s.site_id and s.site else "",
            ],
        )
    return workbook_bytes(workbook)


def template_key_for(template: str) -> str:
    """The newest version hrdd knows of a template type ("CMRT" -> "CMRT 6.5")."""
    versions = [key for key in known_versions() if key.split()[0] == template.upper()]
    if not versions:
        raise ValueError(f"unknown template {template!r}")
    return versions[-1]


def smelter_list_workbook(
    smelters: Iterable[ConsolidatedSmelter], *, template: str = "CMRT"
) -> tuple[str, bytes]:
    """A template-shaped Smelter List of the smelters whose metal the template covers; (version key, bytes)."""
    key = template_key_for(template)
    layout = template_layouts()[key]
    table = layout.smelter_list
    metals = {m.lower() for m in layout.smelter_metals}
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = "Smelter List"
    for field, column in table.columns.items():
        sheet[f"{column}{table.header_row}"] = TEMPLATE_HEADERS.get(
            field, field.replace("_", " ").capitalize()
        )
    for field, column in table.columns.items():
        sheet.column_dimensions[column].width = TEMPLATE_WIDTHS.get(field, 16)
    sheet["A1"] = f"Smelter List in the layout of {key}, made by hrdd from suppliers' files (not an RMI file)"
    row = table.first_row
    name_column = table.columns.get("smelter_name") or table.columns.get("smelter_lookup")
    for s in smelters:
        if metals and s.metal.lower() not in metals:
            continue
        values = {
            "metal": s.metal,
            "smelter_lookup": s.name if "smelter_lookup" in table.columns else None,
            "smelter_name": s.name,
            "country": template_country_name(s.country_iso3) or _country(s).upper(),
            "smelter_id": s.cid,
            "smelter_id_input": s.cid,
            "comments": "Named by: " + "; ".join(x["name"] for x in s.suppliers),
        }
        for field, value in values.items():
            column = table.columns.get(field) or (name_column if field == "smelter_name" else None)
            if column and value:
                cell = sheet[f"{column}{row}"]
                cell.value = writable(value)
                if guarded(value):  # a name typed as "=..." stays text
                    cell.data_type = "s"
                    cell.quotePrefix = True
        row += 1
    return key, workbook_bytes(workbook)
