import pytest

from tests.personas import fast_passwords


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    fast_passwords(settings)
