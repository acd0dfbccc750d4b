"""GET /api/v1/statements?season=YYYY-YYYY against CONTRACTS.md ("Settlement")."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from heating.models import ApiToken
from tests.factories import AccountFactory, CompanyFactory, LowIncomeCertificateFactory, make_account
from tests.settlement.helpers import pay, season_readings, settle

URL = "/api/v1/statements"

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return CompanyFactory()


@pytest.fixture
def key(company):
    return ApiToken.issue(company=company, name="bank")[1]


def get(key, query="?season=2019-2020"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(URL + query)


def metered_home(company, number):
    account = make_account(area="100.00", metered=True, company=company, number=number)
    season_readings(account, "100.000000", "120.000000")
    pay(account, "2100.00")
    return account


def test_a_statement_is_listed_exactly_as_the_contract_shows(company, key):
    metered_home(company, "0100234")
    settle(company)

    response = get(key)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [row] = body["results"]
    policy = row.pop("policy")
    assert policy == "源政办字〔2019〕54号"
    assert row == {
        "account": "0100234", "season": "2019-2020", "version": 1, "status": "issued",
        "supersedes": None, "reason": None,
        "inputs": {"price_class": "residential", "method": "metered",
                   "parts": [{"kind": "flat", "area": "100.00"}], "area_decision": None,
                   "exchangers": 0, "low_income": False, "heat_gj": "20.000000",
                   "days_open": 122, "season_days": 122, "prepaid": "2100.00"},
        "billing_area": "100.00", "basic_fee": "630.00", "metered_fee": "900.00", "cap": "2100.00",
        "cap_loss": "0.00", "heating_fee": "900.00", "exchanger_fee": "0.00", "gross_fee": "900.00",
        "low_income_discount": "0.00", "amount_due": "900.00", "prepayment": "2100.00",
        "refund": "1200.00", "balance_due": "0.00",
    }  # fmt: skip


def test_every_version_is_listed_oldest_first_per_account(company, key):
    second = metered_home(company, "0000002")
    metered_home(company, "0000001")
    settle(company)
    LowIncomeCertificateFactory(account=second, decided_at=timezone.now())
    settle(company)

    rows = get(key).json()["results"]

    assert [(r["account"], r["version"], r["status"], r["supersedes"]) for r in rows] == [
        ("0000001", 1, "issued", None),
        ("0000002", 1, "superseded", None),
        ("0000002", 2, "issued", 1),
    ]
    assert "困难群体" in rows[2]["reason"]
    assert rows[2]["amount_due"] == "675.00"


def test_area_billed_statements_have_no_metered_figures(company, key):
    make_account(area="100.00", company=company, number="0000001")
    settle(company)

    [row] = get(key).json()["results"]

    metered_only = (row["basic_fee"], row["metered_fee"], row["cap"], row["inputs"]["heat_gj"])
    assert metered_only == (None, None, None, None)
    assert row["amount_due"] == "2100.00"
    assert row["inputs"]["prepaid"] == "0.00"


def test_exceptions_are_not_listed(company, key):
    AccountFactory(company=company)
    make_account(metered=True, company=company)
    settle(company)

    assert get(key).json()["count"] == 0


def test_another_companys_token_sees_none_of_these_statements(company, key):
    metered_home(company, "0100234")
    settle(company)
    other_key = ApiToken.issue(company=CompanyFactory(), name="other")[1]

    assert get(other_key).json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert get(key).json()["count"] == 1


@pytest.mark.parametrize(
    "query", ["", "?season=", "?season=2019", "?season=2019-2021", "?season=2019-2020&season=2020-2021",
              "?season=０２０19-2020", "?season=0000-0001"],
)  # fmt: skip
def test_a_bad_season_is_a_400_naming_the_field(key, query):
    response = get(key, query)

    assert response.status_code == 400
    assert list(response.json()) == ["season"]


def test_a_page_past_the_list_is_a_404(company, key):
    assert get(key, "?season=2019-2020&page=2").status_code == 404


def test_without_a_token_it_is_a_401(company):
    assert APIClient().get(URL + "?season=2019-2020").status_code == 401


def test_a_page_costs_the_same_queries_whatever_its_length(company, key):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert get(key).status_code == 200
        return len(captured)

    metered_home(company, "0000001")
    settle(company)
    get(key)  # the token's last use is written once a minute: not part of the page's cost
    one = queries()
    for n in range(2, 12):
        metered_home(company, f"{n:07d}")
    settle(company)

    assert queries() == one
    assert Decimal(get(key).json()["results"][0]["refund"]) == Decimal("1200.00")
