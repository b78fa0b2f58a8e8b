"""A corrected public record reaches a database that already holds the old value, unless staff
have changed that value since (docs/public-record.md)."""

import json
import shutil

import pytest
from django.conf import settings

from audit.context import SYSTEM, acting_as
from audit.models import AuditEvent
from operations.models import LoadedValue
from operations.public_record import load_public_record
from organisations.models import Organisation
from reports.models import Report

pytestmark = pytest.mark.django_db

LIBERTY = "Police data-sharing for immigration purposes"
CURRENT_TITLE = (
    "Safe to share? Liberty and Southall Black Sisters' super-complaint on policing and immigration status"
)


def load(directory):
    with acting_as(SYSTEM):
        return load_public_record(directory)


@pytest.fixture
def old_record(tmp_path):
    """A copy of the shipped record as an earlier version might have had it: the Liberty report
    under another title, and Gwent Police with no Welsh name."""
    directory = tmp_path / "record"
    shutil.copytree(settings.PUBLIC_RECORD_DIR, directory)
    path = directory / "super_complaints.json"
    record = json.loads(path.read_text())
    entry = next(e for e in record["super_complaints"] if e["title"] == LIBERTY)
    entry["report"]["title"] = "An older title"
    path.write_text(json.dumps(record))
    path = directory / "police_forces.json"
    forces = json.loads(path.read_text())
    gwent = next(f for f in forces["forces"] if f["name"] == "Gwent Police")
    gwent["name_cy"] = "Heddlu Gwent (old)"
    path.write_text(json.dumps(forces))
    return directory


def liberty_report():
    return Report.objects.get(complaint__reference="SC-2018-001")


def gwent():
    return Organisation.objects.get(name="Gwent Police")


def test_a_correction_replaces_the_value_it_loaded_before(old_record):
    load(old_record)
    assert liberty_report().title == "An older title"
    assert gwent().name_cy == "Heddlu Gwent (old)"

    counts = load(settings.PUBLIC_RECORD_DIR)

    assert liberty_report().title == CURRENT_TITLE
    assert gwent().name_cy == "Heddlu Gwent"
    assert counts["corrected"] == 2
    assert counts["kept"] == 0
    event = AuditEvent.objects.filter(
        action="public_record.corrected", object_id=str(liberty_report().pk)
    ).get()
    assert event.before == {"title": "An older title"}
    assert event.after == {"title": CURRENT_TITLE}
    assert LoadedValue.objects.get(
        model="reports.report", object_id=liberty_report().pk, field="title"
    ).value == (CURRENT_TITLE)


def test_a_correction_never_overwrites_a_staff_edit(old_record):
    load(old_record)
    report = liberty_report()
    report.title = "Title as staff corrected it"
    report.save(update_fields=["title"])

    counts = load(settings.PUBLIC_RECORD_DIR)

    assert liberty_report().title == "Title as staff corrected it"
    assert gwent().name_cy == "Heddlu Gwent"  # not edited: corrected
    assert counts["kept"] == 1
    assert counts["corrected"] == 1
    # Run again: still kept, nothing more changes.
    assert load(settings.PUBLIC_RECORD_DIR)["corrected"] == 0
    assert liberty_report().title == "Title as staff corrected it"


def legacy(**report_fields):
    """The database as the loader before remembered values left it: the superseded values the
    record lists, empty Welsh names, and nothing remembered."""
    load(settings.PUBLIC_RECORD_DIR)
    Report.objects.filter(pk=liberty_report().pk).update(**report_fields)
    Organisation.objects.filter(pk=gwent().pk).update(name_cy="")
    ppda = Report.objects.get(complaint__reference="SC-2020-001")
    Report.objects.filter(pk=ppda.pk).update(title_verified=False)
    LoadedValue.objects.all().delete()


def test_a_database_loaded_before_values_were_remembered_gets_the_correction():
    legacy(title="Safe to share?")

    load(settings.PUBLIC_RECORD_DIR)

    assert liberty_report().title == CURRENT_TITLE
    assert gwent().name_cy == "Heddlu Gwent"
    assert Report.objects.get(complaint__reference="SC-2020-001").title_verified is True


def test_a_database_loaded_before_values_were_remembered_keeps_staff_edits():
    legacy(title="Safe to share? (as staff wrote it)")

    counts = load(settings.PUBLIC_RECORD_DIR)

    assert liberty_report().title == "Safe to share? (as staff wrote it)"
    assert counts["kept"] == 1


def test_a_value_the_old_loader_wrote_is_not_taken_for_empty():
    """Staff who verified an organisation the record leaves unverified keep their verification:
    only a value the record lists as superseded, or a field the old loader never wrote, is
    replaced when nothing is remembered."""
    load(settings.PUBLIC_RECORD_DIR)
    Organisation.objects.filter(name="Cambridgeshire Constabulary").update(verified=True)
    LoadedValue.objects.all().delete()

    load(settings.PUBLIC_RECORD_DIR)

    assert Organisation.objects.get(name="Cambridgeshire Constabulary").verified is True


def test_the_command_says_what_it_corrected_and_what_it_kept(old_record, settings, capsys):
    from django.core.management import call_command

    load(old_record)
    report = liberty_report()
    report.title = "Title as staff corrected it"
    report.save(update_fields=["title"])
    settings.PUBLIC_RECORD_DIR = settings.BASE_DIR / "data" / "public_record"

    call_command("load_public_record")

    out = capsys.readouterr().out
    assert "Public record loaded. Created: nothing (already loaded)." in out  # the old copy had all eight
    assert "Corrected 1 field(s) to the current public record." in out
    assert "Kept 1 field(s) that staff have changed, where the public record now differs." in out
