"""python manage.py run_job JOB_ID — this process does slots of the job until none is left, beside any
Celery worker doing the same: to finish a job whose worker died (once its lease ran out) or to add a
worker by hand. Prints the job's state and counts."""
from django.core.management.base import BaseCommand, CommandError

from heating.models import Job
from heating.tasks import jobs_run


class Command(BaseCommand):
    help = "Run (or resume) a background job in this process; safe beside other workers."

    def add_arguments(self, parser):
        parser.add_argument("job_id", type=int)

    def handle(self, *args, job_id, **options):
        if not Job.objects.filter(pk=job_id).exists():
            raise CommandError(f"No job has the id {job_id}.")
        jobs_run(job_id)  # the task's body, called in this process
        job = Job.objects.get(pk=job_id)
        self.stdout.write(f"job {job.pk} ({job.kind}): {job.state}, {job.done} of {job.total} done")
        if job.state == Job.State.FAILED:
            raise CommandError(job.error)
