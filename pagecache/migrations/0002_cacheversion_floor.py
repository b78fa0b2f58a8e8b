from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("pagecache", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="cacheversion",
            name="floor",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.CreateModel(
            name="SoftPurge",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("scope", models.CharField(max_length=100)),
                ("at", models.DateTimeField()),
            ],
            options={
                "indexes": [models.Index(fields=["scope", "at"], name="pagecache_softpurge_scope_at")],
            },
        ),
    ]
