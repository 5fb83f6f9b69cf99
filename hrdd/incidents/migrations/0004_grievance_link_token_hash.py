"""Grievance channels' secret links stored hashed (issue 17): the SHA-256 of each token replaces the token itself,
so that a copy of the database opens no channel's secret link. Existing links keep working: their digest is
computed here from the stored token (hrdd can no longer show such a link; the organisation re-issues it to give it
out again). Going back gives every channel a new random link: the old ones stop working."""

import hashlib
import secrets

from django.db import migrations, models

BATCH = 500


def _digest(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_tokens(apps, schema_editor):
    model = apps.get_model("incidents", "GrievanceChannel")
    batch = []
    for record in model.objects.only("pk", "token", "created_at").iterator(chunk_size=BATCH):
        record.token_hash = _digest(record.token)
        record.token_issued_at = record.created_at
        batch.append(record)
        if len(batch) >= BATCH:
            model.objects.bulk_update(batch, ["token_hash", "token_issued_at"])
            batch = []
    if batch:
        model.objects.bulk_update(batch, ["token_hash", "token_issued_at"])


def new_clear_tokens(apps, schema_editor):
    model = apps.get_model("incidents", "GrievanceChannel")
    for record in model.objects.only("pk").iterator(chunk_size=BATCH):
        token = secrets.token_urlsafe(32)
        while token.startswith("-"):
            token = secrets.token_urlsafe(32)
        model.objects.filter(pk=record.pk).update(token=token)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0003_edit_version")]

    operations = [
        migrations.AddField(
            model_name="grievancechannel",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="grievancechannel",
            name="token_nonce",
            field=models.CharField(blank=True, default="", editable=False, max_length=32),
        ),
        migrations.AddField(
            model_name="grievancechannel",
            name="token_issued_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="link issued"),
        ),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="grievancechannel",
            name="token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(migrations.RunPython.noop, new_clear_tokens),
        migrations.RemoveField(model_name="grievancechannel", name="token"),
        migrations.AlterField(
            model_name="grievancechannel",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
