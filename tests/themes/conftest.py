import pytest

from themes import embedding


@pytest.fixture(scope="session")
def model():
    """The real model, loaded once for the whole test session (it takes several seconds). The
    ml extra is part of `make test`; without it these tests fail rather than pass unseen."""
    assert embedding.available(), "the ml extra is not installed: run `make install-ml`"
    return embedding.model()
