"""The bare table of the test job kind (tests/jobs/marks.py), and the people of two companies."""
import pytest
from django.db import connection

from heating.models import Role
from tests.factories import CompanyFactory, MembershipFactory, UserFactory

from .marks import MARKS


@pytest.fixture
def marks_table(django_db_blocker):
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {MARKS} (item integer NOT NULL, worker varchar(100) NOT NULL)")
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {MARKS}")


@pytest.fixture
def company(db):
    return CompanyFactory(code="A")


@pytest.fixture
def alice(company):
    """A clerk of company A, 王丽."""
    user = UserFactory(username="alice", last_name="王", first_name="丽")
    return MembershipFactory(user=user, organisation=company, role=Role.CLERK).user


@pytest.fixture
def bob(db):
    """A clerk of company B."""
    user = UserFactory(username="bob")
    return MembershipFactory(user=user, organisation=CompanyFactory(code="B"), role=Role.CLERK).user


@pytest.fixture
def queued(monkeypatch):
    """No worker runs what job_start queues (the ids queued are listed): the test runs the job itself."""
    ids = []
    monkeypatch.setattr("heating.tasks.jobs_run.delay", ids.append)
    return ids
