"""Market consultations on the command line: `hrdd consultations co-owners list|invite|withdraw|remove` (issue 16).

A consultation's owner invites other organisations of the installation to run it together (CFIT manual, Lesson 6),
withdraws an invitation not answered yet, or removes a co-owner; everyone running it lists who does. Every command
acts as a user (--as) in one of their organisations (--organisation) through the same audited services as the pages
(hrdd.consultations.joint); refused input exits with status 2."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from hrdd.cli.common import JsonOpt, django_setup, print_json, stdout
from hrdd.cli.common import gettext as _
from hrdd.cli.sites import AsOpt, OrganisationOpt, _actor
from hrdd.core.errors import InputError
from hrdd.domain.texts import gettext_noop

if TYPE_CHECKING:
    from hrdd.consultations.models import Consultation, CoOwner

consultations_app = typer.Typer(
    help=gettext_noop("Market consultations (step 2): the organisations that run one together."),
    no_args_is_help=True,
)
co_owners_app = typer.Typer(
    help=gettext_noop(
        "The organisations that co-own a consultation: list them, invite some, withdraw an invitation, remove one."
    ),
    no_args_is_help=True,
)
consultations_app.add_typer(co_owners_app, name="co-owners")

ConsultationArg = Annotated[
    str, typer.Argument(help=gettext_noop("The consultation's id (the last part of its page's address)."))
]
OrganisationArg = Annotated[
    str, typer.Argument(help=gettext_noop("The co-owner: its organisation's name or id."))
]
# The states of an invitation to co-own, as a reader says them (hrdd.consultations.models.CoOwner.Status).
STATUS_WORDS = {
    "invited": gettext_noop("invited, not answered yet"),
    "accepted": gettext_noop("co-owner"),
    "declined": gettext_noop("declined"),
    "left": gettext_noop("no longer a co-owner"),
}


def _consultation(actor: Any, public_id: str, *, joint: bool) -> Consultation:
    """The consultation the actor's organisation owns (or, with `joint`, co-owns too); refused by its id."""
    from django.core.exceptions import ValidationError

    from hrdd.consultations import selectors
    from hrdd.core.errors import NotFound

    try:
        return selectors.consultation_get(user=actor, public_id=public_id.strip(), joint=joint)
    except (NotFound, ValidationError, ValueError) as exc:
        owned = _("no consultation %(id)r that your organisation owns") % {"id": public_id}
        run = _("no consultation %(id)r that your organisation runs") % {"id": public_id}
        raise InputError(run if joint else owned, field="CONSULTATION") from exc


def _row(consultation: Consultation, organisation: str) -> CoOwner:
    """The consultation's co-owner row of an organisation named by its name or id (or the row's own id)."""
    wanted = organisation.strip()
    for row in consultation.co_owners.select_related("organisation", "consultation__organisation"):
        if wanted.lower() in {
            row.organisation.name.lower(),
            str(row.organisation.public_id),
            str(row.public_id),
        }:
            return row
    raise InputError(
        _(
            "%(organisation)r was never invited to co-own this consultation; see `hrdd consultations co-owners list`"
        )
        % {"organisation": organisation},
        field="ORGANISATION",
    )


def _named(records: Any, text: str) -> Any:
    """The record of a queryset named by its name (any case) or its public id; None when there is none."""
    wanted = text.strip()
    try:
        return records.filter(public_id=uuid.UUID(wanted)).first()
    except ValueError:
        return records.filter(name__iexact=wanted).first()


def _as_dict(row: CoOwner) -> dict[str, Any]:
    return {
        "id": str(row.public_id),
        "organisation": row.organisation.name,
        "organisation_id": str(row.organisation.public_id),
        "status": row.status,
        "via_group": row.via_group,
        "invited_at": row.invited_at.isoformat() if row.invited_at else None,
        "joined_at": row.joined_at.isoformat() if row.joined_at else None,
        "left_at": row.left_at.isoformat() if row.left_at else None,
    }


def _day(moment: Any) -> str:
    return f"{moment:%Y-%m-%d}" if moment else ""


def _print_rows(consultation: Consultation, rows: list[CoOwner]) -> None:
    table = Table(
        _("Organisation"),
        _("Status"),
        _("Invited"),
        _("Joined"),
        _("Left"),
        _("Through the group"),
        title=_("Co-owners of %(title)s (owner: %(owner)s)")
        % {"title": consultation.title, "owner": consultation.organisation.name},
    )
    for row in rows:
        table.add_row(
            escape(row.organisation.name),
            _(STATUS_WORDS.get(row.status, row.status)),
            _day(row.invited_at),
            _day(row.joined_at),
            _day(row.left_at),
            escape(row.via_group),
        )
    stdout().print(table)


