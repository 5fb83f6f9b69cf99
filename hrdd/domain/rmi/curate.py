"""Build the shipped layout data (layouts.json beside this module) from the reference facts.

The facts were read from the RMI's template workbooks (../shared/reference/rmi/layout.json, see its README); only
what the reader and the Checker need is kept, so the product never reads the reference folder at run time and no
RMI file is shipped. Run again when a template version is added:

    python -m hrdd.domain.rmi.curate ../shared/reference/rmi/layout.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SHIPPED = Path(__file__).with_name("layouts.json")
SOURCE_NOTE = (
    "Curated by hrdd.domain.rmi.curate from the layout facts in reference/rmi/layout.json, which were read with "
    "openpyxl from the Responsible Minerals Initiative's template workbooks (as published in "
    "github.com/cirscn/cm-reporting, folder app/templates). The templates are (c) RMI, all rights reserved: "
    "only facts (sheet names, cell addresses, allowed answers, the Checker's rules) are recorded here."
)


def _answer_row(row: dict[str, Any]) -> dict[str, Any]:
    return {"cell": row["answer_cell"], "metal": row.get("metal"), "allowed": row.get("allowed") or []}


def _allowed_of(validation: dict[str, Any] | None) -> list[str] | None:
    if not validation:
        return None
    allowed = validation.get("allowed")
    return list(allowed) if isinstance(allowed, list) else None


def curate_version(template: dict[str, Any]) -> dict[str, Any]:
    """Keep the facts of one template version that reading and checking need."""
    declaration = template["declaration"]
    company: dict[str, Any] = {}
    minerals: dict[str, Any] = {"fixed": None, "selectors": None, "other_cell": None}
    for key, info in declaration["company_info"].items():
        if key == "minerals_in_scope":
            selectors = []
            for selector in info["selector_cells"]:
                allowed = selector.get("allowed")
                selectors.append(
                    {
                        "cell": selector["cell"],
                        "allowed": allowed if isinstance(allowed, list) else None,  # None: free text
                    }
                )
            minerals["selectors"] = selectors
            continue
        if key == "other_minerals":
            minerals["other_cell"] = info["value_cell"]
            continue
        company[key] = {
            "cell": info["value_cell"],
            "required": bool(info.get("required")),
            "allowed": info.get("allowed"),
            "date": info.get("validation") == "date",
        }
    metal_questions = []
    fixed_metals: list[str] = []
    for question in declaration["metal_questions"]:
        rows = [_answer_row(r) for r in question["rows"]]
        for row in rows:
            if row["metal"] and row["metal"] not in fixed_metals:
                fixed_metals.append(row["metal"])
        metal_questions.append(
            {"id": question["id"], "required": bool(question.get("required")), "rows": rows}
        )
    if minerals["selectors"] is None:
        minerals["fixed"] = fixed_metals
    company_questions = []
    for question in declaration["company_questions"]:
        entry: dict[str, Any] = {"id": question["id"]}
        if question.get("per_metal_rows"):
            entry["rows"] = [_answer_row(r) for r in question["per_metal_rows"]]
        else:
            entry["cell"] = question["answer_cell"]
            entry["allowed"] = question.get("allowed") or []
        company_questions.append(entry)
    smelters = template["smelter_list"]
    validations = smelters.get("column_validations") or {}
    metal_column = smelters["columns"]["metal"]["column"]
    country_column = smelters["columns"]["country"]["column"]
    smelter_list = {
        "header_row": smelters["header_row"],
        "first_row": smelters["data_first_row"],
        "last_row": smelters["data_last_row"],
        "columns": {name: c["column"] for name, c in smelters["columns"].items()},
        "required": sorted(name for name, c in smelters["columns"].items() if c.get("required")),
        "metals": smelters.get("metal_dropdown_values") or _allowed_of(validations.get(metal_column)),
        "countries_listed": _allowed_of(validations.get(country_column)) is not None,
        "lookup_special": smelters.get("lookup_special_values") or [],
        "header_translations": {
            column: sorted(set(texts.values()))
            for column, texts in smelters.get("header_translations", {}).items()
        },
    }
    products = template["product_list"]
    headers = products["headers"]
    product_columns = {"number": "B", "name": "C"}
    if "Requester" in headers.get("D", ""):
        product_columns.update(requester_number="D", requester_name="E")
    lookup = template.get("smelter_lookup")
    scope = declaration["company_info"]["declaration_scope"]
    constants: dict[str, str] = {}
    for validation in declaration.get("data_validations", []):
        if validation.get("sqref", "").startswith("D9") and validation.get("formula1"):
            first, _, last = validation["formula1"].replace("$", "").partition(":")
            if first[1:] == last[1:]:  # one row of options, e.g. P9:R9
                for offset, option in enumerate(scope.get("allowed") or []):
                    constants[f"Declaration!{chr(ord(first[0]) + offset)}{first[1:]}"] = option
    checker = [
        {
            "row": rule["checker_row"],
            "target": rule["target"][0] if rule.get("target") else None,
            "value": rule.get("value_formula"),
            "necessary": rule.get("necessary"),
            "incomplete": rule.get("incomplete_if"),
            "message": rule.get("message_en") or "",
        }
        for rule in template["checker_rules"]
    ]
    return {
        "template": template["template"],
        "version": template["version"],
        "source_file": template["source_file"],
        "sheets": [s["name"] for s in template["sheets"]],
        "hidden_sheets": template["hidden_sheets"],
        "version_cells": [
            {"sheet": v["sheet"], "cell": v["cell"], "text": v["text"]} for v in template["version_cells"]
        ],
        "title_cell": declaration["title_cell"],
        "titles": sorted(set((declaration.get("title_i18n") or {}).values()) | {declaration["title_en"]}),
        "language_cell": declaration["language_cell"],
        "languages": declaration["languages"],
        "company": company,
        "minerals": minerals,
        "metal_questions": metal_questions,
        "company_questions": company_questions,
        "smelter_list": smelter_list,
        "product_list": {
            "header_row": products["header_row"],
            "columns": product_columns,
            "headers": headers,
        },
        "smelter_lookup": None
        if not lookup
        else {
            "header_row": lookup["header_row"],
            "columns": {"metal": "A", "name": "B", "standard_name": "C", "country": "D", "cid": "E"},
        },
        "checker": checker,
        "constants": constants,
    }


def curate(facts: dict[str, Any]) -> dict[str, Any]:
    """The shipped layout data for every version in the facts."""
    return {
        "_source": SOURCE_NOTE,
        "versions": {key: curate_version(t) for key, t in sorted(facts["templates"].items())},
        # [ISO alpha-2, name as the dropdown writes it]: the reader turns a chosen name into its ISO code
        "countries": [[code, name] for code, name in facts["country_list"]["entries"]],
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python -m hrdd.domain.rmi.curate PATH/TO/layout.json\n")
        return 2
    facts = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    SHIPPED.write_text(json.dumps(curate(facts), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {SHIPPED}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
