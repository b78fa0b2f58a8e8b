"""A build copied back by tests.snapshot is the rows the build wrote, and nothing is copied over rows."""

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command

from audit.context import SYSTEM, acting_as
from deadlines.models import Deadline
from operations.public_record import load_public_record
from organisations.models import Organisation
from tests import snapshot
from tests.builders import ensure_public_record


def _every_row() -> dict[str, str]:
    """Each model's rows as Django reads them (not as the snapshot does), many-to-many ones too,
    content types named rather than numbered: Django's own rows of them are made again, with new
    ids, after each flush."""
    return {
        model._meta.label: serializers.serialize(
            "json", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        for model in apps.get_models(include_auto_created=True)
        if model not in {ContentType, Permission}
    }


def _flush(*, reset_sequences: bool = False) -> None:
    """As between two live-server tests (``reset_sequences`` as ``manage.py flush`` does)."""
    call_command("flush", interactive=False, verbosity=0, reset_sequences=reset_sequences)


@pytest.mark.django_db(transaction=True)
def test_a_build_copied_back_after_a_flush_is_the_rows_it_wrote():
    _flush()  # rows the migrations wrote: a flush takes them, so the comparison starts without
    with snapshot.taken("the record, in this test"), acting_as(SYSTEM):
        load_public_record(settings.PUBLIC_RECORD_DIR)
    built = _every_row()
    types_then = set(Deadline.objects.values_list("subject_type_id", flat=True))
    _flush()
    assert not Organisation.objects.exists()

    assert snapshot.restore("the record, in this test")

    assert _every_row() == built
    assert Organisation.objects.count() > 100
    # The flush made the content types again under other ids; the copy refers to the new ones.
    assert types_then.isdisjoint(Deadline.objects.values_list("subject_type_id", flat=True))
    # Its tables have rows now: a second copy would write over them, so nothing is written.
    assert not snapshot.restore("the record, in this test")
    assert _every_row() == built

    # After a flush that starts every id again, a copy still leaves new rows ids of their own.
    _flush(reset_sequences=True)
    assert snapshot.restore("the record, in this test")
    assert _every_row() == built
    highest = Organisation.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert Organisation.objects.create(name="A body after the copy").pk > highest


@pytest.mark.django_db
def test_a_build_that_changed_rows_already_there_is_not_kept():
    ensure_public_record()
    with snapshot.taken("a renaming"):
        Organisation.objects.filter(name="Hestia").update(name="Hestia Housing and Support")

    Organisation.objects.filter(name="Hestia Housing and Support").update(name="Hestia")
    assert not snapshot.restore("a renaming")
