"""Real worker processes on PostgreSQL: one killed with SIGKILL mid-slot and the job resumed, and two
sharing the slots of one job. Each slot writes one mark per item, so a slot done twice shows."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from heating.models import Job, JobSlot
from heating.services.jobs import job_run, job_start

from .marks import mark_slots, marks

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("marks_table", "queued"),
]

ROOT = Path(__file__).resolve().parents[2]


def _worker(job, name):
    """`python -m tests.jobs.worker`: a process of its own on the test database."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    return subprocess.Popen([sys.executable, "-m", "tests.jobs.worker", str(job.pk), name], cwd=ROOT, env=env)


def _wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the worker did not get there in time"
        time.sleep(0.02)


def start(company, user, slots):
    return job_start(kind="test_marks", company=company, user=user, params={}, slots=slots)


def _slots(job, state):
    return JobSlot.objects.filter(job=job, state=state)


def test_a_worker_killed_mid_slot_is_resumed_and_every_slot_is_done_once(company, alice, settings):
    job = start(company, alice, mark_slots([3] * 6, sleep=0.4))
    doomed = _worker(job, "doomed")
    _wait_for(lambda: _slots(job, "done").count() >= 2 and _slots(job, "claimed").exists())

    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait()

    [killed] = _slots(job, "claimed")
    finished = _slots(job, "done").count()
    assert killed.claimed_by == "doomed" and doomed.returncode == -signal.SIGKILL
    assert len(marks()) == 3 * finished  # the killed slot's marks were never committed
    assert Job.objects.get(pk=job.pk).state == Job.State.RUNNING
    settings.JOB_LEASE_SECONDS = 0  # the lease of the dead worker's claim has run out

    job = job_run(job.pk, worker="rescuer")

    assert (job.state, job.total, job.done) == (Job.State.DONE, 18, 18)
    assert [item for item, _ in marks()] == list(range(18))
    killed.refresh_from_db()
    assert (killed.state, killed.claimed_by, killed.attempts) == (JobSlot.State.DONE, "rescuer", 2)
    assert _slots(job, "done").exclude(claimed_by="rescuer").count() == finished


def test_two_workers_share_the_slots_of_one_job_and_do_none_twice(company, alice):
    job = start(company, alice, mark_slots([2] * 12, sleep=0.1))

    workers = [_worker(job, "w1"), _worker(job, "w2")]
    codes = [worker.wait(timeout=60) for worker in workers]

    assert codes == [0, 0]
    job.refresh_from_db()
    assert (job.state, job.total, job.done) == (Job.State.DONE, 24, 24)
    assert [item for item, _ in marks()] == list(range(24))
    assert set(job.slots.values_list("claimed_by", flat=True)) == {"w1", "w2"}
    assert set(job.slots.values_list("attempts", flat=True)) == {1}
    assert len({pid for _, pid in marks()}) == 2
