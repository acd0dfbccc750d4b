"""Long jobs: start one (the job and its slots in one transaction, the run queued on commit) and run it.

Any number of worker processes may run the same job at once. Each claims one slot at a time (a pending
slot, or one whose claim is older than the lease: its worker died), then runs the slot's handler and
marks the slot done in one transaction, so a slot is done whole or not at all and a killed worker's
slot is simply done again. The last worker to find no slot left finishes the job."""
import hashlib
import json
import logging
import os
import socket
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from heating.identity import mask_id_numbers_in
from heating.models import Job, JobSlot

log = logging.getLogger(__name__)

Handler = Callable[[Job, object], dict | None]
HANDLERS: dict[str, Handler] = {}
# What to do once a job of a kind is done (e.g. sum the season a settlement job settled).
FINISHED: dict[str, list[Callable[[Job], None]]] = {}
# Candidates read at once by the portable claim; a claim lost to another worker tries the next one.
CLAIM_CANDIDATES = 20


class JobError(Exception):
    """A handler's refusal in words, shown as the job's error to the person watching it."""


class JobActive(Exception):
    """The same job (kind, company and params) is already queued or running: `job` is that one."""

    def __init__(self, job: Job):
        super().__init__(job.pk)
        self.job = job


class _ClaimLost(Exception):
    """The lease ran out mid-slot and another worker took the slot over."""


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    """Registers `func(job, payload)` as the work of one slot of jobs of `kind`. It runs inside the
    transaction that marks the slot done, and may run again for the same slot after a crash. What it
    returns (a small JSON dict, or None) is kept as the slot's result."""

    def register(func: Handler) -> Handler:
        HANDLERS[kind] = func
        return func

    return register


def job_finished(kind: str) -> Callable[[Callable[[Job], None]], Callable[[Job], None]]:
    """Registers `func(job)` to run once, by the worker that marks a job of `kind` done."""

    def register(func):
        FINISHED.setdefault(kind, []).append(func)
        return func

    return register


def params_key(params: dict) -> str:
    text = json.dumps(params, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= 200 else "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


@transaction.atomic
def job_start(*, kind: str, company, user, params: dict, slots: Iterable[tuple[object, int]]) -> Job:
    """Create a job of `kind` with one slot per (payload, size) and queue its run once committed.

    `size` is how many things the slot does (rows, accounts): the job's counts add them up.
    Raises JobActive when the same job is already queued or running."""
    from heating.tasks import jobs_run  # the tasks call services; importing them registers the handlers

    if kind not in HANDLERS:
        raise LookupError(f"no job handler for {kind!r}")
    key = params_key(params)
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind, company=company, started_by=user, params=params, params_key=key
            )
    except IntegrityError:
        raise JobActive(
            Job.objects.get(kind=kind, company=company, params_key=key, state__in=Job.ACTIVE)
        ) from None
    rows = [JobSlot(job=job, index=i, payload=payload, size=size) for i, (payload, size) in enumerate(slots)]
    JobSlot.objects.bulk_create(rows, batch_size=1000)
    job.total = sum(row.size for row in rows)
    job.save(update_fields=["total"])
    transaction.on_commit(lambda: jobs_run.delay(job.pk))
    return job


