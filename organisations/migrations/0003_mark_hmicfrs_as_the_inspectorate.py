"""HMICFRS becomes the inspectorate by its flag. Until now the rules recognised it by its short
name; this is the last place that name decides anything. A database loaded from the public record
after this migration gets the flag from data/public_record/authorities.json instead."""

from django.db import migrations


def mark(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    # At most one: the constraint allows a single inspectorate, and the first loaded is the real one.
    first = Organisation.objects.filter(kind="authority", short_name="HMICFRS").order_by("pk").first()
    if first is not None:
        Organisation.objects.filter(pk=first.pk).update(is_inspectorate=True)


def unmark(apps, schema_editor):
    apps.get_model("organisations", "Organisation").objects.update(is_inspectorate=False)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_organisation_is_inspectorate")]

    operations = [migrations.RunPython(mark, unmark)]
