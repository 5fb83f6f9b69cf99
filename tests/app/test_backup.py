"""hrdd backup and hrdd restore (issue 17): a populated installation round-trips equal (every record, every
uploaded file, the audit log with its hashes); a restore refuses a non-empty installation and an archive that is
too big, has too many members, reaches outside itself, holds links, was changed, or whose audit log does not verify,
and then stores nothing."""

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core import serializers
from django.core.management import call_command

from hrdd.audit.backup import backed_up_models, backup_restore, backup_write, installation_records
from hrdd.audit.models import AuditEvent
from hrdd.core.errors import InputError


def snapshot():
    """Every backed-up record (foreign keys by natural key, as content types get new ids), every file's bytes, and
    the audit chain."""
    records = {
        model._meta.label_lower: serializers.serialize(
            "python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        for model in backed_up_models()
    }
    media = Path(settings.MEDIA_ROOT)
    files = {str(p.relative_to(media)): p.read_bytes() for p in media.rglob("*") if p.is_file()}
    chain = list(AuditEvent.objects.order_by("id").values_list("id", "previous_hash", "hash"))
    return records, files, chain


def emptied():
    """The installation made empty again (as a new one: the migrations' content types and permissions only)."""
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def archive_of(members, *, links=()):
    """A .tar.gz of (name, bytes) members, and symbolic links (name, target)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in members:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
        for name, target in links:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            archive.addfile(info)
    return buffer.getvalue()


def members_of(path):
    with tarfile.open(path, "r:gz") as archive:
        return [(m.name, archive.extractfile(m).read()) for m in archive.getmembers() if m.isfile()]


def with_data(members, change):
    """The members with data.jsonl changed by `change` and the manifest's checksum made to agree with it."""
    members = dict(members)
    data = change(members["data.jsonl"])
    manifest = json.loads(members["manifest.json"])
    manifest["files"]["data.jsonl"] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    members["data.jsonl"], members["manifest.json"] = data, json.dumps(manifest).encode()
    return list(members.items())


@pytest.mark.django_db(transaction=True)
def test_a_populated_installation_round_trips_equal(cli, tmp_path):
    # given the demo: both organisations' records, a submitted file, an audit log of every step
    from hrdd.demo import DEMO_PASSWORD, load_demo
    from hrdd.demo_sourcing import load_sourcing_demo

    load_demo()
    load_sourcing_demo(password=DEMO_PASSWORD)
    before = snapshot()
    assert before[1] and len(before[2]) > 50
    archive = tmp_path / "hrdd-backup.tar.gz"

    # when
    written = cli("backup", archive)
    emptied()
    assert not installation_records() and not AuditEvent.objects.exists()
    restored = cli("restore", archive)

    # then
    assert written.returncode == 0, written.stderr
    assert restored.returncode == 0, restored.stderr
    assert f"the audit log's {len(before[2])} event(s) verified" in restored.stdout
    after = snapshot()
    assert [len(rows) for rows in after[0].values()] == [len(rows) for rows in before[0].values()]
    assert after[0] == before[0]
    assert after[1] == before[1]
    assert after[2] == before[2]
    assert cli("audit", "verify").returncode == 0
    # and the installation goes on: the next event chains onto the restored head
    from hrdd.accounts.models import Organisation
    from hrdd.audit.services import audit_record

    event = audit_record(actor=None, action="x.after", target=Organisation.objects.first())
    assert event.previous_hash == before[2][-1][2] and event.pk > before[2][-1][0]


@pytest.mark.django_db(transaction=True)
def test_an_archive_whose_audit_log_was_edited_restores_nothing(municipality, buyer, tmp_path):
    # given a backup whose audit events' labels were changed, with its checksums made to agree
    from hrdd.audit.services import audit_record

    for n in range(3):
        audit_record(actor=buyer, action="x.test", target=municipality, after={"n": n})
    (Path(settings.MEDIA_ROOT) / "a").mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "a" / "file.txt").write_bytes(b"kept")
    backup_write(tmp_path / "b.tar.gz")
    edited = with_data(
        members_of(tmp_path / "b.tar.gz"), lambda data: data.replace(b'"x.test"', b'"x.text"', 1)
    )
    (tmp_path / "edited.tar.gz").write_bytes(archive_of(edited))
    emptied()

    # when / then
    with pytest.raises(InputError, match="audit log does not verify"):
        backup_restore(tmp_path / "edited.tar.gz")
    assert not installation_records()
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.txt"))


