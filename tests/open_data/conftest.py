from tests.api.conftest import public_record  # noqa: F401  (loaded once per module, rolled back after)
