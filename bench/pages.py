"""Benchmark: a signed-in resident's bill page against a minimal view, served as in production.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/heating .venv/bin/python bench/pages.py --seconds 30

Builds its own company (BENCH-PAGES) with one metered home, its readings and two payments, settles
season 2019-2020 (a statement and ledger entries), makes a resident the home's holder through the
activation page (/activate/, with a code issued as the counter does) and signs them in. Collects the
static files into a temporary directory and starts gunicorn on 127.0.0.1 with config/gunicorn.py and
DEBUG off (SECRET_KEY and ID_NUMBER_KEY from the environment, or fresh ones for the run), its urlconf
the portal's plus a minimal view (bench/pages_settings.py,
bench/pages_urls.py). Loads it with wrk (16 connections, T seconds)
on the bill page, /me/<COMPANY>/<ACCOUNT>/2019-2020/, then on the minimal view, with the resident's
session cookie; any response that is not 200 fails the run. Stops the server, removes what it made, and
ends with `pages: bill R req/s p95 L ms, minimal R req/s p95 L ms, ratio B/M`."""

import argparse
import datetime
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WRK = "/usr/bin/wrk"
CONNECTIONS = 16
CODE = "BENCH-PAGES"
ACCOUNT = "9900001"
SEASON = 2019
PASSWORD = "bench-pages-Resident-2019"
PHONE = "13999000001"
STARTUP_SECONDS = 90
PRODUCTION = ("DEBUG", "SECRET_KEY", "ID_NUMBER_KEY")
# wrk's default of 2 s would count a slow answer as a socket error: gunicorn's own limit (WEB_TIMEOUT).
TIMEOUT_SECONDS = 30

# wrk's threads each run this script; `done` adds up their counts of answers other than 200 (wrk itself
# counts only 4xx and 5xx, and a redirect to the sign-in page is a 302) and prints one line to parse.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0; first_bad = 0 end
function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
    if first_bad == 0 then first_bad = status end
  end
end
function done(summary, latency, requests)
  local not_ok, first_bad = 0, 0
  for _, thread in ipairs(threads) do
    not_ok = not_ok + thread:get("not_ok")
    if first_bad == 0 then first_bad = thread:get("first_bad") end
  end
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d %d %d %.0f\\n", summary.requests, summary.duration,
    not_ok, first_bad, e.connect, e.read, e.write, e.timeout, latency:percentile(95)))
end
"""


@dataclass(frozen=True)
class Load:
    requests: int
    per_second: float
    p95_ms: float


def refuse(why: str) -> None:
    raise SystemExit(f"pages: {why}")


def child_environment(static_root: str) -> dict[str, str]:
    """The environment of the server (and of this process, which signs the session it must accept):
    production settings, with the operator's keys when set and fresh ones for this run otherwise."""
    env = {**os.environ, "DEBUG": "false", "DJANGO_SETTINGS_MODULE": "bench.pages_settings"}
    env["BENCH_STATIC_ROOT"] = static_root
    for key in PRODUCTION[1:]:
        env[key] = env.get(key) or secrets.token_urlsafe(50)
    return env


