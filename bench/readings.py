"""Benchmark: reading-file import and the remote-reading batch API against PostgreSQL's own COPY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/heating python bench/readings.py --rows 100000

Builds its own company, meters and files, measures, and removes everything it made. The last line:
    readings: file N rows/s, api N rows/s, copy N rows/s, file/copy R
"""

import argparse
import csv
import datetime
import io
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from heating.imports.readings import import_readings_file  # noqa: E402
from heating.models import (  # noqa: E402
    Account,
    AccountTerms,
    ApiToken,
    Customer,
    HeatedPart,
    ImportBatch,
    Meter,
    Organisation,
    Premises,
    Reading,
)

CODE = "BENCHRD"
READS_PER_METER = 10
BATCH = 1000
TZ = datetime.timezone(datetime.timedelta(hours=8))


def build(meters: int):
    company = Organisation.objects.create(code=CODE, name="读数基准测试", kind="company")
    user = get_user_model().objects.create_user(f"bench-{CODE.lower()}", password=None)
    customers = Customer.objects.bulk_create(
        [Customer(company=company, name=f"用户{i}") for i in range(meters)], batch_size=5000
    )
    premises = Premises.objects.bulk_create(
        [Premises(company=company, unit=f"B-{i}") for i in range(meters)], batch_size=5000
    )
    HeatedPart.objects.bulk_create(
        [HeatedPart(premises=p, kind="flat", area=Decimal("90.00")) for p in premises], batch_size=5000
    )
    accounts = Account.objects.bulk_create(
        [
            Account(
                company=company,
                number=f"B{i:07d}",
                customer=c,
                premises=p,
                opened_on=datetime.date(2019, 1, 1),
            )
            for i, (c, p) in enumerate(zip(customers, premises, strict=True))
        ],
        batch_size=5000,
    )
    AccountTerms.objects.bulk_create(
        [AccountTerms(account=a, from_year=2019, price_class="residential") for a in accounts],
        batch_size=5000,
    )
    Meter.objects.bulk_create(
        [
            Meter(company=company, account=a, serial=f"BM-{i:07d}", installed_on=datetime.date(2019, 10, 1))
            for i, a in enumerate(accounts)
        ],
        batch_size=5000,
    )
    _, key = ApiToken.issue(company=company, name="bench")
    return company, user, key


def readings(meters: int, start: datetime.datetime, base: Decimal):
    """READS_PER_METER daily readings per meter, ~0.3 GJ a day, in file order (meter by meter)."""
    for m in range(meters):
        for d in range(READS_PER_METER):
            at = start + datetime.timedelta(days=d)
            yield f"BM-{m:07d}", at.isoformat(), str(base + Decimal(m % 97) + Decimal("0.3") * d)


def as_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["meter", "read_at", "value", "unit", "type", "reading_id"])
    for serial, at, value in rows:
        writer.writerow([serial, at, value, "GJ", "actual", ""])
    return out.getvalue().encode()


def time_copy(data: bytes) -> float:
    """PostgreSQL's own COPY of the same rows into a bare table: the floor we compare against."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_copy (meter text, read_at timestamptz, value numeric(16,6), "
            "unit text, type text, reading_id text) ON COMMIT DROP"
        )
        started = time.perf_counter()
        with cursor.cursor.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            copy.write(data)
        return time.perf_counter() - started


def time_api(key: str, rows) -> float:
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    batch, elapsed = [], 0.0

    def send():
        nonlocal elapsed
        started = time.perf_counter()
        response = client.post("/api/v1/readings/batch", {"readings": batch}, content_type="application/json")
        elapsed += time.perf_counter() - started
        body = response.json()
        if response.status_code != 200 or body["stored"] != len(batch):
            raise SystemExit(f"batch API did not store the batch: {response.status_code} {str(body)[:500]}")

    for n, (serial, at, value) in enumerate(rows):
        batch.append(
            {"reading_id": f"bench-{n}", "meter": serial, "read_at": at, "value": value, "unit": "GJ"}
        )
        if len(batch) == BATCH:
            send()
            batch = []
    if batch:
        send()
    return elapsed


def clean():
    company = Organisation.objects.filter(code=CODE).first()
    if company is None:
        return
    with transaction.atomic():
        Reading.objects.filter(company=company).delete()
        ImportBatch.objects.filter(company=company).delete()
        Meter.objects.filter(company=company).delete()
        AccountTerms.objects.filter(account__company=company).delete()
        Account.objects.filter(company=company).delete()
        HeatedPart.objects.filter(premises__company=company).delete()
        Premises.objects.filter(company=company).delete()
        Customer.objects.filter(company=company).delete()
        ApiToken.objects.filter(company=company).delete()
        company.delete()
        get_user_model().objects.filter(username=f"bench-{CODE.lower()}").delete()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("set DATABASE_URL to a PostgreSQL database: the benchmark compares with its COPY")
    meters = max(1, args.rows // READS_PER_METER)
    rows = meters * READS_PER_METER
    clean()
    try:
        company, user, key = build(meters)
        file_rows = list(readings(meters, datetime.datetime(2020, 1, 1, 8, tzinfo=TZ), Decimal("1000")))
        data = as_csv(file_rows)

        started = time.perf_counter()
        result = import_readings_file(
            company=company, user=user, file_name="bench.csv", data=data, commit=True
        )
        file_seconds = time.perf_counter() - started
        stored = Reading.objects.filter(company=company).count()
        if stored != rows:
            raise SystemExit(f"file import stored {stored} of {rows} rows: {result}")

        api_rows = readings(meters, datetime.datetime(2020, 2, 1, 8, tzinfo=TZ), Decimal("1010"))
        api_seconds = time_api(key, api_rows)
        copy_seconds = time_copy(data)
    finally:
        clean()
    print(f"rows {rows}: file {file_seconds:.2f} s, api {api_seconds:.2f} s, copy {copy_seconds:.3f} s")
    print(
        f"readings: file {rows / file_seconds:.0f} rows/s, api {rows / api_seconds:.0f} rows/s, "
        f"copy {rows / copy_seconds:.0f} rows/s, file/copy {file_seconds / copy_seconds:.2f}"
    )


if __name__ == "__main__":
    main()
