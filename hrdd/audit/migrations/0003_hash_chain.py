"""The audit log's hash chain (issue 17): two fields, the chain computed for the events already stored (in id
order), a trigger that refuses TRUNCATE on PostgreSQL, and no way back.

The append-only triggers of 0002 refuse the UPDATE that fills the chain in, so they are dropped for the length of
this migration and made again at its end (SQLite also loses them when it rebuilds the table to add the fields).
Migrating the audit app backwards is refused: it would drop the chain and then the triggers."""

from django.core.management.base import CommandError
from django.db import migrations, models

import hrdd.audit.models

SQLITE_TRIGGERS = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
]
POSTGRES_TRIGGERS = [
    """CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
       FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    # TRUNCATE fires no row trigger: a statement-level one refuses it (also a superuser's, unless they drop it)
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
]


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    elif vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent")


def chain_stored_events(apps, schema_editor):
    from hrdd.audit.chain import GENESIS, event_hash, values_of

    AuditEvent = apps.get_model("audit", "AuditEvent")
    db = schema_editor.connection.alias
    previous = GENESIS
    for event in AuditEvent.objects.using(db).order_by("id").iterator(chunk_size=2000):
        digest = event_hash(values_of(event), previous)
        AuditEvent.objects.using(db).filter(pk=event.pk).update(previous_hash=previous, hash=digest)
        previous = digest


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = SQLITE_TRIGGERS
    elif vendor == "postgresql":
        # the UPDATEs above queued deferred foreign-key checks; PostgreSQL alters no table with checks pending
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        statements = POSTGRES_TRIGGERS
    else:
        statements = []
    for statement in statements:
        schema_editor.execute(statement)


def refuse_backwards(apps, schema_editor):
    # a CommandError: `migrate` prints its message without a traceback
    raise CommandError(
        "The audit log is append-only: migrating the audit app backwards would drop its hash chain and its "
        "triggers, so it is refused. To start over, create a new database."
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.RunPython(drop_triggers, refuse_backwards),
        migrations.SeparateDatabaseAndState(
            # the time is now set by the model when the event is made (its hash is taken over it); the column
            # is the same
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="at",
                    field=models.DateTimeField(
                        db_index=True, default=hrdd.audit.models.event_time, editable=False, verbose_name="when"
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.RunPython(chain_stored_events, refuse_backwards),
        migrations.RunPython(create_triggers, refuse_backwards),
    ]
