"""A job kind for the tests, "test_marks": each slot writes one mark per item into a bare table, then
waits, and may refuse or crash. A slot done twice shows as a mark written twice."""
import time

from django.db import connection

from heating.services.jobs import JobError, job_handler, worker_name

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
