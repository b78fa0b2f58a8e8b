"""The data migration that makes HMICFRS the inspectorate by its flag, on a database that held it
before the flag existed (a database of its own, migrated forward from nothing)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.helpers import a_database_of_its_own

BEFORE = [("organisations", "0002_organisation_is_inspectorate")]
AFTER = [("organisations", "0003_mark_hmicfrs_as_the_inspectorate")]


@pytest.mark.django_db
def test_the_migration_flags_hmicfrs_and_no_other_authority():
    with a_database_of_its_own():
        _flags_hmicfrs_and_no_other_authority()


def _flags_hmicfrs_and_no_other_authority():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    Organisation = executor.loader.project_state(BEFORE).apps.get_model("organisations", "Organisation")
    for name, short, kind in (
        ("His Majesty's Inspectorate of Constabulary and Fire & Rescue Services", "HMICFRS", "authority"),
        ("Independent Office for Police Conduct", "IOPC", "authority"),
        ("A force called HMICFRS by mistake", "HMICFRS", "force"),
    ):
        Organisation.objects.create(
            kind=kind, name=name, short_name=short, slug=name.lower().replace(" ", "-")[:50]
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    Organisation = executor.loader.project_state(AFTER).apps.get_model("organisations", "Organisation")
    assert list(Organisation.objects.filter(is_inspectorate=True).values_list("short_name", "kind")) == [
        ("HMICFRS", "authority")
    ]

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # and back: nothing is the inspectorate
    Organisation = executor.loader.project_state(BEFORE).apps.get_model("organisations", "Organisation")
    assert not Organisation.objects.filter(is_inspectorate=True).exists()
