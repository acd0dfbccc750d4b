"""Benchmark: sandbox payment notifications through gunicorn, applied once each.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/heating python bench/payments.py --notifications 10000

Builds its own company (BENCH-PAY) with a sandbox merchant and one account per order, each charged a
prepayment, and one open order per account whose sandbox trade is paid (the platform has taken the
money; its notification is what is being measured). Signs every notification as the sandbox platform
signs them (RSA-SHA256 over timestamp, nonce and body, heating.payments.sandbox) before the clock
starts; a tenth of the N sent are replays of earlier ones, byte for byte. Starts gunicorn on 127.0.0.1
with config/gunicorn.py and DEBUG off (as bench/pages.py does), and posts the N notifications to
/api/v1/payments/notify/sandbox/ from CLIENTS concurrent threads (http.client, a connection per
request: gunicorn's sync workers close each one). Any answer but 200 SUCCESS fails the run. Then checks
the ledger: an order is lost when it is not paid with exactly one payment and one payment entry, and
duplicated when its account has more than one payment. Removes what it made and ends with
    payments: N notifications in T s, R/s, L lost, D duplicated
"""

import argparse
import datetime
import http.client
import os
import random
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import PRODUCTION, child_environment, free_port, purge, start_server, stop_server  # noqa: E402

CODE = "BENCH-PAY"
SEASON = 2025
AMOUNT = Decimal("2016.00")
CLIENTS = 16
REPLAYS = 0.10
PATH = "/api/v1/payments/notify/sandbox/"
BATCH = 2000
REPLAY_DISTANCE = 500
OPENED = datetime.date(2019, 1, 1)


def refuse(why: str) -> None:
    raise SystemExit(f"payments: {why}")


def build(orders: int) -> str:
    """The company, its sandbox merchant, `orders` accounts each with its prepayment and an open order
    paid at the sandbox platform. The merchant id."""
    from heating.models import (
        Account,
        Customer,
        LedgerEntry,
        Organisation,
        PaymentOrder,
        Premises,
        SandboxTrade,
    )
    from heating.payments import sandbox

    company = Organisation.objects.create(code=CODE, name="缴费基准测试热力公司", kind="company")
    merchant = sandbox.account_create(company=company)
    customers = Customer.objects.bulk_create(
        [Customer(company=company, name=f"用户{i}") for i in range(orders)], batch_size=BATCH
    )
    premises = Premises.objects.bulk_create(
        [Premises(company=company, unit=f"P-{i}") for i in range(orders)], batch_size=BATCH
    )
    accounts = Account.objects.bulk_create(
        [
            Account(company=company, number=f"P{i:08d}", customer=c, premises=p, opened_on=OPENED)
            for i, (c, p) in enumerate(zip(customers, premises, strict=True))
        ],
        batch_size=BATCH,
    )
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(account=a, season_year=SEASON, kind=LedgerEntry.Kind.PREPAYMENT_DUE, amount=AMOUNT)
            for a in accounts
        ],
        batch_size=BATCH,
    )
    paid_at = datetime.datetime.now(datetime.UTC)
    PaymentOrder.objects.bulk_create(
        [
            PaymentOrder(
                company=company, account=a, season_year=SEASON, purpose=PaymentOrder.Purpose.PREPAYMENT,
                amount=AMOUNT, provider=sandbox.NAME, out_trade_no=f"HB{i:010d}",
            )
            for i, a in enumerate(accounts)
        ],
        batch_size=BATCH,
    )
    SandboxTrade.objects.bulk_create(
        [
            SandboxTrade(
                merchant_id=merchant.merchant_id, out_trade_no=f"HB{i:010d}", amount=AMOUNT,
                state=SandboxTrade.State.SUCCESS, transaction_id=f"SBXBENCH{i:010d}", paid_at=paid_at,
            )
            for i in range(orders)
        ],
        batch_size=BATCH,
    )
    return merchant.merchant_id


def notifications(merchant_id: str, orders: int, total: int) -> list:
    """What each client sends, in order: the payload of an order's notification (signed as it is sent:
    the platform's signature carries the time, which must be within the sandbox's replay window of
    the server's clock), or the index of an earlier entry to replay byte for byte. A replay follows its
    original by at most REPLAY_DISTANCE entries."""
    from heating.models import SandboxTrade
    from heating.payments.sandbox import _payload

    trades = SandboxTrade.objects.filter(merchant_id=merchant_id).order_by("out_trade_no")
    work: list = [_payload(trade) for trade in trades]
    rng = random.Random(total)
    replays = sorted(
        (min(orders, original + rng.randrange(1, REPLAY_DISTANCE)), original)
        for original in (rng.randrange(orders) for _ in range(total - orders))
    )
    # Inserted from the end, so that the positions of the earlier entries stay put.
    for position, original in reversed(replays):
        work.insert(position, original)
    return work


