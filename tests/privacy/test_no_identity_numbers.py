"""No identity number (身份证号) leaves the portal unmasked, and none is stored in plain text (issue 11).

The demo county, with numbers given to the portal the way staff give them (tests/privacy/seed.py), is
crawled as every role but the civil-affairs bureau's officers (whose work is the roster): every route
of the URLconf filled with real ids, the API with a session and with a company token, the exports
read as text (XLSX cells, PDF text), and the portal's links on each page one level deeper. Bodies,
headers and every log record must hold no number; a 500 is a failure too. Then every text value of
every table of the database is searched the same way."""

import json
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse

from heating.models import Customer, Duty, ImportBatch, Membership

from .crawl import MASKED, SKIPPED, addresses, leaks, links, routes, shape, text_of
from .seed import BOOK, BOOK2, seed

LINKS_PER_SHAPE = 2
# Loggers that do not pass their records on to the root logger, where caplog listens.
LOGGERS = ("", "django", "django.request", "django.security", "django.db.backends", "heating", "subsidy")
# Each role's pages answered 200 at least this many times: the crawl really saw the portal.
MIN_OK = {"anonymous": 8, "token": 3, "resident": 15, "officer": 10, "staff": 40, "superuser": 150}
# Roles that see customers, and so at least one masked number somewhere.
SEES_MASKED = {"staff", "superuser"}


