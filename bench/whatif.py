"""Benchmark: a county-wide price what-if against the settlement of the same accounts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/heating_bench python bench/whatif.py --accounts 100000

Builds bench/settle.py's company of N accounts (every kind, with payments, meters and readings),
settles season 2020 with the portal's settlement job (two worker processes), then runs the portal's
what-if job (subsidy.services.whatif) of a draft with the residential area price one yuan higher on
the same two workers, checks that it wrote no statement, ledger entry or claim, and removes
everything it made. The last line:
    whatif: N accounts in W s, settlement S s, ratio W/S
"""

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection, connections  # noqa: E402

from bench import settle as bench  # noqa: E402  (sets Django up)
from heating import tasks  # noqa: E402
from heating.models import (  # noqa: E402
    Duty,
    Job,
    JobSlot,
    LedgerEntry,
    Organisation,
    OrganisationDuty,
    PricePolicy,
    Statement,
)
from heating.selectors.policy import policy_for_season  # noqa: E402
from heating.services.policy import FIGURES  # noqa: E402
from subsidy.models import Claim, WhatIf  # noqa: E402
from subsidy.services.whatif import whatif_start  # noqa: E402

BUREAU = "BENCH-WHATIF-BUREAU"
DRAFT = "BENCH-WHATIF-DRAFT"


def draft() -> PricePolicy:
    """The policy in force with the residential area price one yuan higher, as a draft."""
    policy = policy_for_season(bench.YEAR)
    terms = {name: getattr(policy, name) for name in FIGURES}
    terms["residential_area_price"] += 1
    return PricePolicy.objects.create(
        code=DRAFT,
        title=DRAFT,
        effective_from=policy.effective_from,
        effective_until=policy.effective_until,
        status=PricePolicy.Status.DRAFT,
        **terms,
    )


def run_whatif(accounts: int) -> float:
    """The portal's what-if job on `bench.WORKERS` processes; its seconds, from the start to the summary."""
    tasks.jobs_run.delay = lambda job_id: None
    bureau = Organisation.objects.create(code=BUREAU, name="价格测算基准测试", kind="bureau")
    OrganisationDuty.objects.create(organisation=bureau, duty=Duty.PRICE_POLICY)
    policy = draft()
    counts = Statement.objects.count(), LedgerEntry.objects.count(), Claim.objects.count()
    started = time.perf_counter()
    whatif = whatif_start(season_year=bench.YEAR, policies=[policy], bureau=bureau)
    connections.close_all()
    processes = [
        multiprocessing.Process(target=bench._worker, args=(whatif.job_id,)) for _ in range(bench.WORKERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    seconds = time.perf_counter() - started
    whatif.refresh_from_db()
    job = whatif.job
    if job.state != Job.State.DONE or not whatif.result:
        raise SystemExit(f"the what-if job ended {job.state}: {job.error}")
    if whatif.result["policies"][0]["accounts"] != accounts:
        raise SystemExit(f"the what-if re-billed {whatif.result['policies'][0]['accounts']} of {accounts}")
    if (Statement.objects.count(), LedgerEntry.objects.count(), Claim.objects.count()) != counts:
        raise SystemExit("the what-if wrote a statement, a ledger entry or a claim")
    return seconds


def clean() -> None:
    bureau = Organisation.objects.filter(code=BUREAU).first()
    if bureau is not None:
        WhatIf.objects.filter(bureau=bureau).delete()
        JobSlot.objects.filter(job__company=bureau).delete()
        Job.objects.filter(company=bureau).delete()
        bureau.delete()
    PricePolicy.objects.filter(code=DRAFT).delete()
    bench.clean()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("set DATABASE_URL to a PostgreSQL database: the what-if's set-based form needs it")
    clean()
    try:
        started = time.perf_counter()
        company = bench.build(args.accounts)
        print(f"built {args.accounts} accounts in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        started = time.perf_counter()
        issued = bench.run_settlement(company)
        settle_seconds = time.perf_counter() - started
        if issued != args.accounts:
            raise SystemExit(f"settlement issued {issued} statements for {args.accounts} accounts")
        print(f"settled in {settle_seconds:.1f} s", file=sys.stderr)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        whatif_seconds = run_whatif(args.accounts)
    finally:
        clean()
    print(
        f"whatif: {args.accounts} accounts in {whatif_seconds:.1f} s, settlement {settle_seconds:.1f} s, "
        f"ratio {whatif_seconds / settle_seconds:.2f}"
    )


if __name__ == "__main__":
    main()
