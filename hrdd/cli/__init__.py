"""The `hrdd` command (also `python -m hrdd`): thin; it parses, calls the domain or a service, and prints.

One module per area registers its commands here. Commands refuse bad input by raising
`hrdd.core.errors.InputError` (naming the option or field); `RefusingGroup` is the one place that turns it
into a message on standard error and exit status 2, without a traceback. It is also where a run's language is
chosen (`hrdd --language nl|fr|de|en`, else the environment: hrdd.cli.common), and where every command's help is
made to be said in it when shown.
"""

from __future__ import annotations

import os
from typing import Annotated, Any, NoReturn

import typer
from django.core.exceptions import PermissionDenied
from rich.markup import escape
from typer.core import TyperGroup

from hrdd.cli import admin, contracts, organisations, questionnaire, risks, rmi, sites, tasks, tenders, verify
from hrdd.cli.audit import audit_app
from hrdd.cli.backup import BACKUP_HELP, RESTORE_HELP, backup, restore
from hrdd.cli.common import (
    LANGUAGE_VARIABLE,
    LANGUAGES,
    LocalizedContext,
    environment_language,
    gettext,
    language_code,
    run_language,
    stderr,
    use_language,
)
from hrdd.cli.consultations import consultations_app
from hrdd.cli.incidents import incidents_app
from hrdd.cli.profile import profile_app
from hrdd.cli.programmes import programmes_app
from hrdd.core.errors import InputError, NotFound
from hrdd.domain.texts import gettext_noop

REFUSED = (InputError, NotFound, PermissionDenied)


def refusal_message(exc: BaseException) -> str:
    """Say what was refused: the field or option first, when the error names one."""
    if isinstance(exc, InputError) and exc.field:
        return f"{exc.field}: {exc}"
    if isinstance(exc, PermissionDenied):
        return str(exc) or gettext("permission denied")
    return str(exc)


def refuse(exc: BaseException) -> NoReturn:
    """Print `error: <message>` on standard error and stop with exit status 2."""
    # `error:` stays English in every language: the mark that scripts and log filters look for
    stderr().print(f"[bold red]error:[/] {escape(refusal_message(exc))}", highlight=False, markup=True)
    raise typer.Exit(code=2)


def _help_in_the_readers_language(command: Any) -> None:
    command.context_class = LocalizedContext
    for subcommand in getattr(command, "commands", {}).values():
        _help_in_the_readers_language(subcommand)


class RefusingGroup(TyperGroup):
    """The top command group: refused input anywhere below it ends as a message and exit status 2; each run speaks
    the language the environment asks for, or the one --language names."""

    context_class = LocalizedContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _help_in_the_readers_language(self)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        with run_language(environment_language()):
            return super().main(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except REFUSED as exc:
            refuse(exc)


def _language_option(ctx: typer.Context, param: Any, value: str | None) -> str | None:
    """Speak the language --language names (eager: `hrdd --language de --help` is German); refuse an unknown one,
    and an unknown HRDD_LANGUAGE when --language is not given."""
    if ctx.resilient_parsing:
        return value
    known = ", ".join(LANGUAGES)
    if value is not None:
        code = language_code(value)
        if code is None:
            refuse(
                InputError(
                    gettext("%(value)r is not one of %(choices)s") % {"value": value, "choices": known},
                    field="--language",
                )
            )
        use_language(code)
        return code
    named = os.environ.get(LANGUAGE_VARIABLE)
    if named and language_code(named) is None:
        refuse(
            InputError(
                gettext("%(value)r is not one of %(choices)s; use --language or unset it")
                % {"value": named, "choices": known},
                field=LANGUAGE_VARIABLE,
            )
        )
    return None


app = typer.Typer(
    cls=RefusingGroup,
    help=gettext_noop("hrdd: human-rights due diligence for ICT procurement."),
    no_args_is_help=True,
)


@app.callback()
def root(
    language: Annotated[
        str | None,
        typer.Option(
            "--language",
            metavar="nl|fr|de|en",
            is_eager=True,
            callback=_language_option,
            help=gettext_noop(
                "The language of messages, tables and help: nl, fr, de or en (default: HRDD_LANGUAGE, else the "
                "locale's language, else English). JSON and CSV output is the same in every language."
            ),
        ),
    ] = None,
) -> None:
    """The language is chosen by the option's callback, before any subcommand parses its own options."""


app.add_typer(questionnaire.questionnaire_app, name="questionnaire")
app.add_typer(questionnaire.market_app, name="market")
app.add_typer(questionnaire.framework_app, name="framework")
app.add_typer(risks.risk_app, name="risk")
app.add_typer(risks.kb_app, name="kb")
app.add_typer(tenders.tender_app, name="tender")
app.add_typer(contracts.contract_app, name="contract")
app.add_typer(tasks.tasks_app, name="tasks")
app.add_typer(organisations.organisation_app, name="organisation")
app.add_typer(sites.sites_app, name="sites")
app.add_typer(incidents_app, name="incidents")
app.add_typer(rmi.rmi_app, name="rmi")
app.add_typer(programmes_app, name="programmes")
app.add_typer(profile_app, name="profile")
app.add_typer(audit_app, name="audit")
app.add_typer(consultations_app, name="consultations")
contracts.contract_app.command("sites", help=tasks.CONTRACT_SITES_HELP)(tasks.contract_sites)
questionnaire.questionnaire_app.command("import", help=tasks.QUESTIONNAIRE_IMPORT_HELP)(
    tasks.questionnaire_import
)
app.command("remind", help=contracts.REMIND_HELP)(contracts.remind)
app.command("verify", help=verify.VERIFY_HELP)(verify.verify)
app.command("migrate", help=admin.MIGRATE_HELP)(admin.migrate)
app.command("backup", help=BACKUP_HELP)(backup)
app.command("restore", help=RESTORE_HELP)(restore)
app.command("demo", help=admin.DEMO_HELP)(admin.demo)
app.command("serve", help=admin.SERVE_HELP)(admin.serve)
app.command(
    "manage",
    help=admin.MANAGE_HELP,
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)(admin.manage)


def main() -> None:
    """Entry point of the `hrdd` console script."""
    app()


__all__ = ["RefusingGroup", "app", "main", "refusal_message"]
