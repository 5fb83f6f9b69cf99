"""What every area of the `hrdd` command shares: consoles, the --json option, Django set-up and writing output."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from hrdd.core.errors import InputError

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


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
        raise InputError(f"{output}: cannot write the file ({exc.strerror or exc})") from exc
    stderr().print(f"Wrote {output}")
