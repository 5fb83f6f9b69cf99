"""What every area of the `hrdd` command shares: consoles, the --json option, Django set-up, writing output, and the
language a run speaks (issue 16).

The language is chosen once per run by the root command (`hrdd --language nl|fr|de|en`, else HRDD_LANGUAGE, else
the POSIX locale, else English). Everything a person reads goes through `gettext` and `localize` below: in English
they return the text as written without starting Django, so the commands that need no Django (`hrdd risk assess
--json`, `hrdd rmi read`, `hrdd --help`) start as fast as before; in another language they set Django up and say it
in that language. Machine output (--json, CSV, JSON documents) is data and stays English whatever the language:
`machine_output()` makes English the language Django speaks for the rest of the run, while the messages the command
itself prints are still said in the reader's language.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from hrdd.core.errors import InputError
from hrdd.domain.texts import gettext_noop

# the codes of config.settings.LANGUAGES, written here so that choosing one costs no import of the settings
# (tests/app/test_cli_languages.py checks that both say the same); English is the default and the source language
LANGUAGES = ("en", "nl", "fr", "de")
LANGUAGE_VARIABLE = "HRDD_LANGUAGE"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX: the first one set decides


class _Run:
    """What the root command chose for the run at hand: its language (None outside a run: English), and whether
    its output is data (then Django speaks English for the rest of it)."""

    language: str | None = None
    data_in_english: bool = False


def language_code(text: str | None) -> str | None:
    """The shipped language a code or a POSIX locale names ('de', 'DE', 'de-DE', 'nl_BE.UTF-8' -> 'de'/'nl');
    None for anything else ('C', 'POSIX', 'es_ES', '')."""
    first = re.split(r"[-_.@]", (text or "").strip().lower(), maxsplit=1)[0]
    return first if first in LANGUAGES else None


def environment_language(environ: Mapping[str, str] | None = None) -> str:
    """The language the environment asks for: HRDD_LANGUAGE, else the POSIX locale (LC_ALL, LC_MESSAGES, LANG:
    the first one set), else English."""
    environ = os.environ if environ is None else environ
    chosen = language_code(environ.get(LANGUAGE_VARIABLE))
    if chosen:
        return chosen
    locale = next((environ[name] for name in LOCALE_VARIABLES if environ.get(name)), "")
    return language_code(locale) or "en"


def language() -> str:
    """The language the run at hand speaks to its reader."""
    return _Run.language or "en"


def _django_language() -> str:
    return "en" if _Run.data_in_english else language()


def _activate() -> None:
    from django.utils import translation

    translation.activate(_django_language())


def use_language(code: str) -> None:
    """Speak `code` for the rest of the run (Django too, once it is set up)."""
    _Run.language = code
    if django_ready():
        _activate()


def machine_output() -> None:
    """The run writes data (JSON, CSV): Django speaks English for the rest of it, so that every value it makes is the
    same in every language; the command's own messages are still said in the reader's language."""
    _Run.data_in_english = True
    if django_ready():
        _activate()


@contextmanager
def run_language(code: str) -> Iterator[None]:
    """Speak `code` during one run of the command, then go back to what was spoken before (a test runs many)."""
    before = (_Run.language, _Run.data_in_english)
    was_ready, spoken = django_ready(), None
    if was_ready:
        from django.utils import translation

        spoken = translation.get_language()
    _Run.language, _Run.data_in_english = code, False
    if was_ready:
        _activate()
    try:
        yield
    finally:
        _Run.language, _Run.data_in_english = before
        if django_ready():
            from django.conf import settings
            from django.utils import translation

            if spoken and spoken != settings.LANGUAGE_CODE:
                translation.activate(spoken)
            else:
                translation.deactivate()


def _speaking() -> Any:
    """Django set up, in a block that speaks the reader's language (not the data's English)."""
    from django.utils import translation

    if not django_ready():
        django_setup()
    return translation.override(language())


def gettext(message: str) -> str:
    """A message in the reader's language; in English the message as written, without starting Django."""
    if language() == "en":
        return message
    from django.utils.translation import gettext as django_gettext

    with _speaking():
        return django_gettext(message)


def localize(value: Any) -> Any:
    """A domain Text or a framework's text (hrdd.core.texts.localize) in the reader's language; in English the value
    itself (a Text is its English sentence), without starting Django."""
    if language() == "en":
        return value
    from hrdd.core.texts import localize as core_localize

    with _speaking():
        return core_localize(value)


def number(value: float) -> str:
    """A number as `f"{value:g}"` writes it in English, with the reader's decimal sign in another language."""
    if language() == "en":
        return f"{value:g}"
    from django.utils import formats

    shown = float(f"{value:g}")
    with _speaking():
        return formats.number_format(int(shown) if shown.is_integer() else shown, use_l10n=True)


def count(value: int) -> str:
    """A whole number with the reader's thousands separator (`f"{value:,}"` in English)."""
    if language() == "en":
        return f"{value:,}"
    from django.utils import formats

    with _speaking():
        return formats.number_format(value, use_l10n=True, force_grouping=True)


@contextmanager
def site_language() -> Iterator[None]:
    """Do work that reaches other people (e-mails sent, tasks run for them, demo data stored for everyone) in the
    installation's default language, as the task worker does: not in the language of the terminal that started it.
    Sets Django up."""
    django_setup()
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


def localize_help(command: Any) -> None:
    """Say the help texts of a command (its own, its parameters', its subcommands') in the reader's language, just
    before its help is shown: the texts are marked with gettext_noop where they are written and looked up only
    here, so that a run that shows no help neither translates them nor starts Django for them."""
    if language() == "en":
        return
    subcommands = getattr(command, "commands", {}).values()  # a group's
    for item in (command, *command.params, *subcommands):
        for attribute in ("help", "short_help"):
            text = getattr(item, attribute, None)
            if isinstance(text, str) and text:
                setattr(item, attribute, gettext(text))


