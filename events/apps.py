import logging

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save

from .cache import bump_data_version, bump_takedown_version


def bump_on_change(sender, raw=False, **kwargs):
    # Not per record a restore saves (raw): it renews the version once, when done.
    if not raw:
        bump_data_version()


def log_admin_change(sender, instance, created, raw=False, **kwargs):
    """Every change made through the admin, in the log as well as in the admin's history.
    Not the old entries a restored backup brings back (raw): those changes were logged when made."""
    if created and not raw:
        logging.getLogger("newsdash.admin").info(
            "%s %s %s %s %r: %s",
            instance.user,
            {1: "added", 2: "changed", 3: "deleted"}.get(instance.action_flag, "touched"),
            instance.content_type.model if instance.content_type_id else "object",
            instance.object_id,
            instance.object_repr,
            instance.get_change_message() or "no fields changed",
        )


def refresh_event_search(sender, instance, raw=False, **kwargs):
    """A participant added, changed or removed: the event's search text holds the participants' names.
    Not while a backup is restored (raw): the events come back with their text as it was saved."""
    from .models import Event

    if not raw:
        Event.objects.filter(pk=instance.event_id).refresh_search_text()


def rebuild_counts(using="default", **kwargs):
    from . import counts

    counts.rebuild(using)


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = "News events"

    def ready(self):
        from . import counts
        from .models import LaneCount, Participation, Withdrawal

        # Any saved or deleted record of ours may change what a cached page shows. The
        # counts are derived from the rest; a receiver on them would make every bulk
        # delete of counts fetch its rows one by one to signal them.
        for model in self.get_models():
            if model is not LaneCount:
                post_save.connect(bump_on_change, sender=model, dispatch_uid=f"bump-on-save-{model.__name__}")
                post_delete.connect(bump_on_change, sender=model, dispatch_uid=f"bump-on-delete-{model.__name__}")
        # A withdrawal changes what even a settled past shows (events.cache.data_version).
        post_save.connect(bump_takedown_version, sender=Withdrawal, dispatch_uid="takedown-on-save")
        post_delete.connect(bump_takedown_version, sender=Withdrawal, dispatch_uid="takedown-on-delete")
        counts.connect()
        post_save.connect(refresh_event_search, sender=Participation, dispatch_uid="search-on-participant-save")
        post_delete.connect(refresh_event_search, sender=Participation, dispatch_uid="search-on-participant-delete")
        from django.contrib.admin.models import LogEntry

        post_save.connect(log_admin_change, sender=LogEntry, dispatch_uid="log-admin-change")
        # Derived rows: after any migration (or a flush) they are counted afresh.
        post_migrate.connect(rebuild_counts, sender=self, dispatch_uid="counts-rebuild")