def slot_claim(job_id: int, *, worker: str, skip_locked: bool | None = None) -> JobSlot | None:
    """Claim the next slot of the job for `worker`, committed before its work starts: a pending slot,
    or a claimed one whose claim is older than JOB_LEASE_SECONDS. None when there is none.

    SELECT … FOR UPDATE SKIP LOCKED where the database has it (PostgreSQL); elsewhere a conditional
    update on the attempts seen, which only one claimer of a slot can win."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.JOB_LEASE_SECONDS)
    claimable = (
        JobSlot.objects.filter(job_id=job_id)
        .filter(Q(state=JobSlot.State.PENDING) | Q(state=JobSlot.State.CLAIMED, claimed_at__lt=stale))
        .order_by("index")
    )
    claim = {
        "state": JobSlot.State.CLAIMED,
        "claimed_at": now,
        "claimed_by": worker,
        "attempts": F("attempts") + 1,
    }
    if skip_locked is None:
        skip_locked = connection.features.has_select_for_update_skip_locked
    if skip_locked:
        with transaction.atomic():
            slot = claimable.select_for_update(skip_locked=True).first()
            if slot is None:
                return None
            JobSlot.objects.filter(pk=slot.pk).update(**claim)
        slot.state, slot.claimed_at, slot.claimed_by, slot.attempts = (
            JobSlot.State.CLAIMED, now, worker, slot.attempts + 1,
        )
        return slot
    # Each statement commits alone: SQLite cannot upgrade a reading transaction to a writing one
    # while another connection writes, and a single conditional UPDATE needs no transaction.
    while seen := list(claimable.values_list("pk", "attempts")[:CLAIM_CANDIDATES]):
        for pk, attempts in seen:
            if claimable.filter(pk=pk, attempts=attempts).update(**claim) == 1:
                return JobSlot.objects.get(pk=pk)
    return None


def _job_fail(job_id: int, message: str) -> None:
    Job.objects.filter(pk=job_id, state__in=Job.ACTIVE).update(
        state=Job.State.FAILED, error=mask_id_numbers_in(message)[:2000], finished_at=timezone.now()
    )


def _job_finish(job_id: int) -> None:
    """Done once every slot is: whichever worker gets here after the last slot's commit does it."""
    if JobSlot.objects.filter(job_id=job_id).exclude(state=JobSlot.State.DONE).exists():
        return
    done = Job.objects.filter(pk=job_id, state=Job.State.RUNNING).update(
        state=Job.State.DONE, finished_at=timezone.now()
    )
    if done:
        job = Job.objects.select_related("company", "started_by").get(pk=job_id)
        for func in FINISHED.get(job.kind, ()):
            func(job)


def _commit_without_waiting_for_the_disk() -> None:
    """A slot's work commits with its DONE mark; lost in a crash, both are lost and the slot is done
    again, exactly as after a killed worker. So its commit need not wait for the disk to flush
    (PostgreSQL's synchronous_commit off: a later commit that does wait flushes it too, so a job is
    never marked done over a slot that was lost). Elsewhere, nothing to do."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def job_run_slot(job: Job, *, worker: str) -> bool:
    """Claim one slot and do it; False when there is nothing (more) this worker should do."""
    slot = slot_claim(job.pk, worker=worker)
    if slot is None:
        return False
    if slot.attempts > settings.JOB_MAX_ATTEMPTS:
        _job_fail(
            job.pk,
            _("第 %(index)s 片已开始 %(attempts)s 次仍未完成（处理它的进程中途退出），任务已停止。")
            % {"index": slot.index + 1, "attempts": slot.attempts - 1},
        )
        return False
    try:
        with transaction.atomic():
            _commit_without_waiting_for_the_disk()
            result = HANDLERS[job.kind](job, slot.payload) or {}
            mine = JobSlot.objects.filter(
                pk=slot.pk, state=JobSlot.State.CLAIMED, claimed_by=worker, attempts=slot.attempts
            )
            if mine.update(state=JobSlot.State.DONE, finished_at=timezone.now(), result=result) != 1:
                raise _ClaimLost
            Job.objects.filter(pk=job.pk).update(done=F("done") + slot.size)
    except _ClaimLost:
        return True  # rolled back: the worker that took the slot over does it
    except Exception as exc:  # a handler's failure ends the job with it in words, never 'running'
        log.exception("job %s slot %s failed", job.pk, slot.index)
        JobSlot.objects.filter(pk=slot.pk, claimed_by=worker, attempts=slot.attempts).update(
            state=JobSlot.State.PENDING, claimed_at=None, claimed_by=""
        )
        if isinstance(exc, JobError):
            message = str(exc)
        else:
            message = _("第 %(index)s 片处理出错（%(error)s），任务已停止，请联系系统管理员。") % {
                "index": slot.index + 1,
                "error": type(exc).__name__,
            }
        _job_fail(job.pk, message)
        return False
    return True


def job_run(job_id: int, *, worker: str | None = None) -> Job:
    """Do slots of the job until none is left (what the Celery task calls). Safe to call again, from
    any number of processes at once, and after a worker was killed: done slots are never redone."""
    worker = worker or worker_name()
    Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=timezone.now()
    )
    job = Job.objects.select_related("company", "started_by").get(pk=job_id)
    while job.state == Job.State.RUNNING and job_run_slot(job, worker=worker):
        job.refresh_from_db(fields=["state"])  # another worker may have failed it
    _job_finish(job_id)
    job.refresh_from_db()
    return job
