"""The `hrdd` command (also `python -m hrdd`): thin; it parses, calls the domain or a service, and prints.

One module per area registers its commands here. Commands refuse bad input by raising
`hrdd.core.errors.InputError` (naming the option or field); `RefusingGroup` is the one place that turns it
into a message on standard error and exit status 2, without a traceback.
"""

from __future__ import annotations

from typing import Any, NoReturn

import typer
from django.core.exceptions import PermissionDenied
from rich.markup import escape
from typer.core import TyperGroup

from hrdd.cli import admin, contracts, organisations, questionnaire, risks, rmi, sites, tasks, tenders, verify
from hrdd.cli.common import stderr
from hrdd.cli.incidents import incidents_app
from hrdd.cli.profile import profile_app
from hrdd.cli.programmes import programmes_app
from hrdd.core.errors import InputError, NotFound

REFUSED = (InputError, NotFound, PermissionDenied)


def refusal_message(exc: BaseException) -> str:
    """Say what was refused: the field or option first, when the error names one."""
    if isinstance(exc, InputError) and exc.field:
        return f"{exc.field}: {exc}"
    if isinstance(exc, PermissionDenied):
        return str(exc) or "permission denied"
    return str(exc)


def refuse(exc: BaseException) -> NoReturn:
    """Print `error: <message>` on standard error and stop with exit status 2."""
    stderr().print(f"[bold red]error:[/] {escape(refusal_message(exc))}", highlight=False, markup=True)
    raise typer.Exit(code=2)


class RefusingGroup(TyperGroup):
    """The top command group: refused input anywhere below it ends as a message and exit status 2."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except REFUSED as exc:
            refuse(exc)


app = typer.Typer(
    cls=RefusingGroup, help="hrdd: human-rights due diligence for ICT procurement.", no_args_is_help=True
)
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
contracts.contract_app.command("sites")(tasks.contract_sites)
questionnaire.questionnaire_app.command("import")(tasks.questionnaire_import)
app.command("remind")(contracts.remind)
app.command("verify")(verify.verify)
app.command("migrate")(admin.migrate)
app.command("demo")(admin.demo)
app.command("serve")(admin.serve)
app.command("manage", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(
    admin.manage
)


def main() -> None:
    """Entry point of the `hrdd` console script."""
    app()


__all__ = ["RefusingGroup", "app", "main", "refusal_message"]
