"""The "Editors" group: may add, change, delete and view every editor-facing model.

Permissions are normally created after migrations run, so this migration
creates the app's permissions itself before granting them.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODELS = [
    "country",
    "leader",
    "office",
    "place",
    "source",
    "event",
    "participation",
    "seatingarrangement",
    "seat",
    "citation",
    "collection",
    "collectionentry",
]
ACTIONS = ["add", "change", "delete", "view"]


def create_editors_group(apps, schema_editor):
    # The database being migrated, not wherever a router would send reads.
    db = schema_editor.connection.alias
    app_config = apps.get_app_config("events")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(db).get_or_create(name="Editors")
    codenames = [f"{action}_{model}" for model in EDITOR_MODELS for action in ACTIONS]
    permissions = Permission.objects.using(db).filter(content_type__app_label="events", codename__in=codenames)
    group.permissions.add(*permissions)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
