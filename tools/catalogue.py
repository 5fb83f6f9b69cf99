"""Work on hrdd's translation catalogues (hrdd/locale/<language>/LC_MESSAGES/django.po) without gettext's tools.

    python tools/catalogue.py tidy
        give each catalogue hrdd's header (after `manage.py makemessages` made or updated it)
    python tools/catalogue.py stats
        how complete each catalogue is (translated, fuzzy, missing), the figure the tests hold at >= 99%
    python tools/catalogue.py export nl /tmp/tr/nl [--size 150]
        the messages still to translate (missing or fuzzy), as numbered JSON files of --size messages:
        [{"id": ..., "plural": ... or null, "context": ... or null, "where": [...], "str": "" or [..., ...]}]
    python tools/catalogue.py import nl /tmp/tr/nl/*.json
        write the "str" of each message back into the catalogue (a string; a list of forms for a plural);
        refuses a translation whose placeholders (%(name)s, %s, %d, {name}) differ from the English text's

    python tools/catalogue.py export-frameworks nl /tmp/trf/nl
    python tools/catalogue.py import-frameworks nl /tmp/trf/nl/*.json
        the same for the frameworks' texts (questions, criteria, clauses, method titles: hrdd.domain.framework_texts),
        kept in hrdd/frameworks/translations/<language>.yaml; each item is {"framework": ..., "id": ..., "str": ""}

Run `make messages` afterwards to compile the catalogues.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # hrdd.domain.framework_texts, run as `python tools/catalogue.py`
LOCALE = ROOT / "hrdd" / "locale"
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdifr]|%[sdifr]|\{[A-Za-z_][A-Za-z0-9_]*\}")


def catalogue_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def load(language: str) -> Catalog:
    with catalogue_path(language).open("rb") as handle:
        return read_po(handle, locale=language)


def save(language: str, catalog: Catalog) -> None:
    catalog.fuzzy = (
        False  # makemessages marks a new catalogue's header fuzzy: a fuzzy catalogue is not compiled
    )
    catalog.project = "hrdd"
    catalog.header_comment = (
        f"# hrdd's messages in {language}: translated by hrdd's developers.\n"
        "# Made by `manage.py makemessages`, filled with tools/catalogue.py, compiled by `make messages`."
    )
    catalog.language_team = f"hrdd <{language}>"
    with catalogue_path(language).open("wb") as handle:
        write_po(handle, catalog, width=100, include_previous=False)


def placeholders(text: str) -> list[str]:
    """The placeholders of a message, sorted: a translation keeps the same ones (it may reorder them)."""
    return sorted(PLACEHOLDER.findall(text))


def _done(message: Message) -> bool:
    if message.fuzzy:
        return False
    if isinstance(message.string, tuple | list):
        return all(message.string)
    return bool(message.string)


def messages_of(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


def stats(language: str) -> tuple[int, int, int]:
    """(translated, fuzzy, total) of a catalogue."""
    found = messages_of(load(language))
    return sum(1 for m in found if _done(m)), sum(1 for m in found if m.fuzzy), len(found)


def export(language: str, directory: Path, size: int) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    todo = [m for m in messages_of(load(language)) if not _done(m)]
    for n, start in enumerate(range(0, len(todo), size), start=1):
        chunk = [
            {
                "id": m.id[0] if isinstance(m.id, tuple | list) else m.id,
                "plural": m.id[1] if isinstance(m.id, tuple | list) else None,
                "context": m.context,
                "where": sorted({path for path, _line in m.locations})[:3],
                "str": ["", ""] if isinstance(m.id, tuple | list) else "",
            }
            for m in todo[start : start + size]
        ]
        (directory / f"{n:03d}.json").write_text(
            json.dumps(chunk, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    return len(todo)


def import_(language: str, files: list[Path]) -> tuple[int, list[str]]:
    catalog = load(language)
    written = 0
    problems: list[str] = []
    for file in files:
        for item in json.loads(file.read_text(encoding="utf-8")):
            key = (item["id"], item["plural"]) if item.get("plural") else item["id"]
            message = catalog.get(key if isinstance(key, str) else key[0], context=item.get("context"))
            if message is None:
                problems.append(f"{file.name}: not in the catalogue: {item['id'][:60]!r}")
                continue
            text = item["str"]
            forms = list(text) if isinstance(text, list) else [text]
            if not all(isinstance(f, str) and f for f in forms):
                continue  # left to translate
            english = [item["id"], item.get("plural") or item["id"]]
            bad = [
                f
                for i, f in enumerate(forms)
                if placeholders(f) != placeholders(english[min(i, 1)])
                and not (
                    item.get("plural") and i == 0 and set(placeholders(f)) <= set(placeholders(english[1]))
                )
            ]
            if bad:
                problems.append(f"{file.name}: placeholders differ: {item['id'][:60]!r} -> {bad[0][:60]!r}")
                continue
            message.string = tuple(forms) if item.get("plural") else forms[0]
            message.flags.discard("fuzzy")
            written += 1
    save(language, catalog)
    return written, problems


FRAMEWORK_TRANSLATIONS = ROOT / "hrdd" / "frameworks" / "translations"


def _framework_file(language: str) -> Path:
    return FRAMEWORK_TRANSLATIONS / f"{language}.yaml"


def _framework_sections(language: str) -> dict[str, dict[str, str]]:
    path = _framework_file(language)
    if not path.is_file():
        return {}
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")).get("frameworks") or {})


def export_frameworks(language: str, directory: Path, size: int) -> int:
    from hrdd.domain.framework_texts import missing_translations

    directory.mkdir(parents=True, exist_ok=True)
    todo = [
        {"framework": name, "id": text, "str": ""}
        for name, texts in missing_translations(language).items()
        for text in texts
    ]
    for n, start in enumerate(range(0, len(todo), size), start=1):
        chunk = todo[start : start + size]
        (directory / f"{n:03d}.json").write_text(
            json.dumps(chunk, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    return len(todo)


def import_frameworks(language: str, files: list[Path]) -> tuple[int, list[str]]:
    from hrdd.domain.framework_texts import framework_files, framework_texts

    sections = _framework_sections(language)
    written = 0
    problems: list[str] = []
    for file in files:
        for item in json.loads(file.read_text(encoding="utf-8")):
            name, english, text = item["framework"], item["id"], item["str"]
            if not isinstance(text, str) or not text.strip():
                continue
            if name not in framework_files() or english not in framework_texts(name):
                problems.append(f"{file.name}: not a text of {name}: {english[:60]!r}")
                continue
            if placeholders(text) != placeholders(english):
                problems.append(f"{file.name}: placeholders differ: {english[:60]!r}")
                continue
            sections.setdefault(name, {})[english] = text.strip()
            written += 1
    ordered = {
        name: {t: sections[name][t] for t in framework_texts(name) if t in sections.get(name, {})}
        for name in framework_files()
        if sections.get(name)
    }
    header = (
        f"# The frameworks' texts in {language} (hrdd.domain.framework_texts): English text -> translation, per\n"
        "# framework file. Filled with tools/catalogue.py; `hrdd framework translations` names what is missing.\n"
    )
    body = yaml.safe_dump(
        {"kind": "framework-translations", "language": language, "frameworks": ordered},
        allow_unicode=True,
        sort_keys=False,
        width=110,
    )
    FRAMEWORK_TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    _framework_file(language).write_text(header + body, encoding="utf-8")
    return written, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("stats")
    commands.add_parser("tidy")
    for name in ("export-frameworks",):
        exf = commands.add_parser(name)
        exf.add_argument("language")
        exf.add_argument("directory", type=Path)
        exf.add_argument("--size", type=int, default=120)
    imf = commands.add_parser("import-frameworks")
    imf.add_argument("language")
    imf.add_argument("files", nargs="+", type=Path)
    ex = commands.add_parser("export")
    ex.add_argument("language")
    ex.add_argument("directory", type=Path)
    ex.add_argument("--size", type=int, default=150)
    im = commands.add_parser("import")
    im.add_argument("language")
    im.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    if args.command == "stats":
        for path in sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
            language = path.parent.parent.name
            done, fuzzy, total = stats(language)
            print(
                f"{language}: {done} of {total} translated ({100 * done / max(total, 1):.1f}%), {fuzzy} fuzzy"
            )
        return 0
    if args.command == "tidy":
        for path in sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
            save(path.parent.parent.name, load(path.parent.parent.name))
        return 0
    if args.command == "export-frameworks":
        n = export_frameworks(args.language, args.directory, args.size)
        print(f"{n} framework texts to translate, in {args.directory}")
        return 0
    if args.command == "import-frameworks":
        written, problems = import_frameworks(args.language, args.files)
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{written} translations written to {_framework_file(args.language)}")
        return 2 if problems else 0
    if args.command == "export":
        n = export(args.language, args.directory, args.size)
        print(f"{n} messages to translate, in {args.directory}")
        return 0
    written, problems = import_(args.language, args.files)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{written} translations written to {catalogue_path(args.language)}")
    return 2 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
