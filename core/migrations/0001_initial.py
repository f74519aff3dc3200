from __future__ import annotations

from typing import Any

from django.core.management.commands import createcachetable
from django.db import migrations, models


CACHE_TABLE = "paceline_cache"  # CACHES["default"]["LOCATION"] of config/settings/base.py


def cache_table_create(apps: Any, schema_editor: Any) -> None:
    """The database cache's table, so `migrate` is the only setup step — whatever CACHES the
    process that migrates uses (the test settings keep a private in-memory cache)."""
    command = createcachetable.Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name='OutboxMessage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('subscriber', models.CharField(max_length=100, verbose_name='subscriber')),
                ('topic', models.CharField(max_length=64, verbose_name='event')),
                ('payload', models.JSONField(verbose_name='payload')),
                ('batch', models.CharField(blank=True, max_length=32, verbose_name='batch')),
                ('key', models.CharField(blank=True, max_length=100, verbose_name='merge key')),
                ('state', models.CharField(choices=[('pending', 'Pending'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='pending', max_length=8, verbose_name='state')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('available_at', models.DateTimeField(verbose_name='sweep after')),
                ('lease_until', models.DateTimeField(blank=True, null=True, verbose_name='leased until')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='done at')),
                ('error', models.TextField(blank=True, verbose_name='last error')),
            ],
            options={
                'verbose_name': 'outbox message',
                'verbose_name_plural': 'outbox messages',
                'ordering': ['id'],
                'indexes': [models.Index(condition=models.Q(('state', 'pending')), fields=['available_at'], name='outbox_pending'), models.Index(condition=models.Q(('batch', ''), _negated=True), fields=['batch'], name='outbox_batch')],
            },
        ),
        migrations.RunPython(cache_table_create, migrations.RunPython.noop, elidable=True),
    ]
