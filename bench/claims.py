"""Benchmark: the subsidy loss totals of a company's season (POLICY.md §8) over N settled accounts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/heating python bench/claims.py --accounts 100000

Builds N accounts and settles their season with bench/settle.py's builder and settlement (the real
settlement job), declares the company's cost and records returned connection fees, then times the
totals job the portal runs (subsidy.services.figures_job: every §8 term from the current statements)
in this process, and removes everything it made. The last line:
    claims: N accounts, totals T s, claim X
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench import settle  # noqa: E402
from heating.billing.money import money, product  # noqa: E402
from heating.models import Job, Organisation, SeasonTotals  # noqa: E402
from heating.models.policy import season_days  # noqa: E402
from heating.selectors.season_totals import season_totals_compute  # noqa: E402
from heating.services.jobs import job_run  # noqa: E402
from subsidy.demo import FEES_OF_REVENUE, demo_costs  # noqa: E402
from subsidy.models import ConnectionFee, CostAttachment, CostDeclaration  # noqa: E402
from subsidy.services.figures_job import figures_result, figures_start  # noqa: E402

USER = "bench-claims"


def declare_inputs(company: Organisation) -> None:
    """A cost of about 118% of the season's revenue and fees of 6% returned (as the demo does); written
    straight, as the builder writes its rows (the services' permission rules are tested elsewhere)."""
    user, _ = get_user_model().objects.get_or_create(username=USER)
    revenue = season_totals_compute(company, settle.YEAR)["revenue"]
    CostDeclaration.objects.create(
        company=company, season_year=settle.YEAR, declared_by=user, **demo_costs(revenue)
    )
    ConnectionFee.objects.create(
        company=company,
        season_year=settle.YEAR,
        amount=money(product(revenue, FEES_OF_REVENUE)),
        returned_on=season_days(settle.YEAR)[1],
        recorded_by=user,
    )


def clean() -> None:
    """The subsidy rows and totals of the benchmark's company, then everything bench/settle.py made."""
    company = Organisation.objects.filter(code=settle.CODE).first()
    with transaction.atomic(), connection.cursor() as cursor:
        if company is not None:
            declarations = f"SELECT id FROM {CostDeclaration._meta.db_table} WHERE company_id = %(c)s"
            for model, where in (
                (CostAttachment, f"declaration_id IN ({declarations})"),
                (CostAttachment.history.model, f"declaration_id IN ({declarations})"),
                (CostDeclaration.history.model, "company_id = %(c)s"),
                (CostDeclaration, "company_id = %(c)s"),
                (ConnectionFee.history.model, "company_id = %(c)s"),
                (ConnectionFee, "company_id = %(c)s"),
                (SeasonTotals, "company_id = %(c)s"),
            ):
                cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {where}", {"c": company.id})
    settle.clean()
    get_user_model().objects.filter(username=USER).delete()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("set DATABASE_URL to a PostgreSQL database: the benchmark is PostgreSQL's")
    clean()
    try:
        started = time.perf_counter()
        company = settle.build(args.accounts)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        issued = settle.run_settlement(company)  # its workers only: no Celery task is queued
        if issued != args.accounts:
            raise SystemExit(f"settlement issued {issued} statements for {args.accounts} accounts")
        declare_inputs(company)
        print(
            f"built and settled {args.accounts} accounts in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        job = figures_start(company, settle.YEAR)
        started = time.perf_counter()
        job = job_run(job.pk)
        seconds = time.perf_counter() - started
        if job.state != Job.State.DONE:
            raise SystemExit(f"the totals job ended {job.state}: {job.error}")
        totals, figures = figures_result(job)
        if totals.statements != args.accounts:
            raise SystemExit(
                f"the totals counted {totals.statements} statements for {args.accounts} accounts"
            )
    finally:
        clean()
    print(f"claims: {args.accounts} accounts, totals {seconds:.1f} s, claim {figures.claim}")


if __name__ == "__main__":
    main()
