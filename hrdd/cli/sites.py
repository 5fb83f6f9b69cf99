"""The site registry on the command line: `hrdd sites` (issue 11).

`match` (hrdd.cli.sites_match) compares two CSV files without a database; the registry's commands (import,
review, export) are defined below it."""

from __future__ import annotations

import typer

sites_app = typer.Typer(help="The registry of production sites: import, match, review.", no_args_is_help=True)
