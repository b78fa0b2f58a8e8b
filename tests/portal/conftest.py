import pytest

from tests.builders import org
from tests.portal.support import client_for, person


@pytest.fixture
def hestia_user(public_record):
    return person("policy@hestia.example", org("Hestia"), full_name="Pat Hestia")


@pytest.fixture
def hestia(hestia_user):
    """A client signed in as a member of Hestia."""
    return client_for(hestia_user)


@pytest.fixture
def liberty_user(public_record):
    return person("policy@liberty.example", org("Liberty"))


@pytest.fixture
def liberty(liberty_user):
    return client_for(liberty_user)
