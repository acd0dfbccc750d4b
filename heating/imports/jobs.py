"""A large file is committed as a job the clerk can watch, so no web request holds the commit.

The job has one slot, the whole batch: the commit stays one transaction (the slot's), written whole
or not at all, and a worker killed during it leaves the batch previewed for the slot to be redone."""
from django.conf import settings

from heating.models import ImportBatch, Job
from heating.services.jobs import job_handler, job_start

from .bank_collection import bank_collection_batch_commit
from .common import NotPending
from .onboarding import onboarding_batch_commit
from .readings import readings_batch_commit
from .reconciliation import statement_batch_commit

KIND = "import_commit"
COMMITS = {
    ImportBatch.Kind.READINGS: readings_batch_commit,
    ImportBatch.Kind.ONBOARDING: onboarding_batch_commit,
    ImportBatch.Kind.BANK_COLLECTION: bank_collection_batch_commit,
    ImportBatch.Kind.STATEMENT: statement_batch_commit,
}


def batch_commit_is_job(batch: ImportBatch) -> bool:
    return batch.rows > settings.IMPORT_JOB_ROWS


def batch_job_params(batch: ImportBatch) -> dict:
    return {"batch": batch.pk}


def batch_commit_start(*, batch: ImportBatch, user) -> Job:
    """Queue the commit of a previewed batch; JobActive when it is already queued or running."""
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise NotPending(batch.pk)
    params = batch_job_params(batch)
    return job_start(kind=KIND, company=batch.company, user=user, params=params, slots=[(params, batch.rows)])


@job_handler(KIND)
def batch_commit_slot(job: Job, payload: dict) -> None:
    batch = ImportBatch.objects.get(pk=payload["batch"], company=job.company)
    try:
        COMMITS[batch.kind](batch=batch, user=job.started_by)
    except NotPending:
        pass  # expired or committed before the job got to it: the batch says which
