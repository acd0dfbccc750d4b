"""Benchmark: the season settlement against one set-based SQL statement computing the same bills.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/heating python bench/settle.py --accounts 100000

Builds its own company (N accounts with premises, parts, terms, approvals, certificates, area
decisions, payments and meters with opening and closing readings), settles season 2020 with two
worker processes sharing chunks of accounts, times it and the season totals, times the SQL form of
the rules (heating/selectors/bills_sql.py) writing every bill into an UNLOGGED table (the floor),
checks a sample of statements against that table, and removes everything it made. The last line:
    settle: N accounts in T s, R accounts/s, sql floor F s, ratio T/F, totals S s
`--profile` instead settles one chunk in this process under cProfile and prints where the time goes.
"""

import argparse
import cProfile
import datetime
import multiprocessing
import os
import pstats
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, connections, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from heating import tasks  # noqa: E402
from heating.models import (  # noqa: E402
    Account,
    AccountTerms,
    AreaDecision,
    Customer,
    Duty,
    HeatedPart,
    InstitutionApproval,
    Job,
    JobSlot,
    LedgerEntry,
    LowIncomeCertificate,
    Meter,
    Organisation,
    OrganisationDuty,
    Payment,
    Premises,
    Reading,
    Statement,
)
from heating.models.policy import season_days  # noqa: E402
from heating.models.statements import FIGURES  # noqa: E402
from heating.selectors.bills_sql import billing_area_sql, bills_sql, terms_params  # noqa: E402
from heating.selectors.ledger import season_totals  # noqa: E402
from heating.selectors.policy import policy_for_season  # noqa: E402
from heating.services.jobs import job_run  # noqa: E402
from heating.services.payments import payment_entries  # noqa: E402
from heating.services.settlement import season_settle  # noqa: E402
from heating.services.settlement_runs import CHUNK, settlement_result, settlement_start  # noqa: E402

CODE = "BENCH-SETTLE"
BUREAU = "BENCH-SETTLE-BUREAU"
YEAR = 2020
WORKERS = 2
BATCH = 5000
TZ = datetime.timezone(datetime.timedelta(hours=8))
FLOOR_TABLE = "bench_settle_floor"


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def _kind(i: int) -> tuple[str, bool, bool]:
    """(price class, metered?, approved institution?) for account i: a county town's mix."""
    r = i % 100
    if r < 84:
        return "residential", r < 34, False  # 40% of homes metered
    if r < 90:
        return "institution", r < 88, r % 2 == 0
    return "non_residential", r < 96, False


