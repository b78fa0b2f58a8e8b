import pytest

from tests.casework.support import PEOPLE, make_person, signed_in


@pytest.fixture
def people(public_record):
    return {name: make_person(name) for name in PEOPLE}


@pytest.fixture
def client_for(people):
    """A client signed in with both factors as one of ``PEOPLE``."""

    def make(name):
        return signed_in(*people[name])

    return make