@co_owners_app.command(
    "list",
    help=gettext_noop(
        "List the organisations invited to co-own a consultation, in any state (its owner and co-owners may)."
    ),
)
def co_owners_list(
    consultation: ConsultationArg,
    as_user: AsOpt,
    organisation: OrganisationOpt = None,
    json_out: JsonOpt = False,
) -> None:
    django_setup()
    from hrdd.consultations import selectors

    actor = _actor(as_user, organisation)
    found = _consultation(actor, consultation, joint=True)
    rows = list(selectors.co_owner_rows(consultation=found))
    if json_out:
        print_json([_as_dict(r) for r in rows])
        return
    _print_rows(found, rows)


@co_owners_app.command(
    "invite",
    help=gettext_noop(
        "Invite organisations of this installation (by name or id), or the members of a group, to co-own your "
        "consultation: all of them or none. Their administrator or a procurement officer accepts or declines."
    ),
)
def co_owners_invite(
    consultation: ConsultationArg,
    as_user: AsOpt,
    organisations: Annotated[
        list[str] | None,
        typer.Argument(help=gettext_noop("The organisations to invite: names or ids.")),
    ] = None,
    group: Annotated[
        str | None,
        typer.Option("--group", help=gettext_noop("Invite every organisation of this group (name or id).")),
    ] = None,
    organisation: OrganisationOpt = None,
    json_out: JsonOpt = False,
) -> None:
    django_setup()
    from hrdd.accounts.models import Organisation
    from hrdd.accounts.selectors import group_choices
    from hrdd.consultations import joint

    actor = _actor(as_user, organisation)
    found = _consultation(actor, consultation, joint=False)
    chosen = []
    for name in organisations or []:
        match = _named(Organisation.objects.all(), name)
        if match is None:
            raise InputError(
                _("no organisation %(name)r in this installation") % {"name": name}, field="ORGANISATIONS"
            )
        chosen.append(match)
    picked_group = None
    if group:
        picked_group = _named(group_choices(user=actor), group)
        if picked_group is None:
            raise InputError(_("no group %(name)r that you may use") % {"name": group}, field="--group")
    rows = joint.co_owners_invite(actor=actor, consultation=found, organisations=chosen, group=picked_group)
    if json_out:
        print_json([_as_dict(r) for r in rows])
        return
    stdout().print(
        _("Invited to co-own %(title)s: %(names)s. They see it once they accept.")
        % {"title": found.title, "names": ", ".join(r.organisation.name for r in rows)},
        markup=False,
        highlight=False,
    )


@co_owners_app.command(
    "withdraw",
    help=gettext_noop("Withdraw your consultation's invitation that an organisation has not answered yet."),
)
def co_owner_withdraw(
    consultation: ConsultationArg,
    co_owner: OrganisationArg,
    as_user: AsOpt,
    organisation: OrganisationOpt = None,
    json_out: JsonOpt = False,
) -> None:
    django_setup()
    from hrdd.consultations import joint

    actor = _actor(as_user, organisation)
    found = _consultation(actor, consultation, joint=False)
    row = _row(found, co_owner)
    name = row.organisation.name
    joint.co_owner_withdraw(actor=actor, row=row)
    if json_out:
        print_json({"organisation": name, "status": "withdrawn"})
        return
    stdout().print(
        _("Withdrew the invitation of %s to co-own this consultation.") % name, markup=False, highlight=False
    )


@co_owners_app.command(
    "remove",
    help=gettext_noop(
        "Remove a co-owner of your consultation: it no longer sees the consultation or its answers, and its "
        "scenario choice is dropped."
    ),
)
def co_owner_remove(
    consultation: ConsultationArg,
    co_owner: OrganisationArg,
    as_user: AsOpt,
    organisation: OrganisationOpt = None,
    json_out: JsonOpt = False,
) -> None:
    django_setup()
    from hrdd.consultations import joint

    actor = _actor(as_user, organisation)
    found = _consultation(actor, consultation, joint=False)
    row = joint.co_owner_remove(actor=actor, row=_row(found, co_owner))
    if json_out:
        print_json(_as_dict(row))
        return
    stdout().print(
        _("%s no longer co-owns this consultation: it no longer sees it or its answers.")
        % row.organisation.name,
        markup=False,
        highlight=False,
    )