def test_restore_refuses_an_installation_that_holds_records(municipality, cli, tmp_path):
    # given
    backup_write(tmp_path / "b.tar.gz")

    # when
    result = cli("restore", tmp_path / "b.tar.gz")

    # then
    assert result.returncode == 2
    assert "already holds records" in result.stderr and "accounts.organisation" in result.stderr


@pytest.fixture
def empty_backup(db, tmp_path):
    """The members of a real backup of an empty installation."""
    backup_write(tmp_path / "empty.tar.gz")
    return members_of(tmp_path / "empty.tar.gz")


@pytest.mark.parametrize(
    ("extra", "links", "said"),
    [
        ([("../outside.txt", b"x")], [], "points outside the archive"),
        ([("/etc/hrdd.txt", b"x")], [], "points outside the archive"),
        ([("media/../../outside.txt", b"x")], [], "points outside the archive"),
        ([], [("media/link", "/etc/passwd")], "is a link or a device"),
        ([("media/extra.txt", b"x")], [], "members and its manifest differ"),
    ],
)
def test_restore_refuses_an_archive_reaching_outside_itself_before_extracting_anything(
    empty_backup, tmp_path, extra, links, said
):
    # given
    path = tmp_path / "hostile.tar.gz"
    path.write_bytes(archive_of([*empty_backup, *extra], links=links))

    # when / then
    with pytest.raises(InputError, match=said):
        backup_restore(path)
    assert not (tmp_path.parent / "outside.txt").exists() and not (tmp_path / "outside.txt").exists()
    assert not Path(settings.MEDIA_ROOT).exists()


def test_restore_refuses_too_many_members_and_too_many_bytes(empty_backup, tmp_path, settings):
    # given
    path = tmp_path / "big.tar.gz"
    path.write_bytes(archive_of([*empty_backup, *[(f"media/{n}.txt", b"x" * 100) for n in range(5)]]))

    # when / then
    settings.HRDD_RESTORE_MAX_MEMBERS = 4
    with pytest.raises(InputError, match="more than 4 members"):
        backup_restore(path)
    settings.HRDD_RESTORE_MAX_MEMBERS = 100
    settings.HRDD_RESTORE_MAX_BYTES = 300
    with pytest.raises(InputError, match="unpacks to more than 300 bytes"):
        backup_restore(path)


def test_restore_refuses_records_whose_checksum_differs_and_stores_nothing(empty_backup, tmp_path):
    # given records changed after the backup was written (the manifest's checksum left as it was)
    members = dict(empty_backup)
    members["data.jsonl"] = members["data.jsonl"] + b" "
    manifest = json.loads(members["manifest.json"])
    manifest["files"]["data.jsonl"]["size"] += 1
    members["manifest.json"] = json.dumps(manifest).encode()
    path = tmp_path / "changed.tar.gz"
    path.write_bytes(archive_of(list(members.items())))

    # when / then
    with pytest.raises(InputError, match="checksum of 'data.jsonl' differs"):
        backup_restore(path)
    assert not installation_records()


def test_restore_refuses_a_file_that_is_not_a_backup(cli, tmp_path, db):
    (tmp_path / "notes.tar.gz").write_bytes(b"not an archive")
    (tmp_path / "other.tar.gz").write_bytes(archive_of([("manifest.json", b'{"format": "other"}')]))

    first = cli("restore", tmp_path / "notes.tar.gz")
    second = cli("restore", tmp_path / "other.tar.gz")

    assert first.returncode == 2 and "is not a .tar.gz archive" in first.stderr
    assert second.returncode == 2 and "not an hrdd backup manifest" in second.stderr