def build(n: int) -> Organisation:
    rng = random.Random(n)
    first, last = season_days(YEAR)
    partial_from = datetime.date(YEAR + 1, 1, 10)
    company = Organisation.objects.create(code=CODE, name="结算基准测试", kind="company")
    bureau = Organisation.objects.create(code=BUREAU, name="结算基准测试认定部门", kind="bureau")
    duties = (Duty.ELIGIBILITY_EDUCATION, Duty.ELIGIBILITY_CIVIL_AFFAIRS, Duty.AREA_DECISION)
    OrganisationDuty.objects.bulk_create([OrganisationDuty(organisation=bureau, duty=d) for d in duties])
    decided = {"decided_by": bureau, "decided_at": _at(first, 9)}
    customers = Customer.objects.bulk_create(
        [Customer(company=company, name=f"用户{i}") for i in range(n)], batch_size=BATCH
    )
    premises = Premises.objects.bulk_create(
        [Premises(company=company, unit=f"S-{i}") for i in range(n)], batch_size=BATCH
    )
    kinds = [_kind(i) for i in range(n)]
    # 3% of accounts opened inside the season (billed by days open).
    partial = [i % 33 == 5 for i in range(n)]
    parts = []
    for i, (p, (price_class, _, _)) in enumerate(zip(premises, kinds, strict=True)):
        if price_class != "residential":
            parts.append(
                HeatedPart(premises=p, kind="building", area=Decimal(rng.randint(30000, 500000)) / 100)
            )
            continue
        parts.append(HeatedPart(premises=p, kind="flat", area=Decimal(rng.randint(4000, 16000)) / 100))
        if i % 20 == 1:
            parts.append(HeatedPart(premises=p, kind="duplex_single_floor_heated", area=Decimal("62.35")))
        if i % 25 == 2:
            parts.append(HeatedPart(premises=p, kind="attic_without_certificate", area=Decimal("31.17")))
    HeatedPart.objects.bulk_create(parts, batch_size=BATCH)
    accounts = Account.objects.bulk_create(
        [
            Account(
                company=company,
                number=f"S{i:08d}",
                customer=c,
                premises=p,
                opened_on=partial_from if partial[i] else datetime.date(2019, 1, 1),
            )
            for i, (c, p) in enumerate(zip(customers, premises, strict=True))
        ],
        batch_size=BATCH,
    )
    AccountTerms.objects.bulk_create(
        [
            AccountTerms(
                account=a,
                from_year=2019,
                price_class=price_class,
                exchangers=(i % 10 == 3) * (1 + i % 2) if price_class == "residential" and not metered else 0,
            )
            for i, (a, (price_class, metered, _)) in enumerate(zip(accounts, kinds, strict=True))
        ],
        batch_size=BATCH,
    )
    InstitutionApproval.objects.bulk_create(
        [
            InstitutionApproval(
                account=a, from_year=2019, category="school", status="approved",
                decided_duty=Duty.ELIGIBILITY_EDUCATION, **decided,
            )
            for a, (_, _, approved) in zip(accounts, kinds, strict=True)
            if approved
        ],
        batch_size=BATCH,
    )
    LowIncomeCertificate.objects.bulk_create(
        [
            LowIncomeCertificate(
                account=a,
                kind="dibao",
                number=f"DB{i}",
                valid_from=datetime.date(2020, 1, 1),
                status="approved",
                decided_duty=Duty.ELIGIBILITY_CIVIL_AFFAIRS,
                **decided,
            )
            for i, (a, (price_class, _, _)) in enumerate(zip(accounts, kinds, strict=True))
            if price_class == "residential" and i % 20 == 7
        ],
        batch_size=BATCH,
    )
    AreaDecision.objects.bulk_create(
        [
            AreaDecision(
                account=a, from_year=2019, area=Decimal("88.88"), decided_duty=Duty.AREA_DECISION, **decided
            )
            for i, a in enumerate(accounts)
            if kinds[i][0] == "residential" and i % 50 == 11
        ],
        batch_size=BATCH,
    )
    meters = Meter.objects.bulk_create(
        [
            Meter(company=company, account=a, serial=f"SM-{i:08d}", installed_on=datetime.date(2019, 10, 1))
            for i, (a, (_, metered, _)) in enumerate(zip(accounts, kinds, strict=True))
            if metered
        ],
        batch_size=BATCH,
    )
    readings = []
    for m in meters:
        i = int(m.serial[3:])
        opening_day = partial_from if partial[i] else first
        base = Decimal(rng.randint(0, 5000000)) / 1000
        # Some Q zero, most ordinary, a few far above the cap.
        used = Decimal(0) if i % 97 == 0 else Decimal(rng.randint(1000, 60000 if i % 13 else 900000)) / 1000
        for at, value in ((_at(opening_day, 9), base), (_at(last, 16), base + used)):
            readings.append(Reading(meter=m, company=company, read_at=at, value_gj=value, source="import"))
    Reading.objects.bulk_create(readings, batch_size=BATCH)
    # Most households prepaid what the notice asks; some paid nothing, some round sums.
    payments = [
        Payment(
            account=a,
            season_year=YEAR,
            amount=Decimal(rng.choice((1000, 1680, 2100, 3000, 20000))),
            paid_on=datetime.date(YEAR, 10, 20),
            channel="bank",
        )
        for i, a in enumerate(accounts)
        if i % 7
    ]
    payments = Payment.objects.bulk_create(payments, batch_size=BATCH)
    LedgerEntry.objects.bulk_create(payment_entries(payments), batch_size=BATCH)
    return company


def _worker(job_id: int) -> None:
    connections.close_all()  # never share the parent's connection
    job_run(job_id)
    connections.close_all()


