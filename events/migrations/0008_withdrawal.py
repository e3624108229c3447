"""Withdrawals (takedowns): an event or one of its versions left out of every pinned view.
Editors may withdraw (add), see, and lift a withdrawal (delete); not change one."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def grant_editors(apps, schema_editor):
    db = schema_editor.connection.alias  # the database being migrated, not the router's
    app_config = apps.get_app_config("events")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(db).get_or_create(name="Editors")
    codenames = ["add_withdrawal", "view_withdrawal", "delete_withdrawal"]
    group.permissions.add(*Permission.objects.using(db).filter(content_type__app_label="events", codename__in=codenames))


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0007_search_text_names'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalWithdrawal',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('event_id', models.BigIntegerField(db_index=True, verbose_name='event number')),
                ('version', models.BigIntegerField(blank=True, help_text="Only this version of the event (its number on the event's history page); empty to withdraw the whole event.", null=True)),
                ('slug', models.SlugField(editable=False, max_length=200)),
                ('title', models.CharField(editable=False, max_length=300)),
                ('reason', models.TextField(help_text='Why it is taken down (legal, safety): kept for the record.', max_length=2000)),
                ('withdrawn_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('withdrawn_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical withdrawal',
                'verbose_name_plural': 'historical withdrawals',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Withdrawal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event_id', models.BigIntegerField(db_index=True, verbose_name='event number')),
                ('version', models.BigIntegerField(blank=True, help_text="Only this version of the event (its number on the event's history page); empty to withdraw the whole event.", null=True)),
                ('slug', models.SlugField(editable=False, max_length=200)),
                ('title', models.CharField(editable=False, max_length=300)),
                ('reason', models.TextField(help_text='Why it is taken down (legal, safety): kept for the record.', max_length=2000)),
                ('withdrawn_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('withdrawn_by', models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-withdrawn_at'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('version__isnull', True)), fields=('event_id',), name='withdrawal_once_per_event', violation_error_message='This event is withdrawn already.'), models.UniqueConstraint(condition=models.Q(('version__isnull', False)), fields=('version',), name='withdrawal_once_per_version', violation_error_message='This version is withdrawn already.')],
            },
        ),
        migrations.RunPython(grant_editors, migrations.RunPython.noop),
    ]
