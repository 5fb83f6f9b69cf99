"""Hostile files built in memory, for the regression tests, the fuzz test and benchmarks/hostile_files.py: the
three cases measured in issue 17 (a DOCX of tiny sentences, a site list and a questionnaire that swell inside
openpyxl) and the other attacks an Office package can carry (macros, DTD entities, damaged cells, formulas)."""

from __future__ import annotations

import io
import random
import re
import zipfile

from tests.core.builders import docx_bytes, xlsx_bytes

SHEET = "xl/worksheets/sheet1.xml"
STYLES = "xl/styles.xml"
DOCUMENT = "word/document.xml"
SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHARED_STRINGS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    + "]>"
)


def parts_of(package: bytes) -> dict[str, bytes]:
    """The parts of a ZIP package, in order."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {item.filename: archive.read(item.filename) for item in archive.infolist()}


def package(parts: dict[str, bytes | str]) -> bytes:
    """A ZIP package of these parts, deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data.encode() if isinstance(data, str) else data)
    return buffer.getvalue()


def replaced(original: bytes, part: str, old: str, new: str) -> bytes:
    """The package with one text replaced in one part."""
    parts: dict[str, bytes | str] = dict(parts_of(original))
    text = parts[part].decode() if isinstance(parts[part], bytes) else str(parts[part])
    assert old in text, f"{old!r} not in {part}"
    parts[part] = text.replace(old, new, 1)
    return package(parts)


# the three measured cases


def tiny_sentences_docx(sentences: int, *, seed: int = 1) -> bytes:
    """A DOCX of one- and two-word sentences, compressed as little as a real document is (repeated blocks of
    random sentences): 80 KB of it once held 2 million characters that the text reader read one by one."""
    rng = random.Random(seed)
    words = ["child", "labour", "forced", "cobalt", "Congo", "mine", "workers", "no"]
    block = (
        ". ".join(" ".join(rng.choice(words) for _ in range(rng.randint(1, 2))) for _ in range(3200)) + ". "
    )
    per_block = block.count(". ")
    text = block * (sentences // per_block + 1)
    body = f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
    return replace_body(docx_bytes("x"), body)


def replace_body(docx: bytes, body: str) -> bytes:
    """The DOCX with its body's paragraphs replaced by `body` (WordprocessingML)."""
    parts: dict[str, bytes | str] = dict(parts_of(docx))
    xml = parts[DOCUMENT].decode() if isinstance(parts[DOCUMENT], bytes) else str(parts[DOCUMENT])
    parts[DOCUMENT] = re.sub(r"<w:body>.*?(<w:sectPr)", f"<w:body>{body}\\1", xml, count=1, flags=re.S)
    return package(parts)


def cell_formats_xlsx(
    formats: int, rows: list[list[object]] | None = None, *, base: bytes | None = None, seed: int = 2
) -> bytes:
    """A workbook (`base`, or one of `rows`) whose style sheet declares `formats` cell formats, each aligned
    differently: openpyxl builds objects of each before the first row (1.5 MB of them took a site list past 3 GB
    and a questionnaire past 8 GB)."""
    rng = random.Random(seed)
    original = base or xlsx_bytes(rows or [["name", "address", "country", "site_type", "products"]])
    formats_xml = "".join(
        f'<xf numFmtId="{rng.randint(0, 200)}" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
        f'<alignment horizontal="left" indent="{rng.randint(0, 250)}" wrapText="1"/></xf>'
        for _ in range(formats)
    )
    styles = parts_of(original)[STYLES].decode()
    found = re.search(r'<cellXfs count="(\d+)">', styles)
    assert found, "no cellXfs"
    count = int(found.group(1)) + formats
    return replaced(original, STYLES, found.group(0), f'<cellXfs count="{count}">{formats_xml}')


def shared_strings_xlsx(strings: int, *, seed: int = 3) -> bytes:
    """A workbook with `strings` shared strings (openpyxl reads them all before the first row)."""
    rng = random.Random(seed)
    original = xlsx_bytes([["name", "address", "country", "site_type", "products"]])
    table = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "".join(f"<si><t>{rng.randint(0, 999)}</t></si>" for _ in range(strings))
        + "</sst>"
    )
    parts: dict[str, bytes | str] = dict(parts_of(original))
    parts["[Content_Types].xml"] = (
        parts["[Content_Types].xml"]
        .decode()
        .replace(
            "</Types>",
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS_TYPE}"/></Types>',
        )
    )
    parts["xl/_rels/workbook.xml.rels"] = (
        parts["xl/_rels/workbook.xml.rels"]
        .decode()
        .replace(
            "</Relationships>",
            f'<Relationship Id="rIdS" Type="{SHARED_STRINGS_REL}" Target="sharedStrings.xml"/></Relationships>',
        )
    )
    parts["xl/sharedStrings.xml"] = table
    return package(parts)