def run_settlement(company: Organisation, workers: int = WORKERS) -> int:
    """The real settlement: the job the portal's button starts (heating.services.settlement_runs),
    run by `workers` processes sharing its slots; the number of statements issued."""
    # The benchmark's own processes are the workers: no Celery task is queued (nor run eagerly here).
    tasks.jobs_run.delay = lambda job_id: None
    job = settlement_start(company=company, start_year=YEAR)
    connections.close_all()
    processes = [multiprocessing.Process(target=_worker, args=(job.pk,)) for _ in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise SystemExit(f"a settlement worker exited with {process.exitcode}")
    job.refresh_from_db()
    if job.state != Job.State.DONE:
        raise SystemExit(f"the settlement job ended {job.state}: {job.error}")
    return settlement_result(job).issued


def floor_facts_sql() -> str:
    """The per-account facts of the season straight from the tables (this benchmark's data: one terms
    row, at most one decision or approval, one meter with its two readings), as the SQL form takes them."""
    first, last = season_days(YEAR)
    return f"""(
    WITH acc AS (
        SELECT a.id, a.premises_id, GREATEST(a.opened_on, DATE '{first}') AS since,
               LEAST(COALESCE(a.closed_on, DATE '{last}'), DATE '{last}') AS until
        FROM {Account._meta.db_table} a JOIN {Organisation._meta.db_table} o ON o.id = a.company_id
        WHERE o.code = '{CODE}'
    ), areas AS (
        SELECT premises_id, {billing_area_sql("kind", "area")} AS area
        FROM {HeatedPart._meta.db_table}
        WHERE premises_id IN (SELECT premises_id FROM acc) AND from_year <= {YEAR}
              AND (until_year IS NULL OR until_year > {YEAR})
        GROUP BY premises_id
    ), heat AS (
        SELECT m.account_id, MAX(r.value_gj) - MIN(r.value_gj) AS heat_gj
        FROM {Meter._meta.db_table} m JOIN {Reading._meta.db_table} r ON r.meter_id = m.id
        WHERE m.account_id IN (SELECT id FROM acc) AND r.status = 'valid'
        GROUP BY m.account_id
    ), paid AS (
        SELECT account_id, SUM(amount) AS prepaid FROM {Payment._meta.db_table}
        WHERE season_year = {YEAR} AND account_id IN (SELECT id FROM acc) GROUP BY account_id
    )
    SELECT acc.id AS account_id,
           CASE WHEN t.price_class = 'institution' AND ia.status IS DISTINCT FROM 'approved'
                THEN 'non_residential' ELSE t.price_class END AS price_class,
           CASE WHEN heat.heat_gj IS NULL THEN 'area' ELSE 'metered' END AS method,
           COALESCE(d.area, areas.area) AS area, heat.heat_gj,
           CASE WHEN heat.heat_gj IS NULL THEN t.exchangers ELSE 0 END AS exchangers,
           t.price_class = 'residential' AND li.id IS NOT NULL AS low_income,
           (acc.until - acc.since) + 1 AS days_open, {(last - first).days + 1} AS season_days,
           COALESCE(paid.prepaid, 0.00) AS prepaid
    FROM acc
    JOIN {AccountTerms._meta.db_table} t ON t.account_id = acc.id
    JOIN areas ON areas.premises_id = acc.premises_id
    LEFT JOIN {AreaDecision._meta.db_table} d ON d.account_id = acc.id AND d.from_year <= {YEAR}
    LEFT JOIN {InstitutionApproval._meta.db_table} ia ON ia.account_id = acc.id AND ia.from_year <= {YEAR}
    LEFT JOIN {LowIncomeCertificate._meta.db_table} li ON li.account_id = acc.id AND li.status = 'approved'
    LEFT JOIN heat ON heat.account_id = acc.id
    LEFT JOIN paid ON paid.account_id = acc.id
)"""


def time_floor() -> float:
    """One statement: every account's bill from the tables into an UNLOGGED table."""
    params = terms_params(policy_for_season(YEAR).terms())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        # The planner's estimate through the joins is far too high, and JIT then spends seconds
        # compiling a statement that runs in a fraction of that: the floor is the statement, not that.
        cursor.execute("SET LOCAL jit = off")
        started = time.perf_counter()
        cursor.execute(f"CREATE UNLOGGED TABLE {FLOOR_TABLE} AS {bills_sql(floor_facts_sql())}", params)
        return time.perf_counter() - started


def check_sample(company: Organisation, size: int = 500) -> None:
    """Statements of a random sample of accounts equal the floor's rows figure by figure."""
    statements = list(
        Statement.objects.filter(account__company=company, season_year=YEAR, status="issued")
        .order_by("?")
        .values("account_id", *FIGURES)[:size]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT account_id, {', '.join(FIGURES)} FROM {FLOOR_TABLE} WHERE account_id = ANY(%s)",
            [[s["account_id"] for s in statements]],
        )
        floor = {row[0]: dict(zip(FIGURES, row[1:], strict=True)) for row in cursor.fetchall()}
    for statement in statements:
        account_id = statement.pop("account_id")
        if floor.get(account_id) != statement:
            raise SystemExit(
                f"account {account_id}: statement {statement} but the SQL form {floor.get(account_id)}"
            )


def clean() -> None:
    """Everything the benchmark made, in the database (the ledger refuses the ORM's delete)."""
    company = Organisation.objects.filter(code=CODE).first()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        if company is None:
            Organisation.objects.filter(code=BUREAU).delete()
            return
        accounts = f"SELECT id FROM {Account._meta.db_table} WHERE company_id = %(c)s"
        premises = f"SELECT id FROM {Premises._meta.db_table} WHERE company_id = %(c)s"
        meters = f"SELECT id FROM {Meter._meta.db_table} WHERE company_id = %(c)s"
        with transaction.atomic():
            for model, where in (
                (JobSlot, f"job_id IN (SELECT id FROM {Job._meta.db_table} WHERE company_id = %(c)s)"),
                (Job, "company_id = %(c)s"),
                (LedgerEntry, f"account_id IN ({accounts})"),
                (Statement, f"account_id IN ({accounts})"),
                (Payment, f"account_id IN ({accounts})"),
                (Reading, f"meter_id IN ({meters})"),
                (Meter, "company_id = %(c)s"),
                (LowIncomeCertificate, f"account_id IN ({accounts})"),
                (InstitutionApproval, f"account_id IN ({accounts})"),
                (AreaDecision, f"account_id IN ({accounts})"),
                (AccountTerms, f"account_id IN ({accounts})"),
                (Account, "company_id = %(c)s"),
                (HeatedPart, f"premises_id IN ({premises})"),
                (Premises, "company_id = %(c)s"),
                (Customer, "company_id = %(c)s"),
                (Organisation, "id = %(c)s"),
            ):
                cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {where}", {"c": company.id})
            OrganisationDuty.objects.filter(organisation__code=BUREAU).delete()
            cursor.execute(f"DELETE FROM {Organisation._meta.db_table} WHERE code = %s", [BUREAU])


def profile_one_chunk(company: Organisation, account_ids: list[int]) -> None:
    chunk = account_ids[:CHUNK]
    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        profiler.runcall(season_settle, company=company, start_year=YEAR, account_ids=chunk)
        seconds = time.perf_counter() - started
    print(f"one chunk of {len(chunk)}: {seconds:.2f} s, {len(queries)} queries")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true", help="profile one chunk instead of the run")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("set DATABASE_URL to a PostgreSQL database: the floor is a PostgreSQL statement")
    clean()
    try:
        started = time.perf_counter()
        company = build(args.accounts)
        print(f"built {args.accounts} accounts in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        account_ids = list(
            Account.objects.filter(company=company).order_by("id").values_list("id", flat=True)
        )
        if args.profile:
            profile_one_chunk(company, account_ids)
            return
        started = time.perf_counter()
        issued = run_settlement(company)
        settle_seconds = time.perf_counter() - started
        if issued != args.accounts:
            raise SystemExit(f"settlement issued {issued} statements for {args.accounts} accounts")
        started = time.perf_counter()
        season_totals(company, YEAR)
        totals_seconds = time.perf_counter() - started
        floor_seconds = time_floor()
        check_sample(company)
    finally:
        clean()
    print(
        f"settle: {args.accounts} accounts in {settle_seconds:.1f} s, {args.accounts / settle_seconds:.0f} "
        f"accounts/s, sql floor {floor_seconds:.1f} s, ratio {settle_seconds / floor_seconds:.2f}, "
        f"totals {totals_seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
