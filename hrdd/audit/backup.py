"""Backup and restore of a whole installation: the database and the uploaded files in one archive (issue 17).

The archive is a .tar.gz holding
- `manifest.json`: format and version, hrdd's version, the database vendor it came from, the migrations applied,
  the number of records per model, the size and SHA-256 of every other member, the audit log's head hash;
- `data.jsonl`: every record as Django's serialization writes it (JSON Lines, one record a line, foreign keys to
  content types, permissions and users by natural key), times to the microsecond, so that it loads into SQLite or
  PostgreSQL whichever it came from. The audit log is in it with its hash chain as stored;
- `media/...`: the files under MEDIA_ROOT.

The secret key is not in the archive (with it, a copy of the archive would open every supplier link): the manifest
holds only its fingerprint, an HMAC of a fixed label under the key, so that a restore can say whether this
installation runs under the same key (`RestoreResult.secret_key`; what a different key changes: `KEY_DEPENDENTS`).

A restore goes into an empty installation only (migrated by the restore if it is not yet, to the same migrations as
the archive): it checks the archive's bounds (member count, sizes, names, types) and every checksum before loading,
loads every record in one transaction, compares the counts and verifies the audit chain inside it (a mismatch undoes
it all), then moves the files into place. The content types and permissions are not in the archive: the migrations
make them, and the records point to them by natural key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import os
import posixpath
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.core.errors import InputError

FORMAT = "hrdd-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.jsonl"
MEDIA = "media"
# made by the migrations in every installation; records refer to them by natural key
NOT_BACKED_UP = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
CHUNK = 2000  # records read from the database at a time
BATCH = 500  # records inserted in one statement
COPY = 1024 * 1024  # bytes copied at a time
MANIFEST_MAX_BYTES = 50 * 1024 * 1024
FIELD = "FILE"
KEY_FINGERPRINT_LABEL = b"hrdd-backup:secret-key-fingerprint"
# What SECRET_KEY makes, and so what a restore under another key changes (the records and files are restored as they
# were; the audit chain's hashes are plain SHA-256 and do not depend on it):
# - the supplier links' tokens (hrdd.core.linktokens): a link is looked up by its token's SHA-256, so the links
#   suppliers hold keep working, but hrdd cannot write them again into later e-mails (reminders, information
#   requests) or show them to the buyer until the buyer re-issues them;
# - member invitations and password-reset links already e-mailed (Django's signing) stop working;
# - the grievance intake's rate limits (hashed client addresses) count afresh.
KEY_SAME, KEY_OTHER, KEY_UNKNOWN = "same", "other", "unknown"


class PreciseJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (the audit chain's hashes are taken over them)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


@dataclass(frozen=True)
class BackupResult:
    counts: dict[str, int]
    files: int
    audit_head: str


@dataclass(frozen=True)
class RestoreResult:
    counts: dict[str, int]
    files: int
    audit_events: int
    audit_head: str
    # KEY_SAME, KEY_OTHER, or KEY_UNKNOWN for an archive without the fingerprint
    secret_key: str = KEY_UNKNOWN


def backed_up_models() -> list[type[models.Model]]:
    """The models whose records an archive holds, in an order that loads their natural keys before use."""
    chosen = [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in NOT_BACKED_UP
    ]
    app_list: dict[Any, list[type[models.Model]]] = {}
    for model in chosen:
        app_list.setdefault(apps.get_app_config(model._meta.app_label), []).append(model)
    return serializers.sort_dependencies(list(app_list.items()), allow_cycles=True)


def secret_key_fingerprint(key: str | None = None) -> str:
    """The fingerprint of a secret key (by default the installation's) a manifest records: an HMAC-SHA256 of a
    fixed label under the key, which tells two keys apart and reveals neither (nor a hash of the key itself)."""
    secret = settings.SECRET_KEY if key is None else key
    return hmac.new(secret.encode("utf-8"), KEY_FINGERPRINT_LABEL, hashlib.sha256).hexdigest()


def secret_key_match(manifest: dict[str, Any]) -> str:
    """Whether the archive was written under this installation's secret key: KEY_SAME, KEY_OTHER, or KEY_UNKNOWN
    when its manifest records no fingerprint."""
    recorded = manifest.get("secret_key_fingerprint")
    if not isinstance(recorded, str) or not recorded:
        return KEY_UNKNOWN
    return KEY_SAME if hmac.compare_digest(recorded, secret_key_fingerprint()) else KEY_OTHER


def hrdd_version() -> str:
    try:
        return metadata.version("hrdd")
    except metadata.PackageNotFoundError:  # pragma: no cover - a checkout run without installing
        return "unknown"


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The migrations applied to the database, as 'app.name', sorted."""
    recorder = MigrationRecorder(connections[using])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _sha256_file(path: Path) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as stream:
        while block := stream.read(COPY):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


def media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """The files under MEDIA_ROOT as (archive name, path), sorted; links are not followed."""
    if not root.is_dir():
        return
    for directory, folders, names in os.walk(root):
        folders.sort()
        for name in sorted(names):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield f"{MEDIA}/{path.relative_to(root).as_posix()}", path


@contextmanager
def _snapshot(using: str) -> Iterator[None]:
    """One consistent view of the database for the whole backup."""
    connection = connections[using]
    outermost = not connection.in_atomic_block  # else the caller's transaction is the view (a test's)
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def write_records(stream: IO[str], using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Write every backed-up record to `stream` as JSON Lines, streaming; return the count per model."""
    counts: dict[str, int] = {}
    serializer = serializers.get_serializer("jsonl")()
    for model in backed_up_models():
        written = 0

        def counted(queryset: Any) -> Iterator[models.Model]:
            nonlocal written
            for record in queryset.iterator(chunk_size=CHUNK):
                written += 1
                yield record

        serializer.serialize(
            counted(model._base_manager.using(using).order_by("pk")),
            stream=stream,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=False,
            cls=PreciseJSONEncoder,
        )
        counts[model._meta.label_lower] = written
    return counts


def backup_write(target: Path, *, using: str = DEFAULT_DB_ALIAS) -> BackupResult:
    """Write the database and the uploaded files to the archive `target` (written aside, then moved into place)."""
    from hrdd.audit.models import AuditEvent

    target = Path(target)
    if target.is_dir():
        raise InputError(_("%(file)s is a folder; name the archive to write") % {"file": target}, field=FIELD)
    if not target.parent.is_dir():
        raise InputError(_("%(folder)s: no such folder") % {"folder": target.parent}, field=FIELD)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix=".hrdd-backup-", dir=target.parent) as work:
        data = Path(work) / DATA
        from hrdd.audit.sealing import seal_pending

        seal_pending(using)  # the events committed so far go into the archive sealed (hrdd.audit.sealing)
        with _snapshot(using), data.open("w", encoding="utf-8") as stream:
            counts = write_records(stream, using)
            sealed = AuditEvent.objects.using(using).filter(chain_position__isnull=False)
            head = sealed.order_by("-chain_position").values_list("hash", flat=True).first() or ""
            migrations = applied_migrations(using)
        size, digest = _sha256_file(data)
        files = {DATA: {"size": size, "sha256": digest}}
        media = list(media_files(media_root))
        for name, path in media:
            size, digest = _sha256_file(path)
            files[name] = {"size": size, "sha256": digest}
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "hrdd_version": hrdd_version(),
            "created_at": timezone.now().isoformat(),
            "database_vendor": connections[using].vendor,
            "migrations": migrations,
            "counts": counts,
            "audit": {"events": counts.get("audit.auditevent", 0), "head": head},
            "secret_key_fingerprint": secret_key_fingerprint(),
            "files": files,
        }
        partial = Path(work) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            encoded = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(encoded), int(timezone.now().timestamp()), 0o600
            archive.addfile(info, io.BytesIO(encoded))
            archive.add(data, arcname=DATA, recursive=False)
            for name, path in media:
                archive.add(path, arcname=name, recursive=False)
        os.replace(partial, target)
    return BackupResult(counts=counts, files=len(media), audit_head=head)


# restore


def _refuse(message: str) -> InputError:
    return InputError(message, field=FIELD)


def _safe_name(name: str) -> bool:
    """Whether an archive member's name stays inside the archive: relative, no '..', no backslash or NUL."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    normal = posixpath.normpath(name)
    return normal == name.rstrip("/") and not normal.startswith("..") and "/../" not in f"/{normal}/"


def read_bounded_members(
    archive: tarfile.TarFile, *, max_bytes: int, max_members: int
) -> dict[str, tarfile.TarInfo]:
    """The archive's members by name, refused before anything is extracted when there are too many, when they add
    up to too much, or when one is not a plain file or folder inside the archive."""
    members: dict[str, tarfile.TarInfo] = {}
    total = 0
    for member in archive:
        if len(members) >= max_members:
            raise _refuse(
                _("The archive holds more than %(count)s members; it was not written by hrdd backup.")
                % {"count": max_members}
            )
        if not _safe_name(member.name):
            raise _refuse(
                _("The archive member %(name)r points outside the archive.") % {"name": member.name}
            )
        if member.isdir():
            continue
        if not member.isfile():
            raise _refuse(
                _("The archive member %(name)r is a link or a device, not a file.") % {"name": member.name}
            )
        if member.name in members:
            raise _refuse(_("The archive holds %(name)r twice.") % {"name": member.name})
        total += member.size
        if total > max_bytes:
            raise _refuse(
                _(
                    "The archive unpacks to more than %(size)s bytes; raise HRDD_RESTORE_MAX_BYTES to restore it."
                )
                % {"size": max_bytes}
            )
        members[member.name] = member
    return members


def _read_manifest(archive: tarfile.TarFile, members: dict[str, tarfile.TarInfo]) -> dict[str, Any]:
    member = members.get(MANIFEST)
    if member is None or member.size > MANIFEST_MAX_BYTES:
        raise _refuse(
            _("The archive has no readable %(name)s; it was not written by hrdd backup.") % {"name": MANIFEST}
        )
    stream = archive.extractfile(member)
    try:
        manifest = json.loads(stream.read()) if stream else None
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse(_("The archive's %(name)s is not an hrdd backup manifest.") % {"name": MANIFEST})
    if manifest.get("format_version") != FORMAT_VERSION:
        raise _refuse(
            _("The archive is in backup format %(found)r; this hrdd reads format %(known)s.")
            % {"found": manifest.get("format_version"), "known": FORMAT_VERSION}
        )
    files = manifest.get("files")
    if not isinstance(files, dict) or DATA not in files or not isinstance(manifest.get("counts"), dict):
        raise _refuse(_("The archive's manifest lists no records file."))
    listed, present = set(files), set(members) - {MANIFEST}
    if listed != present:
        odd = sorted(listed ^ present)[:3]
        raise _refuse(
            _(
                "The archive's members and its manifest differ (%(names)s); it was changed after it was written."
            )
            % {"names": ", ".join(odd)}
        )
    for name in listed:
        if not (name == DATA or name.startswith(f"{MEDIA}/")):
            raise _refuse(
                _("The archive member %(name)r is neither the records nor an uploaded file.") % {"name": name}
            )
        entry = files[name]
        if not isinstance(entry, dict) or entry.get("size") != members[name].size:
            raise _refuse(_("The size of %(name)r differs from the manifest's.") % {"name": name})
    return manifest


def _extract_checked(
    archive: tarfile.TarFile, member: tarfile.TarInfo, expected: str, destination: Path
) -> None:
    """Copy one member to `destination`, refusing it when its SHA-256 is not the manifest's."""
    source = archive.extractfile(member)
    if source is None:  # pragma: no cover - read_bounded_members let only files through
        raise _refuse(_("The archive member %(name)r cannot be read.") % {"name": member.name})
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with destination.open("xb") as out:
        while block := source.read(COPY):
            digest.update(block)
            out.write(block)
    if digest.hexdigest() != expected:
        raise _refuse(
            _("The checksum of %(name)r differs from the manifest's; the archive is damaged or was changed.")
            % {"name": member.name}
        )


def installation_records(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """The backed-up models that hold records now (an empty installation has none)."""
    held = {}
    for model in backed_up_models():
        if model._base_manager.using(using).exists():
            held[model._meta.label_lower] = model._base_manager.using(using).count()
    return held


def _insert(model: type[models.Model], batch: list[Any], using: str) -> None:
    """Insert deserialized records of one model as they are, in one statement, sending no signals: a restore
    brings back stored state and sets nothing off (a receiver that recomputes would change what was stored)."""
    if model._meta.parents:  # multi-table inheritance: the parents' rows too, as loaddata saves them
        for record in batch:
            record.save(using=using, force_insert=True)
        return
    model._base_manager.using(using)._insert(
        [record.object for record in batch], fields=model._meta.local_concrete_fields, using=using, raw=True
    )
    for record in batch:
        for name, values in (record.m2m_data or {}).items():
            getattr(record.object, name).set(values)


def load_records(stream: IO[str], using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Load JSON Lines records as they are (primary keys, times, hashes kept; no model's save() run, so the audit
    log is not chained again); return the count per model. Call inside a transaction: the foreign keys are checked
    at its end."""
    connection = connections[using]
    counts: dict[str, int] = {}
    deferred = []
    touched: set[type[models.Model]] = set()
    batch: list[Any] = []
    with connection.constraint_checks_disabled():
        for record in serializers.deserialize(
            "jsonl", stream, using=using, handle_forward_references=True, ignorenonexistent=False
        ):
            model = type(record.object)
            if batch and (type(batch[0].object) is not model or len(batch) >= BATCH):
                _insert(type(batch[0].object), batch, using)
                batch = []
            batch.append(record)
            if hasattr(
                model, "natural_key"
            ):  # others name it by natural key: findable before the next is read
                _insert(model, batch, using)
                batch = []
            if record.deferred_fields:
                deferred.append(record)
            touched.add(model)
            label = model._meta.label_lower
            counts[label] = counts.get(label, 0) + 1
        if batch:
            _insert(type(batch[0].object), batch, using)
        for record in deferred:  # natural keys of records further on in the file
            record.save_deferred_fields(using=using)
    connection.check_constraints(table_names=[model._meta.db_table for model in touched])
    statements = connection.ops.sequence_reset_sql(no_style(), list(touched))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    return counts


def backup_restore(
    source: Path,
    *,
    using: str = DEFAULT_DB_ALIAS,
    max_bytes: int | None = None,
    max_members: int | None = None,
) -> RestoreResult:
    """Restore an archive written by `backup_write` into an empty installation; see the module's docstring."""
    from hrdd.audit.chain import rows_in_chain_order, walk
    from hrdd.audit.models import AuditEvent

    source = Path(source)
    if not source.is_file():
        raise _refuse(_("%(file)s: no such file") % {"file": source})
    max_bytes = max_bytes or int(settings.HRDD_RESTORE_MAX_BYTES)
    max_members = max_members or int(settings.HRDD_RESTORE_MAX_MEMBERS)
    media_root = Path(settings.MEDIA_ROOT)
    try:
        archive = tarfile.open(source, "r:gz")  # noqa: SIM115 - closed below
    except (tarfile.TarError, OSError) as exc:
        raise _refuse(
            _("%(file)s is not a .tar.gz archive (%(error)s)") % {"file": source, "error": exc}
        ) from exc
    with archive:
        try:
            members = read_bounded_members(archive, max_bytes=max_bytes, max_members=max_members)
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise _refuse(_("%(file)s is damaged (%(error)s)") % {"file": source, "error": exc}) from exc
        manifest = _read_manifest(archive, members)

        call_command("migrate", interactive=False, verbosity=0, database=using)
        ours = applied_migrations(using)
        theirs = manifest.get("migrations") or []
        if sorted(theirs) != ours:
            differ = sorted(set(theirs) ^ set(ours))[:5]
            raise _refuse(
                _(
                    "The archive was written at other migrations than this installation's (%(names)s): restore it "
                    "with the hrdd version that wrote it (%(version)s)."
                )
                % {"names": ", ".join(differ), "version": manifest.get("hrdd_version", "?")}
            )
        held = installation_records(using)
        if held:
            first = ", ".join(f"{label} ({n})" for label, n in list(held.items())[:3])
            raise _refuse(
                _(
                    "This installation already holds records (%(models)s); restore only into an empty database."
                )
                % {"models": first}
            )
        if any(True for _name in media_files(media_root)):
            raise _refuse(
                _("MEDIA_ROOT (%(folder)s) already holds files; restore only into an empty folder.")
                % {"folder": media_root}
            )

        files = manifest["files"]
        media_root.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".hrdd-restore-", dir=media_root.parent) as work:
            staged = Path(work)
            for name in sorted(files):
                _extract_checked(archive, members[name], str(files[name].get("sha256")), staged / name)
            with transaction.atomic(using=using), (staged / DATA).open(encoding="utf-8") as stream:
                try:
                    counts = load_records(stream, using)
                except serializers.base.DeserializationError as exc:
                    raise _refuse(
                        _("The archive's records cannot be loaded: %(error)s") % {"error": exc}
                    ) from exc
                expected = {label: n for label, n in manifest["counts"].items() if n}
                if counts != expected:
                    differ = sorted(
                        k for k in set(counts) | set(expected) if counts.get(k) != expected.get(k)
                    )
                    raise _refuse(
                        _(
                            "The records loaded differ from the manifest's counts (%(models)s); nothing was restored."
                        )
                        % {"models": ", ".join(differ[:5])}
                    )
                report = walk(rows_in_chain_order(AuditEvent.objects.using(using)))
                head = (manifest.get("audit") or {}).get("head") or ""
                if report.broken is not None or report.head_hash != (head or report.head_hash):
                    where = report.broken.event_id if report.broken else report.head_id
                    raise _refuse(
                        _(
                            "The archive's audit log does not verify (at event %(event)s); nothing was restored."
                        )
                        % {"event": where}
                    )
            restored_files = 0
            for name in sorted(files):
                if name.startswith(f"{MEDIA}/"):
                    destination = media_root / name[len(MEDIA) + 1 :]
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.move(staged / name, destination)
                    restored_files += 1
    return RestoreResult(
        counts=counts,
        files=restored_files,
        audit_events=report.events,
        audit_head=report.head_hash if report.events else "",
        secret_key=secret_key_match(manifest),
    )