# the secret key: not in the archive, its fingerprint in the manifest, a restore under another key warns

KEY_A = "backup-key-A-" + "a1" * 30
KEY_B = "backup-key-B-" + "b2" * 30


def test_the_manifest_holds_the_keys_fingerprint_and_the_archive_not_the_key(
    municipality, settings, tmp_path
):
    # given
    from hrdd.audit.backup import secret_key_fingerprint

    settings.SECRET_KEY = KEY_A
    (Path(settings.MEDIA_ROOT) / "a").mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "a" / "file.txt").write_bytes(b"kept")

    # when
    backup_write(tmp_path / "b.tar.gz")

    # then the manifest tells the key apart from another, and reveals neither it nor its plain hash
    members = dict(members_of(tmp_path / "b.tar.gz"))
    fingerprint = json.loads(members["manifest.json"])["secret_key_fingerprint"]
    assert fingerprint == secret_key_fingerprint(KEY_A) != secret_key_fingerprint(KEY_B)
    assert len(fingerprint) == 64 and fingerprint != hashlib.sha256(KEY_A.encode()).hexdigest()
    unpacked = b"".join(members.values())
    for secret in (KEY_A.encode(), hashlib.sha256(KEY_A.encode()).hexdigest().encode()):
        assert secret not in unpacked
    assert KEY_A.encode() not in (tmp_path / "b.tar.gz").read_bytes()


@pytest.mark.django_db(transaction=True)
def test_a_restore_under_another_key_restores_all_and_warns_what_stops_working(cli, settings, tmp_path):
    # given a contract whose supplier link was issued under key A, and a backup written under it
    from hrdd.contracts.models import Contract
    from hrdd.contracts.selectors import contract_get_by_token
    from tests.factories import ContractFactory

    settings.SECRET_KEY = KEY_A
    contract = ContractFactory()
    token = contract.token
    assert token
    archive = tmp_path / "b.tar.gz"
    assert cli("backup", archive).returncode == 0
    emptied()

    # when it is restored into an installation running under key B
    settings.SECRET_KEY = KEY_B
    restored = cli("restore", archive)

    # then all is restored, with a warning that says what changes
    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stdout
    warning = " ".join(restored.stderr.split())
    assert warning.startswith("warning: this archive was written under another secret key")
    assert "the links suppliers already hold keep working" in warning
    assert "until each link is re-issued" in warning
    assert "password-reset links already e-mailed stop working" in warning
    # and that is what happens: the supplier's link still opens the contract, hrdd can no longer write it
    assert contract_get_by_token(token=token).pk == contract.pk
    assert Contract.objects.get(pk=contract.pk).token == ""


@pytest.mark.django_db(transaction=True)
def test_a_restore_under_the_same_key_does_not_warn(cli, municipality, settings, tmp_path):
    settings.SECRET_KEY = KEY_A
    archive = tmp_path / "b.tar.gz"
    backup_write(archive)
    emptied()

    restored = cli("restore", archive)

    assert restored.returncode == 0, restored.stderr
    assert "warning" not in restored.stderr


def test_an_archive_without_the_fingerprint_restores_with_a_warning_to_check_the_key(
    empty_backup, cli, tmp_path
):
    # given an archive written before the manifest recorded the key's fingerprint
    members = dict(empty_backup)
    manifest = json.loads(members["manifest.json"])
    del manifest["secret_key_fingerprint"]
    members["manifest.json"] = json.dumps(manifest).encode()
    path = tmp_path / "older.tar.gz"
    path.write_bytes(archive_of(list(members.items())))

    # when
    restored = cli("restore", path)

    # then
    assert restored.returncode == 0, restored.stderr
    assert "warning: this archive does not record which secret key" in " ".join(restored.stderr.split())
