"""`hrdd audit verify` and `hrdd audit head`: the audit log's hash chain checked link by link, and its head hash
printed to be kept somewhere the database's users cannot write (issue 17). Both seal the committed events not yet
in the chain first (hrdd.audit.sealing); verify also names the events still unsealed after that."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated

import typer

from hrdd.cli.common import JsonOpt, django_setup, print_json, stdout
from hrdd.cli.common import gettext as _
from hrdd.core.errors import InputError
from hrdd.domain.texts import gettext_noop

if TYPE_CHECKING:
    from hrdd.audit.chain import ChainReport

audit_app = typer.Typer(help=gettext_noop("The audit log's hash chain: verify it, print its head."))

VERIFY_HELP = gettext_noop(
    "Seal the committed events not yet in the audit log's hash chain, walk the chain and report the first broken "
    "link (exit 1), or that every link holds (exit 0); also the events still unsealed."
)
HEAD_HELP = gettext_noop(
    "Seal the committed events not yet in the chain, then print the hash of the audit log's last event: keep it "
    "outside the database and give it to `hrdd audit verify --head` later."
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
    no_seal: Annotated[
        bool,
        typer.Option(
            "--no-seal",
            help=gettext_noop(
                "Only read: do not seal the committed events not yet in the chain before the walk."
            ),
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    if head is not None and not HASH.fullmatch(head.strip().lower()):
        raise InputError(
            _("%(value)r is not a SHA-256 hash (64 hexadecimal digits)") % {"value": head}, field="--head"
        )
    django_setup()
    from django.utils import timezone

    from hrdd.audit.selectors import audit_chain_verify

    report = audit_chain_verify(recorded_head=head.strip().lower() if head else None, seal=not no_seal)
    broken = report.broken
    oldest = report.oldest_unsealed_at
    age = (timezone.now() - oldest).total_seconds() if oldest is not None else None
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
                "sealed_now": report.sealed_now,
                "unsealed": {
                    "events": report.unsealed,
                    "oldest_at": oldest.isoformat() if oldest is not None else None,
                    "oldest_age_seconds": round(age, 3) if age is not None else None,
                    "not_sealable": report.stuck,
                    "first_not_sealable": report.first_stuck_id,
                },
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
        for message in unsealed_lines(report, no_seal=no_seal):
            out.print(message, highlight=False, markup=False)
    if not report.intact:
        raise typer.Exit(code=1)


def unsealed_lines(report: ChainReport, *, no_seal: bool) -> list[str]:
    """What verify says about the events outside the chain: those sealed before the walk, those still unsealed,
    and those the sealer cannot take."""
    from django.utils.timesince import timesince

    lines = []
    if report.sealed_now:
        lines.append(
            _("sealed %(count)s committed event(s) into the chain first") % {"count": report.sealed_now}
        )
    if report.unsealed and report.oldest_unsealed_at is not None:
        said = {"count": report.unsealed, "at": report.oldest_unsealed_at.isoformat(timespec="seconds")}
        said["age"] = timesince(report.oldest_unsealed_at)
        if no_seal:
            line = _(
                "not sealed yet: %(count)s event(s), the oldest from %(at)s (%(age)s ago); `hrdd audit verify` "
                "without --no-seal, or the next audited write, seals them"
            )
        else:
            line = _(
                "not sealed: %(count)s event(s), the oldest from %(at)s (%(age)s ago): committed while this ran, "
                "or not sealable; an event that stays unsealed is one to look at"
            )
        lines.append(line % said)
    if report.stuck:
        lines.append(
            _(
                "broken: %(count)s unsealed event(s) have chain fields the sealer did not set (the first: event "
                "%(event)s): they were changed outside hrdd"
            )
            % {"count": report.stuck, "event": report.first_stuck_id}
        )
    return lines


@audit_app.command("head", help=HEAD_HELP)
def head(as_json: JsonOpt = False) -> None:
    django_setup()
    from hrdd.audit.selectors import audit_chain_head

    event = audit_chain_head()  # after sealing the committed events not yet in the chain
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
