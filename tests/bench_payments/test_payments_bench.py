"""bench/payments.py with a tiny N against the PostgreSQL database of DATABASE_URL: gunicorn up, signed
notifications and replays sent, every order paid once, the one-line figure printed and everything it
made removed."""

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LINE = re.compile(r"^payments: 40 notifications in [0-9.]+ s, [0-9]+/s, 0 lost, 0 duplicated$")


@pytest.mark.postgres
def test_a_tiny_run_loses_and_duplicates_nothing_and_cleans_up():
    database = os.environ["DATABASE_URL"]  # the real database: the server's workers cannot see a test one
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