@pytest.fixture
def county(db, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return seed(django_capture_on_commit_callbacks)


def roles(county) -> list[tuple[str, str, object, str]]:
    """(name, kind, user or None, company code whose samples fill the routes) for every crawl."""
    civil = set(
        Membership.objects.filter(organisation__duties__duty=Duty.ELIGIBILITY_CIVIL_AFFAIRS)
        .values_list("user__username", flat=True)
    )
    assert civil == {"civil"}, civil
    found = [("anonymous", "anonymous", None, "DEMO1"), ("token", "token", None, "DEMO1")]
    for name, user in sorted(county.users.items()):
        if name in civil:
            continue
        member = Membership.objects.filter(user=user).select_related("organisation").first()
        if user.is_superuser:
            found.append((name, "superuser", user, "DEMO1"))
        elif member is None:
            found.append((name, "resident", user, "DEMO1"))
        elif member.organisation.kind == "company":
            found.append((name, "staff", user, member.organisation.code))
        else:
            found.append((name, "officer", user, "DEMO1"))
    kinds = Counter(kind for _, kind, _, _ in found)
    assert kinds == {"anonymous": 1, "token": 1, "resident": 2, "staff": 4, "officer": 7, "superuser": 1}
    return found


def client_for(kind, user, county) -> Client:
    if kind == "token":
        return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {county.token_key}")
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


class Raw(logging.Handler):
    """Each record as it was logged, before the handlers' IdNumberFilter masks it in place: what a
    handler without that filter would write. caplog, listening after the portal's own console
    handler, sees the records as written."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.texts = []

    def emit(self, record):
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.texts.append(f"{record.name} {record.levelname}: {text}")


@pytest.fixture
def logs(caplog):
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    raw = Raw()
    logging.root.handlers.insert(0, raw)
    caplog.raw = raw
    yield caplog
    logging.root.removeHandler(raw)


@dataclass
class Crawl:
    problems: list = field(default_factory=list)
    ok: Counter = field(default_factory=Counter)
    statuses: dict = field(default_factory=lambda: defaultdict(Counter))
    masked_seen: set = field(default_factory=set)
    typed: list = field(default_factory=list)  # (role, url, status, its account or masked number shown)


def typed(kind, company, county) -> list[tuple[str, dict]]:
    """The forms where staff type a number: the counter's search (posted, as its page does), a
    change of owner refused for its date (the form comes back), the admin's search by number."""
    number = {"DEMO1": BOOK[0], "DEMO2": BOOK2}[company]
    account = county.samples[company]["number"]
    if kind == "staff":
        return [
            ("/company/counter/", {"q": number}),
            ("/company/counter/search", {"q": f" {number} "}),
            (f"/company/accounts/{account}/", {"name": "钱三强", "id_number": number, "on": "2020-13-01"}),
        ]
    if kind == "superuser":
        return [(reverse("admin:heating_customer_find_by_id_number"), {"id_number": number})]
    return []


def crawl(county, who) -> Crawl:
    """Every route, then the links on the pages that answered, as each of `who` (see roles())."""
    every = routes()
    samples = {code: {**county.common, **values} for code, values in county.samples.items()}
    result = Crawl()

    def visit(client, role, url, data=None):
        response = client.get(url) if data is None else client.post(url, data)
        result.statuses[role][response.status_code] += 1
        text = text_of(response)
        if response.status_code >= 500:
            result.problems.append(f"{role} {url}: {response.status_code}")
        for number in leaks(text, county.numbers):
            result.problems.append(f"{role} {url}: {number} in the answer")
        if response.status_code == 200:
            result.ok[role] += 1
            if MASKED.search(text):
                result.masked_seen.add(role)
        return response, text

    for role, kind, user, company in who:
        client = client_for(kind, user, county)
        seen_urls, pages = set(), []
        for route in every:
            if route.name in SKIPPED:
                continue
            for url in addresses(route, samples[company]):
                if url in seen_urls:
                    continue
                seen_urls.add(url)
                response, text = visit(client, role, url)
                if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                    pages.append(text)
        for url, data in typed(kind, company, county):
            response, text = visit(client, role, url, data)
            shown = county.samples[company]["number"] in text or bool(MASKED.search(text))
            result.typed.append((role, url, response.status_code, shown))
        shapes = Counter()
        for page in pages:
            for url in links(page):
                if url in seen_urls or shapes[shape(url)] >= LINKS_PER_SHAPE:
                    continue
                seen_urls.add(url)
                shapes[shape(url)] += 1
                visit(client, role, url)
    return result


def log_leaks(caplog, numbers) -> list[str]:
    """Numbers in the records as logged (before any filter) and in the log as written."""
    found = [f"logged {text[:60]}: {n}" for text in caplog.raw.texts for n in leaks(text, numbers)]
    return found + [f"log as written: {n}" for n in leaks(caplog.text, numbers)]


def test_no_page_api_or_export_shows_an_identity_number_to_anyone_but_civil_affairs(county, logs):
    assert len(routes()) > 150, "the crawl must see the admin's routes too"
    who = roles(county)
    result = crawl(county, who)
    problems = result.problems + log_leaks(logs, county.numbers)
    for role, kind, _user, _company in who:
        if result.ok[role] < MIN_OK[kind]:
            problems.append(f"{role}: only {result.ok[role]} answers 200 {dict(result.statuses[role])}")
        if kind in SEES_MASKED and role not in result.masked_seen:
            problems.append(f"{role}: no page showed a masked number, so the crawl missed the customers")
    assert problems == [], "\n".join(problems)
    # The typed numbers reached their forms: their account found, or refused for the date.
    assert {(status, shown) for _, url, status, shown in result.typed if "counter" in url} == {(200, True)}
    assert {status for _, url, status, _ in result.typed if "/accounts/" in url} == {400}
    # The admin's search finds the one holder and goes straight to the customer's page.
    assert {status for _, url, status, _ in result.typed if "/admin/" in url} == {302}


def test_the_crawl_finds_a_number_on_a_page_and_in_a_log(county, logs):
    """The crawl's own check: a number planted in a customer's name is found on the clerk's pages,
    and one logged is found in the record (the portal's filter masks it in the log as written)."""
    number = sorted(county.numbers)[0]
    Customer.objects.filter(pk=county.common["id_customer"]).update(name=f"张三 {number}")
    logging.getLogger("heating").debug("looked up %s", number)
    clerk = [r for r in roles(county) if r[0] == "clerk1"]
    found = crawl(county, clerk).problems
    assert any("/company/accounts/0199001/" in p for p in found), found
    assert [p for p in log_leaks(logs, county.numbers) if p.startswith("logged heating DEBUG")]
    assert not [p for p in log_leaks(logs, county.numbers) if p.startswith("log as written")]


def _text_values(row):
    for value in row:
        if isinstance(value, str):
            yield value
        elif isinstance(value, bytes | memoryview):
            yield bytes(value).decode("utf-8", errors="replace")
        elif isinstance(value, dict | list):
            yield json.dumps(value, ensure_ascii=False)


def database_leaks(numbers) -> tuple[list[str], Counter]:
    """Numbers in any text, binary or JSON value of any table (read with plain SQL, so tables without
    a model count too), and in the decoded sessions; with the count of values read per table."""
    problems, scanned = [], Counter()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(include_views=False):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    for text in _text_values([value]):
                        scanned[table] += 1
                        problems += [f"{table}.{column}: {n}" for n in leaks(text, numbers)]
    for session in Session.objects.all():
        text = json.dumps(session.get_decoded(), ensure_ascii=False)
        problems += [f"session {session.pk}: {n}" for n in leaks(text, numbers)]
    return problems, scanned


def test_the_database_holds_no_identity_number_in_plain_text(county, settings):
    assert len(county.numbers) > 20
    problems, scanned = database_leaks(county.numbers)
    # Beside the tables: the files kept under MEDIA_ROOT (a previewed roster waits there, encrypted).
    files = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert len(files) >= 3
    for path in files:
        problems += [f"{path.name}: {n}" for n in leaks(path.read_bytes().decode("latin-1"), county.numbers)]
    assert problems == [], "\n".join(problems)
    # The scan read the tables that hold the numbers' protected forms.
    assert scanned["heating_customer"] > 100 and scanned["heating_historicalcustomer"] > 100
    assert scanned["heating_importbatch"] > 0


def test_the_database_scan_finds_a_planted_number(county):
    number = sorted(county.numbers)[-1]
    Customer.objects.filter(pk=county.common["id_customer"]).update(phone=number)
    ImportBatch.objects.filter(pk=county.common["refused_import"]).update(errors=[{"message": number}])
    problems, _scanned = database_leaks(county.numbers)
    assert {p.split(":")[0] for p in problems} == {"heating_customer.phone", "heating_importbatch.errors"}
