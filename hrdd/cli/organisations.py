"""`hrdd organisation`: a new organisation and the invitation of its first administrator, without Django's admin."""

from __future__ import annotations

from typing import Annotated

import typer

from hrdd.cli.common import django_setup, stdout
from hrdd.cli.common import gettext as _
from hrdd.domain.texts import gettext_noop

organisation_app = typer.Typer(help=gettext_noop("Organisations of this installation."), no_args_is_help=True)

KINDS = ("public_buyer", "company", "supplier")


@organisation_app.command(
    "create",
    help=gettext_noop(
        "Create an organisation and invite its first administrator (the link is printed and e-mailed)."
    ),
)
def organisation_create_command(
    name: Annotated[
        str, typer.Argument(help=gettext_noop("The organisation's name, e.g. 'Municipality of Exampleton'."))
    ],
    admin: Annotated[
        str,
        typer.Option(
            "--admin", help=gettext_noop("E-mail address of its first administrator: an invitation is sent.")
        ),
    ],
    kind: Annotated[
        str, typer.Option(help=gettext_noop("public_buyer, company or supplier."))
    ] = "public_buyer",
) -> None:
    django_setup()
    from django.db import transaction

    from hrdd.accounts.models import Organisation
    from hrdd.accounts.services import organisation_create, organisation_invite_first_admin
    from hrdd.core.errors import InputError

    name = name.strip()
    if kind not in KINDS:
        raise InputError(
            _("Unknown kind %(kind)r: one of %(kinds)s.") % {"kind": kind, "kinds": ", ".join(KINDS)},
            field="--kind",
        )
    if not name:
        raise InputError(_("A name is required."), field="name")
    if Organisation.objects.filter(name=name).exists():
        raise InputError(_("An organisation named %(name)s exists already.") % {"name": name}, field="name")
    with transaction.atomic():  # the invitation is written in the reader's language, as the web page does
        organisation = organisation_create(name=name, kind=kind)
        invitation, link = organisation_invite_first_admin(organisation=organisation, email=admin)
    out = stdout()
    out.print(
        _("Created %(organisation)s. Invitation sent to %(email)s (administrator):")
        % {"organisation": organisation.name, "email": invitation.email},
        highlight=False,
        markup=False,
    )
    out.print(link, highlight=False, soft_wrap=True)


@organisation_app.command(
    "invite-admin",
    help=gettext_noop(
        "Invite the first administrator of an organisation that has none (again, if the first link expired)."
    ),
)
def organisation_invite_admin_command(
    name: Annotated[str, typer.Argument(help=gettext_noop("The organisation's name."))],
    admin: Annotated[
        str, typer.Option("--admin", help=gettext_noop("E-mail address of its first administrator."))
    ],
) -> None:
    django_setup()
    from hrdd.accounts.models import Organisation
    from hrdd.accounts.services import organisation_invite_first_admin
    from hrdd.core.errors import InputError

    organisation = Organisation.objects.filter(name=name.strip()).first()
    if organisation is None:
        raise InputError(_("No organisation is named %(name)s.") % {"name": name}, field="name")
    invitation, link = organisation_invite_first_admin(organisation=organisation, email=admin)
    out = stdout()
    out.print(
        _("Invitation sent to %(email)s (administrator of %(organisation)s):")
        % {"email": invitation.email, "organisation": organisation.name},
        highlight=False,
        markup=False,
    )
    out.print(link, highlight=False, soft_wrap=True)
