from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save, pre_save


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = "News events"

    def ready(self):
        """Connect the receivers that keep derived data in step (events.signals)."""
        from django.contrib.admin.models import LogEntry

        from . import signals
        from .cache import bump_takedown_version
        from .models import Event, LaneCount, Leader, Participation, Withdrawal

        # Any saved or deleted record of ours may change what a cached page shows. The
        # counts are derived from the rest; a receiver on them would make every bulk
        # delete of counts fetch its rows one by one to signal them.
        for model in self.get_models():
            if model is not LaneCount:
                name = model.__name__
                post_save.connect(signals.bump_on_change, sender=model, dispatch_uid=f"bump-on-save-{name}")
                post_delete.connect(signals.bump_on_change, sender=model, dispatch_uid=f"bump-on-delete-{name}")
        # A withdrawal changes what even a settled past shows (events.cache.data_version).
        post_save.connect(bump_takedown_version, sender=Withdrawal, dispatch_uid="takedown-on-save")
        post_delete.connect(bump_takedown_version, sender=Withdrawal, dispatch_uid="takedown-on-delete")

        pre_save.connect(signals.fill_search_text, sender=Event, dispatch_uid="search-on-event-save")
        pre_save.connect(signals.remember_names, sender=Leader, dispatch_uid="search-remember-names")
        post_save.connect(signals.leader_renamed, sender=Leader, dispatch_uid="search-on-leader-renamed")
        for model in signals.COUNTED:
            name = model.__name__
            pre_save.connect(signals.remember_counted, sender=model, dispatch_uid=f"counts-remember-{name}")
            post_save.connect(signals.counted_saved, sender=model, dispatch_uid=f"counts-saved-{name}")
        post_delete.connect(signals.event_deleted, sender=Event, dispatch_uid="counts-event-deleted")
        post_save.connect(signals.participant_changed, sender=Participation, dispatch_uid="participant-saved")
        post_delete.connect(signals.participant_changed, sender=Participation, dispatch_uid="participant-deleted")
        # Derived rows: after any migration (or a flush) they are counted afresh.
        post_migrate.connect(signals.rebuild_counts, sender=self, dispatch_uid="counts-rebuild")

        post_save.connect(signals.log_admin_change, sender=LogEntry, dispatch_uid="log-admin-change")
