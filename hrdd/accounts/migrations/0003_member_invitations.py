"""Memberships get a public id (the address of a member's page) and can be deactivated; colleagues are invited
by e-mail with a role."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


def give_public_ids(apps, schema_editor):
    Membership = apps.get_model("accounts", "Membership")
    for membership in Membership.objects.only("pk").iterator():
        Membership.objects.filter(pk=membership.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_memberships'),
    ]

    operations = [
        migrations.AddField(
            model_name='membership',
            name='is_active',
            field=models.BooleanField(default=True, verbose_name='active'),
        ),
        # added without uniqueness, given a distinct value per row, then made unique (Django's documented way)
        migrations.AddField(
            model_name='membership',
            name='public_id',
            field=models.UUIDField(default=uuid.uuid4, editable=False, null=True),
        ),
        migrations.RunPython(give_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='membership',
            name='public_id',
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.CreateModel(
            name='MemberInvitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('email', models.EmailField(max_length=254, verbose_name='e-mail address')),
                ('role', models.CharField(choices=[('admin', 'Administrator'), ('procurement_officer', 'Procurement officer'), ('contract_manager', 'Contract manager'), ('sourcing_manager', 'Responsible-sourcing manager'), ('viewer', 'Viewer')], max_length=30, verbose_name='role')),
                ('nonce', models.CharField(max_length=32)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('sent_at', models.DateTimeField()),
                ('accepted_at', models.DateTimeField(blank=True, null=True)),
                ('withdrawn_at', models.DateTimeField(blank=True, null=True)),
                ('accepted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('invited_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='member_invitations', to='accounts.organisation')),
            ],
            options={
                'verbose_name': 'invitation to join',
                'verbose_name_plural': 'invitations to join',
                'ordering': ['-sent_at', '-id'],
                'indexes': [models.Index(fields=['organisation', '-sent_at'], name='member_invitation_org_sent')],
            },
        ),
    ]
