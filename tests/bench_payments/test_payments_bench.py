"""bench/payments.py with a tiny N against the PostgreSQL database of DATABASE_URL: gunicorn up, signed
notifications and replays sent, every order paid once, the one-line figure printed and everything it
made removed."""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
LINE = re.compile(r"^payments: 40 notifications in [0-9.]+ s, [0-9]+/s, 0 lost, 0 duplicated$")


def _test_database_url() -> str:
    """This test's own migrated PostgreSQL database, committed to (transaction=True), so that the bench
    and its server's workers, other processes, see the same tables."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_tiny_run_loses_and_duplicates_nothing_and_cleans_up():
    database = _test_database_url()
    run = subprocess.run(
        [sys.executable, "bench/payments.py", "--notifications", "40", "--clients", "4"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database},
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert run.returncode == 0, run.stderr[-3000:]
    assert LINE.match(run.stdout.strip().splitlines()[-1]), run.stdout
    with psycopg.connect(database) as bench_db:
        left = bench_db.execute("SELECT count(*) FROM heating_organisation WHERE code = 'BENCH-PAY'")
        assert left.fetchone() == (0,)
        trades = bench_db.execute(
            "SELECT count(*) FROM heating_sandboxtrade WHERE merchant_id = 'SANDBOX-BENCH-PAY'"
        )
        assert trades.fetchone() == (0,)


def test_the_run_refuses_without_postgresql(tmp_path):
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    run = subprocess.run(
        [sys.executable, "bench/payments.py", "--notifications", "10"], cwd=ROOT, env=env,
        capture_output=True, text=True,
    )

    assert run.returncode == 1 and "PostgreSQL" in run.stderr and "payments: 10" not in run.stdout
