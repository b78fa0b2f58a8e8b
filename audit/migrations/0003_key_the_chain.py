"""Record which key keyed each event's hash.

Nothing already written is re-keyed: rewriting a stored hash is exactly what the trail must never
allow, and the triggers refuse it. Older events keep a null key id and their SHA-256 hash, and
verify as before; the first event written after this migration links to the last of them under the
key, which seals them. The column is nullable so SQLite adds it with ALTER TABLE ADD COLUMN rather
than rebuilding the table, which would drop its append-only triggers.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_refuse_update_delete_truncate'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='key_id',
            field=models.CharField(blank=True, max_length=32, null=True, verbose_name='key id'),
        ),
    ]
