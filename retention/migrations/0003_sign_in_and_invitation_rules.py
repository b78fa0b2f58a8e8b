"""Seed the rules of the two categories added after the first schedule: sign-in records and ended
invitations (retention.schedule, the table docs/data-protection.md states). A rule already present
is left as it is."""

from django.db import migrations

CATEGORIES = ("sign_in_attempts", "ended_invitations")


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from retention.schedule import BY_KEY

    RetentionRule = apps.get_model("retention", "RetentionRule")
    for key in CATEGORIES:
        category = BY_KEY[key]
        RetentionRule.objects.get_or_create(
            category=category.key,
            defaults={"period": category.period, "unit": category.unit, "action": category.action},
        )


class Migration(migrations.Migration):
    dependencies = [("retention", "0002_default_schedule")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
