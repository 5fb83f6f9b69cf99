"""Seal after commit (hrdd.audit.sealing): writers insert events with no chain position and no hashes (null), and a
sealer fills those three fields in once, after the writer's transaction commits.

The events already stored are chained in id order (0003): they get their positions 1, 2, 3, ... in that order. The
UPDATE trigger is replaced by one that lets a single UPDATE through: the one that fills the chain fields of an
unsealed event (all three null before, all three set after, the hashes 64 characters) and changes nothing else.
Any other UPDATE is refused, and so is every change to a sealed event; DELETE (and TRUNCATE on PostgreSQL) stays
refused. On PostgreSQL "nothing else" compares the whole row as JSON without the three fields, so a column added
later is covered too; SQLite's trigger names the columns (a migration that adds one rebuilds the table on SQLite and
must make the trigger again anyway). Migrating backwards is refused, as for 0003."""

from django.core.management.base import CommandError
from django.db import migrations, models

REFUSED = "audit events are append-only: only an unsealed event''s chain fields may be filled in, once"
CHAIN = ("chain_position", "previous_hash", "hash")
# every column but the chain's, as 0003 left the table
FIXED_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor_label",
    "organisation_id",
    "action",
    "target_type",
    "target_id",
    "before",
    "after",
)
# never NULL (SQLite's WHEN NOT (NULL) would let the UPDATE through): each term is true or false
SEALING = (
    "OLD.chain_position IS NULL AND OLD.previous_hash IS NULL AND OLD.hash IS NULL "
    "AND NEW.chain_position IS NOT NULL AND NEW.previous_hash IS NOT NULL AND NEW.hash IS NOT NULL "
    "AND length(NEW.previous_hash) = 64 AND length(NEW.hash) = 64"
)
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
       WHEN NOT ({SEALING} AND {" AND ".join(f'NEW."{c}" IS OLD."{c}"' for c in FIXED_COLUMNS)})
       BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
]
POSTGRES_TRIGGERS = [
    f"""CREATE FUNCTION audit_event_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF {SEALING}
            AND to_jsonb(NEW) - ARRAY['chain_position', 'previous_hash', 'hash']
                = to_jsonb(OLD) - ARRAY['chain_position', 'previous_hash', 'hash']
         THEN
           RETURN NEW;
         END IF;
         RAISE EXCEPTION '{REFUSED}';
       END $$""",
    """CREATE TRIGGER audit_event_seal_only BEFORE UPDATE ON audit_auditevent
       FOR EACH ROW EXECUTE FUNCTION audit_event_seal_only()""",
    # 0002's function, which refuses whatever it is called for
    """CREATE TRIGGER audit_event_append_only BEFORE DELETE ON audit_auditevent
       FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
]
NUMBER_THE_CHAIN = """
    UPDATE audit_auditevent SET chain_position = numbered.position
    FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS position FROM audit_auditevent WHERE hash <> '') AS numbered
    WHERE audit_auditevent.id = numbered.id"""


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    elif vendor == "postgresql":  # 0003's BEFORE UPDATE OR DELETE; the TRUNCATE trigger stays
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent")


def number_the_chain(apps, schema_editor):
    schema_editor.execute(NUMBER_THE_CHAIN)


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = SQLITE_TRIGGERS
    elif vendor == "postgresql":
        # the UPDATE above may have queued deferred checks; PostgreSQL alters no table with checks pending
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        statements = POSTGRES_TRIGGERS
    else:
        statements = []
    for statement in statements:
        schema_editor.execute(statement)


def refuse_backwards(apps, schema_editor):
    raise CommandError(
        "The audit log is append-only: migrating the audit app backwards would drop its hash chain and its "
        "triggers, so it is refused. To start over, create a new database."
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_hash_chain")]

    operations = [
        migrations.RunPython(drop_triggers, refuse_backwards),
        migrations.AddField(
            model_name="auditevent",
            name="chain_position",
            field=models.PositiveBigIntegerField(default=None, editable=False, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default=None, editable=False, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(default=None, editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(number_the_chain, refuse_backwards),
        migrations.RunPython(create_triggers, refuse_backwards),
    ]
