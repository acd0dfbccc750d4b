"""Two processes taking payments at once draw receipt numbers from one locked counter: no gaps, no
repeats. Real processes (subprocess), each with its own connection to the test database."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from heating.models import Receipt
from tests.test_calculator_page import load_policy_2019

from .helpers import counter

EACH = 15
TAKER = """
import sys, django
django.setup()
from decimal import Decimal
from heating.models import Account
from heating.services.receipts import payment_take
account = Account.objects.get(pk=int(sys.argv[1]))
sys.stdin.readline()  # both processes start together
for _ in range(int(sys.argv[2])):
    payment_take(account=account, season_year=2019, amount=Decimal("10.00"), channel="cash")
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_processes_taking_payments_at_once_get_gap_free_unique_numbers():
    load_policy_2019()
    _company, _clerk, _manager, account = counter()
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    if db.get("PASSWORD"):
        env["DATABASE_URL"] = url.replace(f"{db['USER']}@", f"{db['USER']}:{db['PASSWORD']}@")
    takers = [
        subprocess.Popen(
            [sys.executable, "-c", TAKER, str(account.pk), str(EACH)],
            cwd=Path(settings.BASE_DIR),
            env=env,
            stdin=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for taker in takers:
        taker.stdin.write("go\n")
        taker.stdin.flush()
    errors = [taker.communicate(timeout=120)[1] for taker in takers]

    assert [taker.returncode for taker in takers] == [0, 0], errors
    sequences = sorted(Receipt.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 2 * EACH + 1))
    year = timezone.localdate().year
    assert Receipt.objects.filter(number=f"DEMO1-{year}-{2 * EACH:06d}").exists()