class FormFields(HTMLParser):
    """The fields of the first POST form in the page's <main> (the header's language and sign-out forms
    are not it): (name, type, value)."""

    def __init__(self):
        super().__init__()
        self.fields, self._in_main, self._in_form, self._done = [], False, False, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self._in_main = True
        elif (
            tag == "form"
            and self._in_main
            and not self._done
            and (attrs.get("method") or "").lower() == "post"
        ):
            self._in_form = True
        elif self._in_form and tag in ("input", "select", "textarea") and attrs.get("name"):
            self.fields.append((attrs["name"], (attrs.get("type") or tag).lower(), attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True


def activation_data(fields, company_code: str, account_number: str, code: str) -> dict[str, str]:
    """What a resident types into the activation form: a password in every password field, a phone
    number in the phone field, the rest as the QR address filled it in."""
    prefilled = {"company": company_code, "account": account_number, "number": account_number, "code": code}
    data = {}
    for name, kind, value in fields:
        if kind == "password":
            data[name] = PASSWORD
        elif kind == "tel" or "phone" in name:
            data[name] = PHONE
        elif kind not in ("submit", "button", "checkbox"):
            data[name] = value or prefilled.get(name, "")
    return data


def activate(client, company, account, code: str) -> str | None:
    """Activates the account on the portal's page as a resident would (the notice's QR address fills the
    company, account and code; the resident chooses a password and gives a phone number) and returns the
    session cookie of the signed-in resident, or None with the reason printed."""
    from django.conf import settings

    query = f"?company={company.code}&account={account.number}&code={code}"
    page = client.get("/activate/" + query)
    if page.status_code != 200:
        print(
            f"pages: /activate/ answered {page.status_code}: no resident holds the account", file=sys.stderr
        )
        return None
    address = "/activate/" + query
    # The code first, then (on the page it leads to) the password and the phone number.
    for _step in range(3):
        form = FormFields()
        form.feed(page.content.decode())
        answer = client.post(address, activation_data(form.fields, company.code, account.number, code))
        address = answer.get("Location", "")
        if answer.status_code != 302 or not address.startswith("/activate/"):
            break
        page = client.get(address)
    if client.get("/me/").status_code != 200:
        client.post("/accounts/login/", {"username": PHONE, "password": PASSWORD})
    if client.get("/me/").status_code != 200:
        print("pages: the activation did not sign the resident in", file=sys.stderr)
        return None
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def build():
    """The company, its metered home (100 m², 20 GJ used), two payments and the settled season."""
    from heating.models import Payment
    from heating.services.activation import activation_code_issue
    from heating.services.payments import payment_record
    from heating.services.settlement import season_settle
    from tests.factories import CompanyFactory, ReadingFactory, aware, make_account

    company = CompanyFactory(code=CODE, name="基准测试热力公司")
    account = make_account(company=company, metered=True, area="100.00", number=ACCOUNT)
    meter = account.meters.get()
    for (year, month, day), value in (
        ((2019, 11, 15), "100.000000"),
        ((2019, 12, 15), "104.500000"),
        ((2020, 1, 15), "110.200000"),
        ((2020, 2, 15), "115.800000"),
        ((2020, 3, 15), "120.000000"),
    ):
        ReadingFactory(meter=meter, read_at=aware(year, month, day, 8), value_gj=Decimal(value))
    for amount, day, channel in (
        ("1000.00", datetime.date(2019, 10, 20), Payment.Channel.CASH),
        ("1100.00", datetime.date(2019, 11, 2), Payment.Channel.CASH),
    ):
        payment_record(
            account=account, season_year=SEASON, amount=Decimal(amount), paid_on=day, channel=channel
        )
    season_settle(company=company, start_year=SEASON, account_ids=[account.id])
    return company, account, activation_code_issue(account)


def purge(model, ids: set) -> None:
    """Deletes these rows and, first, every row of any model that refers to them (a holder's link to
    the account, whatever the portal names it): raw SQL, as the ledger refuses the ORM's delete."""
    from django.apps import apps
    from django.db import connection

    if not ids:
        return
    for other in apps.get_models(include_auto_created=True):
        for field in other._meta.concrete_fields:
            if field.many_to_one and field.related_model is model:
                rows = set(
                    other._base_manager.filter(**{f"{field.attname}__in": ids}).values_list("pk", flat=True)
                )
                purge(other, rows - (ids if other is model else set()))
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{table}" WHERE "{pk}" = ANY(%s)', [list(ids)])


def clean(session_key: str | None = None) -> None:
    """Everything the benchmark made: the company with all that refers to it, the resident (found by
    their session, or by the phone they signed up with) and their session and sign-in records."""
    from axes.models import AccessAttempt, AccessLog
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session
    from django.db import transaction

    from heating.models import Organisation

    users = get_user_model().objects.filter(username=PHONE)
    session = Session.objects.filter(session_key=session_key).first() if session_key else None
    if session is not None:
        users = users | get_user_model().objects.filter(pk=session.get_decoded().get("_auth_user_id"))
    with transaction.atomic():
        purge(get_user_model(), set(users.values_list("pk", flat=True)))
        purge(Organisation, set(Organisation.objects.filter(code=CODE).values_list("pk", flat=True)))
        Session.objects.filter(session_key=session_key).delete()
        AccessAttempt.objects.filter(username=PHONE).delete()
        AccessLog.objects.filter(username=PHONE).delete()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def collect_static(env: dict) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )


def start_server(env: dict, port: int, log_path: Path) -> subprocess.Popen:
    """gunicorn as configured for production, on 127.0.0.1 only; returns once it answers."""
    command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "--bind", f"127.0.0.1:{port}"]
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [*command, "config.wsgi"], cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
        )
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            refuse(f"gunicorn exited with {server.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except urllib.error.HTTPError:
            return server  # it answers (503 without a broker, which the pages do not need)
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    refuse(f"gunicorn did not answer within {STARTUP_SECONDS} s:\n{log_path.read_text()[-3000:]}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def status_of(url: str, cookie: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        return opener.open(request, timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def load(url: str, cookie: str, seconds: int, script: str) -> Load:
    """wrk on one address; refuses figures when any answer was not 200 or a socket failed."""
    command = [WRK, "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", f"--timeout={TIMEOUT_SECONDS}s"]
    run = subprocess.run(
        [*command, "-H", f"Cookie: {cookie}", "-s", script, url], capture_output=True, text=True, check=False
    )
    line = next((line for line in run.stdout.splitlines() if line.startswith("BENCH ")), None)
    if run.returncode != 0 or line is None:
        refuse(f"wrk failed on {url}: {run.stderr.strip() or run.stdout.strip()}")
    requests, duration_us, not_ok, first_bad, connect, read, write, timeout, p95_us = (
        int(float(x)) for x in line.split()[1:]
    )
    if requests == 0 or not_ok or connect or read or write or timeout:
        refuse(
            f"{url}: {not_ok} of {requests} responses were not 200 (the first: {first_bad}); socket errors: "
            f"connect {connect}, read {read}, write {write}, timeout {timeout}"
        )
    return Load(requests, requests / (duration_us / 1e6), p95_us / 1000)


def measure(env: dict, work: Path, seconds: int) -> dict[str, Load]:
    """Builds the resident's home, serves it and loads both pages; removes what it made, whatever happens."""
    from django.conf import settings
    from django.test import Client

    from bench.pages_urls import MINIMAL_PATH
    from heating.models.policy import season_name

    clean()
    server, cookie, results = None, None, {}
    try:
        company, account, code = build()
        collect_static(env)
        cookie = activate(Client(), company, account, code)
        session = f"{settings.SESSION_COOKIE_NAME}={cookie}" if cookie else ""
        script = work / "count.lua"
        script.write_text(WRK_SCRIPT, encoding="utf-8")
        port = free_port()
        server = start_server(env, port, work / "gunicorn.log")
        bill_path = f"/me/{company.code}/{account.number}/{season_name(SEASON)}/"
        for name, address in (("bill", bill_path), ("minimal", MINIMAL_PATH)):
            url = f"http://127.0.0.1:{port}{address}"
            for _ in range(10):  # the workers have rendered it before the clock starts
                status = status_of(url, session)
                if status != 200:
                    refuse(f"the {name} page {address} answered {status}, not 200: no figures for it")
            results[name] = load(url, session, seconds, str(script))
            print(f"{name} {address}: {results[name].requests} requests", file=sys.stderr)
    finally:
        if server is not None:
            stop_server(server)
        clean(cookie)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30, help="how long wrk loads each page")
    args = parser.parse_args()
    if args.seconds < 1:
        refuse("--seconds must be at least 1")
    if not os.access(WRK, os.X_OK):
        refuse(f"needs wrk at {WRK} (apt-get install -y wrk)")
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as work:
        env = child_environment(str(Path(work) / "static"))
        os.environ.update({k: env[k] for k in (*PRODUCTION, "DJANGO_SETTINGS_MODULE", "BENCH_STATIC_ROOT")})
        import django

        django.setup()
        from django.db import connection

        if connection.vendor != "postgresql":
            refuse("set DATABASE_URL to a PostgreSQL database (the server's workers share it)")
        results = measure(env, Path(work), args.seconds)
    bill, minimal = results["bill"], results["minimal"]
    print(
        f"pages: bill {bill.per_second:.0f} req/s p95 {bill.p95_ms:.0f} ms, "
        f"minimal {minimal.per_second:.0f} req/s p95 {minimal.p95_ms:.0f} ms, "
        f"ratio {bill.per_second / minimal.per_second:.2f}"
    )


if __name__ == "__main__":
    main()