def send(port: int, merchant_id: str, work: list, clients: int) -> tuple[float, list[str]]:
    """Posts every notification from `clients` threads; the seconds it took and the failures."""
    from heating.payments.sandbox import notification_signer

    sign = notification_signer(merchant_id)
    failures, lock, position = [], threading.Lock(), iter(range(len(work)))
    signed: dict[int, tuple[dict, bytes]] = {}

    def client():
        while True:
            with lock:
                index = next(position, None)
            if index is None:
                return
            entry = work[index]
            if isinstance(entry, int):
                while index_of(entry) not in signed:  # its original is being signed by another client
                    time.sleep(0.001)
                headers, body = signed[index_of(entry)]
            else:
                headers, body = signed[index] = sign(entry)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                connection.request("POST", PATH, body, {**headers, "Content-Type": "application/json"})
                answer = connection.getresponse()
                text = answer.read()
                if answer.status != 200 or b"SUCCESS" not in text:
                    failures.append(f"{answer.status} {text[:100]!r}")
            except OSError as error:
                failures.append(repr(error))
            finally:
                connection.close()

    originals = [i for i, entry in enumerate(work) if not isinstance(entry, int)]

    def index_of(order: int) -> int:
        return originals[order]

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started, failures


def check(orders: int) -> tuple[int, int]:
    """(lost, duplicated): orders paid at the platform not paid here with exactly one payment and its
    one payment entry; accounts with more than one payment."""
    from django.db.models import Count, Q

    from heating.models import Account, LedgerEntry, PaymentOrder

    accounts = Account.objects.filter(company__code=CODE).annotate(
        n_payments=Count("payments", distinct=True),
        n_entries=Count("ledger", filter=Q(ledger__kind=LedgerEntry.Kind.PAYMENT), distinct=True),
        n_paid=Count(
            "payment_orders",
            filter=Q(payment_orders__state=PaymentOrder.State.PAID, payment_orders__payment__isnull=False),
            distinct=True,
        ),
    )
    good = accounts.filter(n_payments=1, n_entries=1, n_paid=1).count()
    duplicated = accounts.filter(n_payments__gt=1).count()
    return orders - good, duplicated


def clean(merchant_id: str | None = None) -> None:
    from django.db import transaction

    from heating.models import Organisation, SandboxTrade

    with transaction.atomic():
        purge(Organisation, set(Organisation.objects.filter(code=CODE).values_list("pk", flat=True)))
        SandboxTrade.objects.filter(merchant_id=merchant_id or f"SANDBOX-{CODE}").delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notifications", type=int, default=10000, help="how many to send (10%% replays)")
    parser.add_argument("--clients", type=int, default=CLIENTS, help="concurrent clients")
    args = parser.parse_args()
    if args.notifications < 2 or args.clients < 1:
        refuse("--notifications must be at least 2 and --clients at least 1")
    orders = args.notifications - int(args.notifications * REPLAYS)
    with tempfile.TemporaryDirectory(prefix="bench-payments-") as work:
        env = child_environment(str(Path(work) / "static"))
        os.environ.update({k: env[k] for k in (*PRODUCTION, "DJANGO_SETTINGS_MODULE", "BENCH_STATIC_ROOT")})
        import django

        django.setup()
        from django.db import connection

        if connection.vendor != "postgresql":
            refuse("set DATABASE_URL to a PostgreSQL database (the server's workers share it)")
        clean()
        server = None
        try:
            merchant_id = build(orders)
            work_list = notifications(merchant_id, orders, args.notifications)
            port = free_port()
            server = start_server(env, port, Path(work) / "gunicorn.log")
            seconds, failures = send(port, merchant_id, work_list, args.clients)
            stop_server(server)
            server = None
            lost, duplicated = check(orders)
        finally:
            if server is not None:
                stop_server(server)
            clean()
    if failures:
        first = failures[0]
        print(f"payments: {len(failures)} answers were not 200 SUCCESS, the first: {first}", file=sys.stderr)
    print(
        f"payments: {args.notifications} notifications in {seconds:.1f} s, "
        f"{args.notifications / seconds:.0f}/s, {lost} lost, {duplicated} duplicated"
    )
    if failures or lost or duplicated:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
