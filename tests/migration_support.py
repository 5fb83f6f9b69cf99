"""Move the test database's schema to given migrations and hand back the models as they were there."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(targets):
    """Apply or unapply migrations up to `targets` (app, name) and return that state's historical apps."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps
