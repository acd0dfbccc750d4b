"""The account's page for staff: the home, facts, meters, statements (superseded ones with why), the
ledger per season with its balance, open refunds; constant queries; another company's account is 404."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from heating.services.refunds import refunds_open_for_season
from tests.factories import AreaDecisionFactory, MeterFactory, ReadingFactory, aware, make_account
from tests.settlement.helpers import pay, settle

from .conftest import ID_NUMBER


@pytest.fixture
def settled(counter):
    """H1001 paid 2000.00 for 2019-20, settled, then re-settled after an area decision: two statements,
    the first superseded; the refund opened."""
    account = counter.exact
    pay(account, "2000.00")
    settle(counter.company, account)
    AreaDecisionFactory(account=account, area=Decimal("70.00"))
    settle(counter.company, account)
    refunds_open_for_season(company=counter.company, start_year=2019, user=counter.manager)
    return account


def test_the_page_shows_the_home_facts_statements_ledger_and_refund(counter, clerk_client, settled):
    response = clerk_client.get("/company/accounts/H1001/")

    assert response.status_code == 200
    html = response.content.decode()
    page = response.context["page"]
    assert "历山街道3号楼 1-101" in html
    versions = [(v.statement.version, v.statement.status) for v in page.statements]
    assert versions == [(2, "issued"), (1, "superseded")]
    assert page.statements[1].superseded_by == page.statements[0].statement
    assert page.statements[0].statement.reason and page.statements[0].statement.reason in html
    # Each statement explains its figures line by line, from its stored inputs, citing the notice.
    lines = dict(page.statements[0].lines)
    area_fee = "按面积收费：计费面积 70.00 m² × 21.00 元/m²（源政办字〔2019〕54号 §一.1）"
    assert lines[area_fee] == Decimal("1470.00")
    assert "计费面积经房产管理部门确定为 70.00 m²" in html
    # 70 m² × 21 = 1470.00 due, 2000.00 paid: 530.00 to give back, still owed (the refund is open).
    assert "1470.00" in html
    [season] = page.ledger
    assert season.balance == Decimal("-530.00")
    assert 'id="balance-2019">-530.00' in html
    assert [(r.kind, r.amount) for r in page.open_refunds] == [("refund", Decimal("530.00"))]
    assert page.facts[-1].season == "2019-2020" and page.facts[-1].settled
    assert page.facts[-1].facts.area_decision == Decimal("70.00")


def test_the_page_links_the_meters_and_lists_recent_readings(counter, clerk_client):
    ReadingFactory(meter=counter.wang.meters.get(), read_at=aware(2019, 11, 15, 8), value_gj=Decimal("12.5"))

    html = clerk_client.get("/company/accounts/H2002/").content.decode()

    assert "/company/meters/M-7788/" in html
    assert "12.5" in html


def test_the_identity_number_shows_masked_only(counter, clerk_client):
    html = clerk_client.get("/company/accounts/H2002/").content.decode()

    assert ID_NUMBER not in html
    assert ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:] in html


def test_another_companys_account_is_not_found(counter):
    client = Client()
    client.force_login(counter.other_clerk)

    assert client.get("/company/accounts/H1001/").status_code == 404
    # Their own H2002 is theirs, with their customer.
    response = client.get("/company/accounts/H2002/")
    assert response.context["page"].account == counter.stranger


@pytest.mark.parametrize("number", ["NOPE", "x" * 300, "H1001%00"])
def test_unknown_or_hostile_numbers_are_404(counter, clerk_client, number):
    assert clerk_client.get(f"/company/accounts/{number}/").status_code == 404


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_queries_do_not_grow_with_seasons_entries_or_readings(counter, clerk_client, settled):
    account = make_account(company=counter.company, number="Q1", metered=True)
    pay(account, "100.00")
    one_season = _queries(clerk_client, "/company/accounts/Q1/")
    meter = account.meters.get()
    for n in range(12):
        ReadingFactory(meter=meter, read_at=aware(2019, 11, 15 + n, 8), value_gj=Decimal(n))
    MeterFactory(account=account, serial="Q1-2", installed_on=meter.installed_on)
    for season in (2019, 2020, 2021):
        for amount in ("10.00", "20.00", "30.00"):
            pay(account, amount, season=season)

    assert _queries(clerk_client, "/company/accounts/Q1/") == one_season
    # Statements, a decision and a refund, no meter (so no readings to ask for): no more queries.
    assert _queries(clerk_client, "/company/accounts/H1001/") <= one_season <= 21