# Parameters that name a file a command writes, not one it reads.
OUTPUT_PARAMETERS = frozenset({"output", "out"})


def upload_limit() -> int:
    """The size limit of a file read by hrdd, the web's own (HRDD_MAX_UPLOAD_BYTES), read without starting Django
    when it is not started yet."""
    if django_ready():
        from django.conf import settings

        return int(settings.HRDD_MAX_UPLOAD_BYTES)
    module = importlib.import_module(os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"))
    return int(module.HRDD_MAX_UPLOAD_BYTES)


def _size(size: int) -> str:
    """A number of bytes for people, as hrdd.core.uploads.format_size says it (without starting Django)."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{number(round(size / factor, 1))} {unit}"
    return f"{count(size)} bytes"


def check_input_files(arguments: Mapping[str, Any]) -> None:
    """Refuse a file a command is given to read (any path argument or option but --output) when it is larger than
    the upload limit, before the command opens it: the same limit as the web's, whatever the file's type."""
    limit: int | None = None
    for name, value in arguments.items():
        if name in OUTPUT_PARAMETERS:
            continue
        for path in value if isinstance(value, list | tuple) else [value]:
            if not isinstance(path, Path):
                continue
            try:
                size = path.stat().st_size if path.is_file() else 0
            except OSError:
                continue  # the command says what is wrong with a file it cannot read
            limit = upload_limit() if limit is None else limit
            if size > limit:
                raise InputError(
                    gettext("%(file)s is too large (%(size)s; at most %(limit)s, set by HRDD_UPLOAD_MAX_MB)")
                    % {"file": path, "size": _size(size), "limit": _size(limit)},
                    field=name,
                )


class LocalizedContext(typer.Context):
    """A command's context whose help is said in the reader's language (`localize_help`), and which checks the
    size of the files a command reads before running it (`check_input_files`)."""

    def get_help(self) -> str:
        localize_help(self.command)
        return super().get_help()

    def invoke(self, callback: Any, /, *args: Any, **kwargs: Any) -> Any:
        if self.command is not None and callback is self.command.callback:
            check_input_files(kwargs)
        return super().invoke(callback, *args, **kwargs)


def _json_option(ctx: typer.Context, param: Any, value: bool) -> bool:
    if value:
        machine_output()
    return value


JsonOpt = Annotated[
    bool,
    typer.Option("--json", help=gettext_noop("Print JSON instead of a table."), callback=_json_option),
]


# A console is made when a command prints, not when the module is imported: it then writes to the streams of
# the run at hand (a test's CliRunner swaps them) and reads COLUMNS of that run. soft_wrap: long messages and
# file names are never broken by inserted newlines.
def stdout() -> Console:
    """Return a console on standard output."""
    return Console(soft_wrap=True)


def stderr() -> Console:
    """Return a console on standard error: messages about the run, never its result."""
    return Console(stderr=True, soft_wrap=True)


def django_setup() -> None:
    """Configure Django for commands that use the database, templates or translations."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    if _Run.language is not None:
        _activate()


def django_ready() -> bool:
    """Whether Django is already set up in this process (a test, or a command run from another)."""
    apps = sys.modules.get("django.apps")
    return apps is not None and apps.apps.ready


def database_has_rows(sql: str, database: Mapping[str, Any] | None = None) -> bool | None:
    """Run one query that needs no Django through the database's own driver and say whether it returned a row.

    For commands that would start Django (about 0.35 s) only to learn that a table is empty. `database` is a
    Django database setting (default: the settings module's "default"). A missing table or SQLite file counts as
    no rows (a database not migrated yet). None when this cannot be told this way: another engine, an in-memory
    database, a connection that fails (the caller then sets Django up, which reports such errors).
    """
    if database is None:
        settings = importlib.import_module(os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"))
        database = settings.DATABASES["default"]
    engine = database.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        return _sqlite_has_rows(str(database.get("NAME", "")), sql)
    if engine == "django.db.backends.postgresql":
        return _postgres_has_rows(database, sql)
    return None


def _sqlite_has_rows(path: str, sql: str) -> bool | None:
    import sqlite3

    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    if not Path(path).is_file():
        return False
    try:
        with closing(
            sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        ) as conn:
            return conn.execute(sql).fetchone() is not None
    except sqlite3.Error as exc:
        return False if str(exc).startswith("no such table") else None


def _postgres_has_rows(database: Mapping[str, Any], sql: str) -> bool | None:
    import psycopg

    params = {
        "dbname": database.get("NAME") or None,
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
        "connect_timeout": 5,
    }
    options = dict(database.get("OPTIONS") or {})
    try:
        with psycopg.connect(**{k: v for k, v in params.items() if v is not None}, **options) as conn:
            return conn.execute(sql).fetchone() is not None
    except psycopg.errors.UndefinedTable:
        return False
    except (psycopg.Error, TypeError):
        return None


def print_json(data: Any) -> None:
    """Print data as indented JSON, non-ASCII letters as they are."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_output(content: str | bytes, output: Path | None) -> None:
    """Write text or a document to `output`, or text to standard output when no file is given."""
    if output is None:
        text = content if isinstance(content, str) else ""
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        if isinstance(content, bytes):
            output.write_bytes(content)
        else:
            output.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise InputError(
            gettext("%(file)s: cannot write the file (%(error)s)")
            % {"file": output, "error": exc.strerror or exc}
        ) from exc
    stderr().print(gettext("Wrote %(file)s") % {"file": output}, highlight=False, markup=False)
