"""A worker process of its own for tests/jobs/test_workers.py:
python -m tests.jobs.worker JOB_ID WORKER_NAME (DATABASE_URL names the test database)."""
import sys

import django


def main(job_id: str, worker: str) -> None:
    django.setup()
    import tests.jobs.marks  # noqa: F401  registers the test job kind
    from heating.services.jobs import job_run

    job_run(int(job_id), worker=worker)


if __name__ == "__main__":
    main(*sys.argv[1:])
