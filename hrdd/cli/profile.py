"""`hrdd profile`: a supplier's company profile in the open format (issue 16, docs/supplier-profile.md): export one,
import one (tied to an e-mail address), and write the published JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from hrdd.cli.common import count, django_setup, machine_output, stderr, write_output
from hrdd.cli.common import gettext as _
from hrdd.core.errors import InputError
from hrdd.domain.texts import gettext_noop

profile_app = typer.Typer(
    help=gettext_noop("Supplier profiles in the open format: export, import, and the published JSON Schema."),
    no_args_is_help=True,
)

OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help=gettext_noop("Write to this file instead of standard output.")),
]


@profile_app.command(
    "export",
    help=gettext_noop(
        "Print a profile as JSON in the open format (hrdd-supplier-profile, version 2). By e-mail address, the "
        "newest confirmed profile of that address is exported (standard error says when the address has "
        "several)."
    ),
)
def export(
    token_or_email: Annotated[
        str,
        typer.Argument(
            help=gettext_noop("The profile's management token, or the e-mail address it is tied to.")
        ),
    ],
    output: OutputOpt = None,
) -> None:
    machine_output()  # the open format: the same file in every language
    django_setup()
    from hrdd.core.errors import NotFound
    from hrdd.profiles.selectors import profile_export, profile_find

    try:
        profile, found = profile_find(token_or_email=token_or_email)
    except NotFound as exc:
        raise InputError(
            _("no profile for %(profile)r") % {"profile": token_or_email}, field="TOKEN_OR_EMAIL"
        ) from exc
    if found > 1:
        stderr().print(
            _(
                "%(count)s profiles are tied to this address; exported the newest confirmed one "
                "(created %(created)s). Give its token to choose another."
            )
            % {"count": found, "created": f"{profile.created_at:%Y-%m-%d}"},
            highlight=False,
            markup=False,
        )
    write_output(json.dumps(profile_export(profile), indent=2, ensure_ascii=False) + "\n", output)


@profile_app.command(
    "import",
    help=gettext_noop(
        "Import a profile file (versions 1 and 2 of the format), checked against the published schema (refused "
        "naming the path of the first error, nothing stored), tied to an e-mail address; the link to manage it is e-mailed there and printed. "
        "It is offered on that address's requests once the link is opened."
    ),
)
def import_(
    file: Annotated[Path, typer.Argument(help=gettext_noop("A profile file in the open format (JSON)."))],
    email: Annotated[
        str, typer.Option("--email", help=gettext_noop("The e-mail address the profile is tied to."))
    ],
) -> None:
    from hrdd.profiles.format import MAX_BYTES

    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                _("%(file)s: the file is %(size)s bytes; a profile may have at most %(most)s")
                % {"file": file, "size": count(size), "most": count(MAX_BYTES)},
                field="FILE",
            )
        content = file.read_bytes()
    except OSError as exc:
        raise InputError(
            _("%(file)s: cannot read the file (%(error)s)") % {"file": file, "error": exc.strerror or exc},
            field="FILE",
        ) from exc
    django_setup()
    from hrdd.profiles.services import manage_link, profile_import_file

    profile = profile_import_file(content=content, email=email, actor_label="hrdd profile import")
    numbers = list(profile.versions.order_by("number").values_list("number", flat=True))
    typer.echo(
        _(
            "Imported %(company)s: versions %(versions)s, tied to %(email)s.\n"
            "The link to manage it (also e-mailed; the profile is offered once it is opened): %(link)s"
        )
        % {
            "company": profile.company_as_given,
            "versions": ", ".join(map(str, numbers)),
            "email": profile.email,
            "link": manage_link(profile),
        }
    )


@profile_app.command(
    "schema",
    help=gettext_noop(
        "Print the format's JSON Schema (draft 2020-12), as published in docs/supplier-profile.schema.json."
    ),
)
def schema(output: OutputOpt = None) -> None:
    from hrdd.profiles.format import profile_json_schema_text

    write_output(profile_json_schema_text(), output)
