from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

from .cache import bump_data_version


def bump_on_change(sender, **kwargs):
    if sender._meta.app_label == "events":
        bump_data_version()


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = "News events"

    def ready(self):
        # Any saved or deleted record of ours may change what a cached page shows.
        post_save.connect(bump_on_change, dispatch_uid="events-bump-on-save")
        post_delete.connect(bump_on_change, dispatch_uid="events-bump-on-delete")
