"""Seed the retention schedule with its defaults (retention.schedule.CATEGORIES, the table
docs/data-protection.md states). A rule already present is left as it is."""

from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from retention.schedule import CATEGORIES

    RetentionRule = apps.get_model("retention", "RetentionRule")
    for category in CATEGORIES:
        RetentionRule.objects.get_or_create(
            category=category.key,
            defaults={"period": category.period, "unit": category.unit, "action": category.action},
        )


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_legal_holds_and_schedule")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
