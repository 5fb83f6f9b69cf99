"""Template-shaped workbooks built with openpyxl from the reference layout facts (../shared/reference/rmi).

No RMI file is used or shipped: each workbook has the sheets, cells and headers the facts record for its
version, filled with made-up answers. `FACTS` is None where the reference folder is absent (tests then skip).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

REFERENCE = Path(__file__).resolve().parents[3].parent / "shared" / "reference" / "rmi" / "layout.json"
FACTS: dict[str, Any] | None = (
    json.loads(REFERENCE.read_text(encoding="utf-8")) if REFERENCE.is_file() else None
)
VERSIONS = sorted(FACTS["templates"]) if FACTS else []
AMRT_MINERALS = ["Silver", "Zinc"]


def _pick(allowed: list[str]) -> str:
    return "Yes" if "Yes" in allowed else allowed[0]


def minerals_of(template: dict[str, Any]) -> list[str]:
    info = template["declaration"]["company_info"].get("minerals_in_scope")
    if not info:
        metals: list[str] = []
        for question in template["declaration"]["metal_questions"]:
            metals += [r["metal"] for r in question["rows"] if r["metal"] not in metals]
        return metals
    if template["template"] == "EMRT":
        return ["Cobalt", "Nickel"]
    return AMRT_MINERALS


def build(
    key: str,
    *,
    cells: dict[tuple[str, str], Any] | None = None,
    smelters: list[dict[str, Any]] | None = None,
    products: list[tuple[str, str]] | None = None,
    scope: str = "A. Company",
    language: str = "English",
    rename: dict[str, str] | None = None,
    drop: tuple[str, ...] = (),
    formulas: dict[tuple[str, str], tuple[str, Any]] | None = None,
    macros: bool = False,
    hidden_rows: tuple[int, ...] = (),
    extra_rows: int = 0,
) -> bytes:
    """A filled workbook of template version `key` ("CMRT 6.5"); `cells` overrides (sheet, cell) values,
    `formulas` puts (formula, cached value or None) in cells."""
    from openpyxl import Workbook

    assert FACTS is not None
    template = FACTS["templates"][key]
    declaration = template["declaration"]
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = {}
    for info in template["sheets"]:
        if info["name"] in drop:
            continue
        sheet = workbook.create_sheet((rename or {}).get(info["name"], info["name"]))
        sheet.sheet_state = info["state"]
        sheets[info["name"]] = sheet
    decl = sheets["Declaration"]
    decl[declaration["title_cell"]] = (declaration.get("title_i18n") or {}).get(
        language, declaration["title_en"]
    )
    decl[declaration["language_cell"]] = language
    for version_cell in template["version_cells"]:
        if version_cell["sheet"] in sheets:
            sheets[version_cell["sheet"]][version_cell["cell"]] = version_cell["text"]
    minerals = minerals_of(template)
    for name, info in declaration["company_info"].items():
        if info.get("label_cell"):
            decl[info["label_cell"]] = (info.get("label_i18n") or {}).get(language, info.get("label_en"))
        if name == "minerals_in_scope":
            for index, selector in enumerate(info["selector_cells"]):
                allowed = selector.get("allowed")
                if isinstance(allowed, list) and allowed[0].startswith(
                    ("Cobalt", "Copper", "Graphite", "Lithium", "Mica", "Nickel")
                ):
                    decl[selector["cell"]] = allowed[0] if allowed[0] in minerals else allowed[1]
                elif index < len(minerals):
                    decl[selector["cell"]] = minerals[index]
            continue
        if not info.get("value_cell"):
            continue
        value: Any = {
            "company_name": "Acme Components B.V.",
            "declaration_scope": scope,
            "contact_name": "Ann Example",
            "contact_email": "ann@acme.example",
            "contact_phone": "+31 20 555 0100",
            "authorizer": "Bob Example",
            "authorizer_email": "bob@acme.example",
            "effective_date": __import__("datetime").datetime(2025, 3, 31),
            "scope_description": "All products" if scope.startswith("C") else None,
        }.get(name)
        if value is not None:
            decl[info["value_cell"]] = value
    for question in declaration["metal_questions"]:
        for index, row in enumerate(question["rows"]):
            if row["metal"] or index < len(minerals):
                decl[row["answer_cell"]] = _pick(row["allowed"])
    for question in declaration["company_questions"]:
        for row in question.get("per_metal_rows") or []:
            if row["metal"] or question["per_metal_rows"].index(row) < len(minerals):
                decl[row["answer_cell"]] = _pick(row["allowed"])
        if question.get("answer_cell"):
            decl[question["answer_cell"]] = _pick(question["allowed"])
            decl[question["comment_cell"]] = "https://acme.example/policy"
    smelter_list = template["smelter_list"]
    columns = {name: c["column"] for name, c in smelter_list["columns"].items()}
    lookup_rows = []
    if smelters is None:
        smelters = [
            {"metal": metal, "lookup": f"{metal} Refinery {n}", "country": "CHINA", "cid": f"CID00{n:04d}"}
            for n, metal in enumerate(minerals, start=1)
        ]
    if "Smelter List" in sheets:
        sheet = sheets["Smelter List"]
        for column, header in smelter_list["headers"].items():
            translations = smelter_list.get("header_translations", {}).get(column, {})
            sheet[f"{column}{smelter_list['header_row']}"] = translations.get(language, header)
        for offset, smelter in enumerate(smelters + [{}] * extra_rows):
            row = smelter_list["data_first_row"] + offset
            for field, value in smelter.items():
                target = {"lookup": "smelter_lookup", "name": "smelter_name", "cid": "smelter_id"}.get(
                    field, field
                )
                if target == "smelter_lookup" and "smelter_lookup" not in columns:
                    target = "smelter_name"
                if value is not None:
                    sheet[f"{columns[target]}{row}"] = value
            if extra_rows and not smelter:
                sheet[f"{columns['metal']}{row}"] = minerals[0]
                sheet[f"{columns.get('smelter_lookup', columns['smelter_name'])}{row}"] = f"Smelter {row}"
                sheet[f"{columns['country']}{row}"] = "CHINA"
        for row in hidden_rows:
            sheet.row_dimensions[row].hidden = True
    for n, metal in enumerate(minerals, start=1):
        lookup_rows.append(
            (metal, f"{metal} Refinery {n}", f"{metal} Refinery {n}", "CHINA", f"CID00{n:04d}")
        )
    lookup_rows.append((minerals[0], "Smelter not listed", "", "", ""))
    if "Smelter Look-up" in sheets and template.get("smelter_lookup"):
        sheet = sheets["Smelter Look-up"]
        first = template["smelter_lookup"]["header_row"] + 1
        for offset, entry in enumerate(lookup_rows):
            for column, value in zip("ABCDE", entry, strict=True):
                if value:
                    sheet[f"{column}{first + offset}"] = value
    if "Product List" in sheets:
        sheet = sheets["Product List"]
        first = template["product_list"]["header_row"]
        for column, header in template["product_list"]["headers"].items():
            sheet[f"{column}{first}"] = header
        for offset, (number, name) in enumerate(products or []):
            sheet[f"B{first + 1 + offset}"] = number
            sheet[f"C{first + 1 + offset}"] = name
    for (sheet_name, cell), value in (cells or {}).items():
        target = sheets[sheet_name][cell]
        target.value = value
        if isinstance(value, str) and value.startswith(("=", "+")):
            target.data_type = "s"  # a text that looks like a formula stays text
    cached: dict[tuple[str, str], Any] = {}
    for (sheet_name, cell), (formula, value) in (formulas or {}).items():
        sheets[sheet_name][cell] = formula
        if value is not None:
            cached[(sheet_name, cell)] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    if cached or macros:
        content = _patch(
            content, workbook.sheetnames, {(sheets[s].title, c): v for (s, c), v in cached.items()}, macros
        )
    return content


def _patch(content: bytes, names: list[str], cached: dict[tuple[str, str], Any], macros: bool) -> bytes:
    """Write saved results into formula cells (as Excel does) and, if asked, a macro part."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            match = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", item.filename)
            if match:
                title = names[int(match.group(1)) - 1]
                text = data.decode()
                for (sheet, cell), value in cached.items():
                    if sheet != title:
                        continue
                    kind = ' t="str"' if isinstance(value, str) else ""
                    text = re.sub(
                        rf'<c r="{cell}"([^>]*)><f>(.*?)</f><v\s*/>|<c r="{cell}"([^>]*)><f>(.*?)</f><v></v>',
                        lambda m, cell=cell, kind=kind, value=value: (
                            f'<c r="{cell}"{kind}><f>{m.group(2) or m.group(4)}</f><v>{value}</v>'
                        ),
                        text,
                    )
                data = text.encode()
            target.writestr(item, data)
        if macros:
            target.writestr("xl/vbaProject.bin", b"\x00" * 64)
    return out.getvalue()
