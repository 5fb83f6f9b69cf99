"""`hrdd backup FILE` and `hrdd restore FILE`: the database and the uploaded files in one archive (issue 17)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hrdd.cli.common import count, django_setup, stdout
from hrdd.cli.common import gettext as _
from hrdd.domain.texts import gettext_noop

BACKUP_HELP = gettext_noop(
    "Write the database (every record, the audit log with its hash chain) and the uploaded files to one archive "
    "(.tar.gz) with a manifest of versions, counts and checksums."
)
RESTORE_HELP = gettext_noop(
    "Restore an archive written by `hrdd backup` into an empty installation (migrated or not), then verify the "
    "audit log's hash chain."
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
    from hrdd.audit.backup import backup_restore

    restored = backup_restore(file)
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