def cell_flood_xlsx(rows: int, columns: int = 20, *, seed: int = 4) -> bytes:
    """A site list of `rows` rows of `columns` random digits: the rows a supplier link once read to 3 GB."""
    rng = random.Random(seed)
    letters = [chr(65 + i) for i in range(columns)]
    header = ["name", "address", "country", "site_type", "products"]
    original = xlsx_bytes([header])
    body = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{c}{r}"><v>{rng.randint(0, 9)}</v></c>' for c in letters)
        + "</row>"
        for r in range(2, rows + 2)
    )
    return replaced(original, SHEET, "</row></sheetData>", "</row>" + body + "</sheetData>")


# the other attacks


def far_row_xlsx(rows: list[list[object]], row_number: int = 1_048_576) -> bytes:
    """A workbook with one more cell in a row far below (openpyxl yields every empty row up to it)."""
    original = xlsx_bytes(rows)
    far = f'<row r="{row_number}"><c r="A{row_number}" t="inlineStr"><is><t>far</t></is></c></row>'
    return replaced(original, SHEET, "</sheetData>", far + "</sheetData>")


def declared_entities(original: bytes, part: str) -> bytes:
    """The package with a "billion laughs" document type put before the root element of one part."""
    parts: dict[str, bytes | str] = dict(parts_of(original))
    xml = parts[part].decode() if isinstance(parts[part], bytes) else str(parts[part])
    xml = re.sub(r"^<\?xml[^>]*\?>", "", xml)
    parts[part] = BILLION_LAUGHS + xml
    return package(parts)


def macro_enabled(original: bytes, folder: str = "xl") -> bytes:
    """The package with a VBA project part, as Excel (.xlsm) or Word (.docm) saves one."""
    parts: dict[str, bytes | str] = dict(parts_of(original))
    parts[f"{folder}/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b"\x00" * 512
    return package(parts)


def macro_content_type(original: bytes) -> bytes:
    """The workbook whose content types say it is macro-enabled (as an .xlsm renamed .xlsx), without a VBA part."""
    return replaced(
        original,
        "[Content_Types].xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )


def numeric_cell(original: bytes, ref: str, value: str) -> bytes:
    """The workbook with a number cell `ref` that holds `value` (e.g. text where a number belongs)."""
    row = int(re.sub(r"[A-Z]", "", ref))
    xml = parts_of(original)[SHEET].decode()
    cell = f'<c r="{ref}"><v>{value}</v></c>'
    if f'<row r="{row}"' in xml:
        new = re.sub(rf'(<row r="{row}"[^>]*>)', lambda m: m.group(1) + cell, xml, count=1)
    else:
        new = xml.replace("</sheetData>", f'<row r="{row}">{cell}</row></sheetData>')
    parts: dict[str, bytes | str] = dict(parts_of(original))
    parts[SHEET] = new
    return package(parts)


def formula_cell(original: bytes, ref: str, formula: str, cached: str) -> bytes:
    """The workbook with a formula in `ref` whose saved result is `cached` (a value Excel never computed)."""
    row = int(re.sub(r"[A-Z]", "", ref))
    xml = parts_of(original)[SHEET].decode()
    cell = f'<c r="{ref}" t="str"><f>{formula}</f><v>{cached}</v></c>'
    xml = re.sub(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', "", xml, count=1)
    new = re.sub(rf'(<row r="{row}"[^>]*>)', lambda m: m.group(1) + cell, xml, count=1)
    assert new != xml, f"no row {row}"
    parts: dict[str, bytes | str] = dict(parts_of(original))
    parts[SHEET] = new
    return package(parts)


def zip_of_junk(size: int, *, seed: int = 5) -> bytes:
    """A ZIP package of random bytes in a part named like a workbook's."""
    rng = random.Random(seed)
    return package({"xl/workbook.xml": bytes(rng.getrandbits(8) for _ in range(size))})
