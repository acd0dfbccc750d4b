import pytest

from tests.test_calculator_page import load_policy_2019


@pytest.fixture(autouse=True)
def _policy_2019(db):
    """The policy in force for 2019-2020, even after a transactional test flushed the tables."""
    load_policy_2019()
