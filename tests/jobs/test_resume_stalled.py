"""The beat task that queues a run of every job no live worker is on."""
import datetime

import pytest
from django.utils import timezone

from heating.models import Job, JobSlot
from heating.services.jobs import job_run, job_start
from heating.tasks import jobs_resume_stalled

from .marks import mark_slots

pytestmark = pytest.mark.usefixtures("marks_table")

LONG_AGO = timezone.now() - datetime.timedelta(hours=1)


def start(company, user, n):
    return job_start(kind="test_marks", company=company, user=user, params={"n": n}, slots=mark_slots([1, 1]))


def test_it_queues_jobs_whose_workers_died_or_whose_task_was_lost(company, alice, queued):
    lost = start(company, alice, 1)
    dead = start(company, alice, 2)
    alive = start(company, alice, 3)
    just_queued = start(company, alice, 4)
    finished = start(company, alice, 5)
    job_run(finished.pk)
    Job.objects.filter(pk__in=[lost.pk, dead.pk, alive.pk, finished.pk]).update(created_at=LONG_AGO)
    Job.objects.filter(pk__in=[dead.pk, alive.pk]).update(state=Job.State.RUNNING, started_at=LONG_AGO)
    claimed = JobSlot.objects.filter(index=0, state="pending")
    claimed.filter(job=dead).update(state="claimed", claimed_by="dead:1", claimed_at=LONG_AGO)
    claimed.filter(job=alive).update(state="claimed", claimed_by="w:1", claimed_at=timezone.now())
    queued.clear()

    assert jobs_resume_stalled() == [lost.pk, dead.pk]
    assert queued == [lost.pk, dead.pk] and just_queued.pk not in queued
