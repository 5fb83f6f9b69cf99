"""`hrdd audit verify` and `hrdd audit head`: the audit log's hash chain checked link by link, and its head hash
printed to be kept somewhere the database's users cannot write (issue 17)."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from hrdd.cli.common import JsonOpt, django_setup, print_json, stdout
from hrdd.cli.common import gettext as _
from hrdd.core.errors import InputError
from hrdd.domain.texts import gettext_noop

audit_app = typer.Typer(help=gettext_noop("The audit log's hash chain: verify it, print its head."))

VERIFY_HELP = gettext_noop(
    "Walk the audit log's hash chain and report the first broken link (exit 1), or that every link holds (exit 0)."
)
HEAD_HELP = gettext_noop(
    "Print the hash of the audit log's last event: keep it outside the database and give it to "
    "`hrdd audit verify --head` later."
)
HASH = re.compile(r"[0-9a-f]{64}")


@audit_app.command("verify", help=VERIFY_HELP)
def verify(
    head: Annotated[
        str | None,
        typer.Option(
            "--head",
            help=gettext_noop(
                "A head hash printed earlier by `hrdd audit head`: also check that its event is still in the chain."
            ),
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    if head is not None and not HASH.fullmatch(head.strip().lower()):
        raise InputError(
            _("%(value)r is not a SHA-256 hash (64 hexadecimal digits)") % {"value": head}, field="--head"
        )
    django_setup()
    from hrdd.audit.selectors import audit_chain_verify

    report = audit_chain_verify(recorded_head=head.strip().lower() if head else None)
    broken = report.broken
    if as_json:
        print_json(
            {
                "events": report.events,
                "intact": report.intact,
                "head": {"event": report.head_id, "hash": report.head_hash},
                "broken": None
                if broken is None
                else {
                    "event": broken.event_id,
                    "reason": broken.reason,
                    "expected": broken.expected,
                    "found": broken.found,
                    "previous_event": broken.previous_event_id,
                },
                "recorded_head_found": report.recorded_head_found,
            }
        )
    else:
        out = stdout()
        if broken is not None and broken.reason == "previous":
            line = _(
                "broken: event %(event)s names %(found)s as the previous hash, but the event before it "
                "(%(previous)s) has %(expected)s: an event was removed, inserted or reordered there"
            )
        elif broken is not None:
            line = _(
                "broken: event %(event)s no longer gives its stored hash %(found)s (its fields give %(expected)s): "
                "the event was changed after it was written"
            )
        else:
            line = _("intact: %(count)s event(s), every link holds; head %(hash)s (event %(head)s)")
        said = {
            "count": report.events,
            "hash": report.head_hash,
            "head": report.head_id if report.head_id is not None else "-",
        }
        if broken is not None:
            said |= {
                "event": broken.event_id,
                "found": broken.found or _("nothing"),
                "expected": broken.expected,
                "previous": broken.previous_event_id if broken.previous_event_id is not None else _("none"),
            }
        out.print(line % said, highlight=False, markup=False)
        if report.recorded_head_found is False and broken is None:
            out.print(
                _(
                    "broken: the recorded head %(head)s is not in the chain: the log was rewritten or cut short "
                    "after it was recorded"
                )
                % {"head": head},
                highlight=False,
                markup=False,
            )
    if not report.intact:
        raise typer.Exit(code=1)


@audit_app.command("head", help=HEAD_HELP)
def head(as_json: JsonOpt = False) -> None:
    django_setup()
    from hrdd.audit.selectors import audit_chain_head

    event = audit_chain_head()
    if as_json:
        print_json(
            None if event is None else {"event": event.pk, "at": event.at.isoformat(), "hash": event.hash}
        )
        return
    if event is None:
        stdout().print(_("The audit log is empty."), highlight=False, markup=False)
        return
    stdout().print(
        _("%(hash)s (event %(event)s, %(at)s)")
        % {"hash": event.hash, "event": event.pk, "at": event.at.isoformat(timespec="seconds")},
        highlight=False,
        markup=False,
    )
