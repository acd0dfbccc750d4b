"""manage.py run_job: finishes a job in the calling process and says how it ended."""
import io

import pytest
from django.core.management import CommandError, call_command

from heating.models import Job
from heating.services.jobs import job_start

from .marks import mark_slots, marks

pytestmark = pytest.mark.usefixtures("marks_table", "queued")


def test_it_runs_a_queued_job_to_its_end(company, alice):
    job = job_start(kind="test_marks", company=company, user=alice, params={}, slots=mark_slots([2, 2]))
    out = io.StringIO()

    call_command("run_job", str(job.pk), stdout=out)

    assert out.getvalue().strip() == f"job {job.pk} (test_marks): done, 4 of 4 done"
    assert Job.objects.get(pk=job.pk).state == Job.State.DONE and len(marks()) == 4


def test_it_fails_with_the_jobs_error_or_an_unknown_id(company, alice):
    slots = mark_slots([1], refuse="数据有误")
    job = job_start(kind="test_marks", company=company, user=alice, params={}, slots=slots)

    with pytest.raises(CommandError, match="数据有误"):
        call_command("run_job", str(job.pk), stdout=io.StringIO())
    with pytest.raises(CommandError, match="No job has the id 999"):
        call_command("run_job", "999")
