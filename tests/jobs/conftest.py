"""A job kind for the tests ("test_marks": each slot writes one mark per item into a bare table, then
waits, and may fail), and the people of two companies."""
import time

import pytest
from django.db import connection

from heating.models import Role
from heating.services.jobs import JobError, job_handler, worker_name
from tests.factories import CompanyFactory, MembershipFactory, UserFactory

MARKS = "job_test_mark"


@job_handler("test_marks")
def write_marks(job, payload):
    with connection.cursor() as cursor:
        for item in payload["items"]:
            cursor.execute(f"INSERT INTO {MARKS} (item, worker) VALUES (%s, %s)", [item, worker_name()])
    time.sleep(payload.get("sleep", 0))
    if payload.get("refuse"):
        raise JobError(payload["refuse"])
    if payload.get("crash"):
        raise ZeroDivisionError


def marks() -> list[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT item, worker FROM {MARKS} ORDER BY item")
        return cursor.fetchall()


def mark_slots(sizes, **extra):
    """(payload, size) for slots of consecutive items: sizes [2, 1] → items [0, 1] and [2]."""
    slots, start = [], 0
    for size in sizes:
        slots.append(({"items": list(range(start, start + size)), **extra}, size))
        start += size
    return slots


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
