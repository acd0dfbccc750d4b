"""Benchmark: the price-compliance check over a settled season.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/heating python bench/compliance.py --accounts 100000

Builds and settles N accounts with `bench/settle.py`'s builder and settlement job (a clean season:
every statement as the policy gives it), then times the check the market-supervision bureau starts
(supervision.services.check_job) run by two worker processes sharing its slots, and removes
everything it made. The last line:
    compliance: N statements in T s, F findings
"""

import argparse
import datetime
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection, connections, transaction  # noqa: E402

from bench import settle  # noqa: E402  (sets Django up)
from heating import tasks  # noqa: E402
from heating.models import Duty, Job, JobSlot, Organisation, OrganisationDuty  # noqa: E402
from supervision.models import Case, ComplianceCheck, Finding  # noqa: E402
from supervision.services.check_job import check_start  # noqa: E402

MARKET = "BENCH-MARKET"
WORKERS = 2


def _worker(job_id: int) -> None:
    connections.close_all()
    settle.job_run(job_id)
    connections.close_all()


def run_check(company) -> ComplianceCheck:
    from django.contrib.auth import get_user_model

    tasks.jobs_run.delay = lambda job_id: None  # the benchmark's own processes are the workers
    bureau = Organisation.objects.create(code=MARKET, name="基准测试市场监督管理局", kind="bureau")
    OrganisationDuty.objects.create(organisation=bureau, duty=Duty.PRICE_SUPERVISION)
    user, _ = get_user_model().objects.get_or_create(username="bench-market")
    check = check_start(
        bureau=bureau, company=company, start_year=settle.YEAR, deadline=datetime.date(2099, 6, 30), user=user
    )
    connections.close_all()
    processes = [multiprocessing.Process(target=_worker, args=(check.job_id,)) for _ in range(WORKERS)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    check.refresh_from_db()
    job = Job.objects.get(pk=check.job_id)
    if job.state != Job.State.DONE:
        raise SystemExit(f"the compliance job ended {job.state}: {job.error}")
    return check


def clean() -> None:
    bureau = Organisation.objects.filter(code=MARKET).first()
    if bureau is not None:
        with transaction.atomic(), connection.cursor() as cursor:
            checks = f"SELECT id FROM {ComplianceCheck._meta.db_table} WHERE bureau_id = %(b)s"
            jobs = f"SELECT id FROM {Job._meta.db_table} WHERE company_id = %(b)s"
            for model, where in (
                (
                    Case.findings.through,
                    f"case_id IN (SELECT id FROM {Case._meta.db_table} WHERE check_run_id IN ({checks}))",
                ),
                (Case, f"check_run_id IN ({checks})"),
                (Finding, f"check_run_id IN ({checks})"),
                (ComplianceCheck, "bureau_id = %(b)s"),
                (JobSlot, f"job_id IN ({jobs})"),
                (Job, "company_id = %(b)s"),
                (OrganisationDuty, "organisation_id = %(b)s"),
                (Organisation, "id = %(b)s"),
            ):
                cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {where}", {"b": bureau.id})
    settle.clean()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("set DATABASE_URL to a PostgreSQL database")
    clean()
    try:
        started = time.perf_counter()
        company = settle.build(args.accounts)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        issued = settle.run_settlement(company)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"built and settled {issued} accounts in {time.perf_counter() - started:.1f} s", file=sys.stderr
        )
        started = time.perf_counter()
        check = run_check(company)
        seconds = time.perf_counter() - started
    finally:
        clean()
    print(f"compliance: {check.statements} statements in {seconds:.1f} s, {check.findings_count} findings")


if __name__ == "__main__":
    main()
