"""The public record, loaded once per test module and rolled back after it.

Each test still runs in its own transaction (a savepoint inside this one), so what a test adds is
gone before the next test; only the public record, which no test here changes, is shared.
"""

import pytest
from django.db import transaction

from tests.builders import ensure_public_record


@pytest.fixture(scope="module")
def public_record(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_public_record()
        yield
        transaction.set_rollback(True)
