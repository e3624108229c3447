"""Reads to the replica, writes to the primary, when DATABASE_REPLICA_URL is set."""

from events.pinning import in_snapshot


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        # A pinned view reads the temporary tables it made on the primary (a standby can make none).
        return "default" if in_snapshot() else "replica"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data: objects read from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary through replication, never through migrate.
        return db == "default"
