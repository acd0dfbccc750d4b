import importlib

import pytest
from django.apps import apps
from django.core.cache import cache

from heating.models import ApiToken
from tests.factories import CompanyFactory, MeterFactory


@pytest.fixture(autouse=True)
def no_throttle_history():
    """The quote is throttled per client address; every test starts with a clean count."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def live_key(transactional_db):
    """A company token for live_server tests, with what its thread must see committed: the 2019
    notice, two meters."""
    importlib.import_module("heating.migrations.0002_policy_2019").load(apps, None)
    company = CompanyFactory()
    for serial in ("HM-000001", "HM-000002"):
        MeterFactory(company=company, serial=serial)
    return ApiToken.issue(company=company, name="schema check")[1]
