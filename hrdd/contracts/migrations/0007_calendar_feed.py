"""Each user's secret, revocable address of their organisation's deadlines as a calendar (issue 10)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import hrdd.core.ids


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_memberships'),
        ('contracts', '0006_obligation_rerate_on'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CalendarFeed',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(default=hrdd.core.ids.new_token, editable=False, max_length=64, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='calendar_feeds', to='accounts.organisation')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='calendar_feeds', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at', '-pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('revoked_at__isnull', True)), fields=('user', 'organisation'), name='one_live_calendar_feed')],
            },
        ),
    ]
