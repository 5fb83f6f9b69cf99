"""`hrdd backup FILE` and `hrdd restore FILE`: the database and the uploaded files in one archive (issue 17)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hrdd.cli.common import count, django_setup, stderr, stdout
from hrdd.cli.common import gettext as _
from hrdd.domain.texts import gettext_noop

BACKUP_HELP = gettext_noop(
    "Write the database (every record, the audit log with its hash chain) and the uploaded files to one archive "
    "(.tar.gz) with a manifest of versions, counts and checksums."
)
RESTORE_HELP = gettext_noop(
    "Restore an archive written by `hrdd backup` into an empty installation (migrated or not), then verify the "
    "audit log's hash chain. The secret key is not in the archive: a restore under another key restores all and "
    "warns."
)
OTHER_KEY_WARNING = gettext_noop(
    "this archive was written under another secret key than this installation's (HRDD_SECRET_KEY or "
    "var/secret_key). Everything is restored, and the links suppliers already hold keep working; but hrdd cannot "
    "write those links again: the e-mails it sends later (reminders, information requests, a profile's management "
    "link) and the buyers' pages lack them until each link is re-issued. Member invitations and password-reset links already e-mailed stop working (send them "
    "again). Run with the key the archive was written under to keep all of them."
)
UNKNOWN_KEY_WARNING = gettext_noop(
    "this archive does not record which secret key it was written under (it is older than the key's fingerprint). "
    "If this installation's key (HRDD_SECRET_KEY or var/secret_key) is not the one the archive was written under, "
    "the supplier links must be re-issued to be sent again, and member invitations and password-reset links "
    "already e-mailed stop working."
)


def backup(
    file: Annotated[
        Path, typer.Argument(help=gettext_noop("The archive to write (.tar.gz)."), dir_okay=False)
    ],
) -> None:
    django_setup()
    from hrdd.audit.backup import backup_write

    written = backup_write(file)
    stdout().print(
        _("Wrote %(file)s: %(records)s record(s), %(files)s file(s), audit head %(head)s")
        % {
            "file": file,
            "records": count(sum(written.counts.values())),
            "files": count(written.files),
            "head": written.audit_head or "-",
        },
        highlight=False,
        markup=False,
    )


def restore(
    file: Annotated[
        Path, typer.Argument(help=gettext_noop("The archive written by `hrdd backup`."), dir_okay=False)
    ],
) -> None:
    django_setup()
    from hrdd.audit.backup import KEY_OTHER, KEY_UNKNOWN, backup_restore

    restored = backup_restore(file)
    warning = {KEY_OTHER: OTHER_KEY_WARNING, KEY_UNKNOWN: UNKNOWN_KEY_WARNING}.get(restored.secret_key)
    if warning:  # `warning:` stays English, like `error:`: the mark scripts look for it
        stderr().print(f"warning: {_(warning)}", highlight=False, markup=False)
    stdout().print(
        _(
            "Restored %(file)s: %(records)s record(s), %(files)s file(s); the audit log's %(events)s event(s) "
            "verified, head %(head)s"
        )
        % {
            "file": file,
            "records": count(sum(restored.counts.values())),
            "files": count(restored.files),
            "events": count(restored.audit_events),
            "head": restored.audit_head or "-",
        },
        highlight=False,
        markup=False,
    )
