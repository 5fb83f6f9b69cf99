"""The knowledge base's raw materials said in the reader's language (issue 16): material_names.yaml maps each
material code of the CSVs to its name in Dutch, French and German; English is the code itself. Pure Python (no
Django): the pages and reports pass the active language, and `missing_material_names` names what a new material
in the CSVs still lacks."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict

from hrdd.domain.yamltext import load_yaml

NAMES_FILE = "material_names.yaml"
MATERIAL_TABLES = (
    "bill_of_materials.csv",
    "labour_goods.csv",
    "mineral_production.csv",
    "production_gaps.csv",
)


class MaterialNames(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["material-names"]
    languages: tuple[str, ...]
    names: dict[str, dict[str, str]]


@cache
def material_names() -> MaterialNames:
    """The shipped name map, checked: every material names every language, and nothing empty."""
    text = resources.files("hrdd.knowledge").joinpath(NAMES_FILE).read_text(encoding="utf-8")
    found = MaterialNames.model_validate(load_yaml(text))
    for material, names in found.names.items():
        absent = [lang for lang in found.languages if not str(names.get(lang, "")).strip()]
        extra = sorted(set(names) - set(found.languages))
        if absent or extra:
            raise ValueError(f"{NAMES_FILE}: {material} lacks {absent} or names unknown languages {extra}")
    return found


def material_name(material: str, language: str) -> str:
    """A material's name in `language` (a code such as 'nl' or 'de-at'); the English name (the code) otherwise."""
    names: Mapping[str, str] = material_names().names.get(material.strip().lower(), {})
    return names.get((language or "en").split("-")[0].lower(), material)


def shipped_materials() -> set[str]:
    """Every material the shipped tables name."""
    found: set[str] = set()
    for table in MATERIAL_TABLES:
        text = resources.files("hrdd.knowledge").joinpath(table).read_text(encoding="utf-8")
        found |= {row["material"].strip() for row in csv.DictReader(io.StringIO(text)) if row.get("material")}
    return found


def missing_material_names() -> list[str]:
    """The materials of the shipped tables that the name map does not translate."""
    return sorted(shipped_materials() - set(material_names().names))
