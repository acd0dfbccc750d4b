"""Starting and running a job in one process: slots claimed in turn, each done once, the counts, the
end (done, or failed in words), one active job per kind, company and params."""
import pytest
from django.db import connection

from heating.models import Job, JobSlot
from heating.services.jobs import JobActive, job_run, job_start, slot_claim

from .marks import mark_slots, marks

pytestmark = pytest.mark.usefixtures("marks_table")


def start(company, user, sizes, *, params=None, **extra):
    return job_start(
        kind="test_marks", company=company, user=user, params=params or {"n": 1},
        slots=mark_slots(sizes, **extra),
    )


def test_a_job_is_queued_on_commit_and_does_every_slot_once(
    company, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start(company, alice, [2, 2, 1])
        assert Job.objects.get(pk=job.pk).state == Job.State.QUEUED  # nothing runs before the commit

    job.refresh_from_db()
    assert (job.state, job.total, job.done) == (Job.State.DONE, 5, 5)
    assert job.started_at and job.finished_at and job.error == ""
    assert [item for item, _ in marks()] == [0, 1, 2, 3, 4]
    assert set(job.slots.values_list("state", flat=True)) == {JobSlot.State.DONE}


def test_running_a_finished_job_again_does_nothing(company, alice):
    job = start(company, alice, [2, 1])
    job_run(job.pk)

    again = job_run(job.pk)

    assert (again.state, again.done) == (Job.State.DONE, 3)
    assert len(marks()) == 3


def test_a_handlers_refusal_fails_the_job_in_its_words_and_undoes_the_slot(company, alice):
    job = job_start(
        kind="test_marks", company=company, user=alice, params={},
        slots=[({"items": [0]}, 1), ({"items": [1], "refuse": "第 2 片的数据有误"}, 1), ({"items": [2]}, 1)],
    )

    job = job_run(job.pk)

    assert (job.state, job.done, job.error) == (Job.State.FAILED, 1, "第 2 片的数据有误")
    assert job.finished_at
    assert [item for item, _ in marks()] == [0]  # the refused slot's writes rolled back, the rest not begun
    assert job.slots.get(index=1).state == JobSlot.State.PENDING


def test_a_crash_in_a_handler_fails_the_job_naming_the_slot(company, alice):
    job = start(company, alice, [1], crash=True)

    job = job_run(job.pk)

    assert job.state == Job.State.FAILED
    assert "第 1 片处理出错（ZeroDivisionError）" in job.error and "Traceback" not in job.error


def test_a_slot_whose_workers_keep_dying_fails_the_job(company, alice, settings):
    settings.JOB_LEASE_SECONDS = 0
    job = start(company, alice, [1])
    job.slots.update(
        state=JobSlot.State.CLAIMED, claimed_by="dead:1", claimed_at="2020-01-01T00:00Z", attempts=3
    )

    job = job_run(job.pk)

    assert job.state == Job.State.FAILED and "第 1 片已开始 3 次仍未完成" in job.error
    assert marks() == []


def test_the_same_job_cannot_be_active_twice(company, alice):
    first = start(company, alice, [1], params={"season": 2019})

    with pytest.raises(JobActive) as refused:
        start(company, alice, [1], params={"season": 2019})

    assert refused.value.job == first
    other = start(company, alice, [1], params={"season": 2020})  # other params: another job
    job_run(first.pk)
    again = start(company, alice, [1], params={"season": 2019})  # once the first ended
    assert len({first.pk, other.pk, again.pk}) == 3


CLAIMS = [
    pytest.param(False, id="conditional-update"),
    pytest.param(True, id="skip-locked", marks=pytest.mark.postgres),
]


@pytest.mark.parametrize("skip_locked", CLAIMS)
def test_claims_take_slots_in_turn_and_take_over_only_a_stale_claim(company, alice, settings, skip_locked):
    if skip_locked and not connection.features.has_select_for_update_skip_locked:
        pytest.skip("needs SELECT … FOR UPDATE SKIP LOCKED")
    job = start(company, alice, [1, 1, 1])
    job.slots.filter(index=0).update(state=JobSlot.State.DONE)

    first = slot_claim(job.pk, worker="w1", skip_locked=skip_locked)
    second = slot_claim(job.pk, worker="w2", skip_locked=skip_locked)

    assert (first.index, first.claimed_by, first.attempts) == (1, "w1", 1)
    assert (second.index, second.claimed_by) == (2, "w2")
    assert slot_claim(job.pk, worker="w3", skip_locked=skip_locked) is None  # both claims are fresh
    settings.JOB_LEASE_SECONDS = 0
    taken_over = slot_claim(job.pk, worker="w3", skip_locked=skip_locked)
    assert (taken_over.index, taken_over.claimed_by, taken_over.attempts) == (1, "w3", 2)
    assert JobSlot.objects.get(pk=taken_over.pk).claimed_by == "w3"
