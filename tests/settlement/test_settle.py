"""Settling a season (heating/services/settlement.py): statements equal the engine for every kind
of account and recompute from what they store; a rerun issues nothing; exceptions are listed, not
settled; the season must be over; one company never settles another's accounts."""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from heating.billing import AREA, BUILDING, INSTITUTION, METERED, NON_RESIDENTIAL, RESIDENTIAL
from heating.models import AppendOnlyError, LedgerEntry, Role, Statement
from heating.models.statements import FIGURES
from heating.selectors.bills import season_bills
from heating.selectors.ledger import balance
from heating.selectors.statements import recompute
from heating.services import settlement
from heating.services.settlement import SettlementRefused
from tests.factories import (
    AccountFactory,
    AreaDecisionFactory,
    CompanyFactory,
    HeatedPartFactory,
    LowIncomeCertificateFactory,
    MembershipFactory,
    PricePolicyFactory,
    make_account,
)

from .helpers import SEASON, D, pay, season_readings, settle

pytestmark = pytest.mark.django_db


def kinds():
    """Every combination the engine bills: price class × method × low income × exchangers × decision."""
    for price_class, method, low_income, exchangers, decision in itertools.product(
        (RESIDENTIAL, INSTITUTION, NON_RESIDENTIAL), (AREA, METERED), (False, True), (0, 2), (None, "75.00")
    ):
        if low_income and price_class != RESIDENTIAL:
            continue
        if exchangers and (price_class, method) != (RESIDENTIAL, AREA):
            continue
        yield price_class, method, low_income, exchangers, decision


KINDS = list(kinds())


def account_of_kind(company, price_class, method, low_income, exchangers, decision, index):
    account = make_account(
        area="100.00" if price_class == RESIDENTIAL else "800.00",
        price_class=price_class,
        metered=method == METERED,
        exchangers=exchangers,
        company=company,
        institution_approved=price_class == INSTITUTION,
    )
    if low_income:
        LowIncomeCertificateFactory(account=account)
    if decision:
        AreaDecisionFactory(account=account, area=D(decision))
    if method == METERED:
        # Different heat per account: some under the basic fee, some over the cap.
        season_readings(account, "100.000000", f"{100 + 7 * index}.{index:06d}")
    pay(account, f"{1000 + 37 * index}.{index:02d}")
    return account


def test_every_kind_of_account_settles_as_the_engine_bills_it_and_recomputes_from_its_inputs():
    company = CompanyFactory()
    accounts = [account_of_kind(company, *kind, index) for index, kind in enumerate(KINDS)]
    engine = season_bills(accounts, SEASON)

    result = settle(company)

    assert (result.issued, result.unchanged, result.exceptions) == (len(KINDS), 0, [])
    for account, kind in zip(accounts, KINDS, strict=True):
        statement = Statement.objects.get(account=account)
        breakdown = engine[account.id].breakdown
        stored = {name: getattr(statement, name) for name in FIGURES}
        assert stored == {name: getattr(breakdown, name) for name in FIGURES}, kind
        assert recompute(statement) == stored, kind
        assert (statement.version, statement.status, statement.policy.code) == (
            1,
            "issued",
            breakdown.policy_code,
        )
        inputs = statement.inputs
        assert (inputs["price_class"], inputs["method"], inputs["low_income"], inputs["exchangers"]) == (
            engine[account.id].facts.price_class,
            kind[1],
            kind[2],
            kind[3],
        )
        assert inputs["area_decision"] == kind[4]
        assert inputs["prepaid"] == f"{breakdown.prepaid:.2f}"
        if kind[1] == METERED:
            assert [r["meter"] for r in inputs["readings"]] == [account.meters.get().serial]
            assert D(inputs["heat_gj"]) == engine[account.id].usage.heat_gj


def test_settlement_charges_the_amount_due_and_the_balance_is_the_refund_or_supplement():
    company = CompanyFactory()
    refunded = make_account(area="100.00", metered=True, company=company)
    opening, closing = season_readings(refunded, "100.000000", "120.000000")  # 20 GJ × 45 = 900.00
    pay(refunded, "2100.00")
    owing = make_account(area="100.00", company=company)  # 2100.00
    pay(owing, "2000.00")

    settle(company)

    first = refunded.statements.get()
    assert (first.amount_due, first.refund, first.balance_due) == (D("900.00"), D("1200.00"), D("0.00"))
    assert first.inputs["readings"] == [
        {
            "meter": refunded.meters.get().serial,
            "opening": {"id": opening.id, "read_at": "2019-11-15T08:00:00+08:00", "value_gj": "100.000000"},
            "closing": {"id": closing.id, "read_at": "2020-03-15T08:00:00+08:00", "value_gj": "120.000000"},
        }
    ]
    charge = LedgerEntry.objects.get(account=refunded, kind="settlement")
    assert (charge.amount, charge.statement) == (D("900.00"), first)
    assert balance(refunded.id, SEASON) == D("-1200.00")  # the refund owed
    assert owing.statements.get().balance_due == D("100.00")
    assert balance(owing.id, SEASON) == D("100.00")  # the supplement owed


def test_a_rerun_issues_nothing_and_writes_nothing():
    company = CompanyFactory()
    for _ in range(3):
        pay(make_account(company=company), "1680.00")
    assert settle(company).issued == 3
    entries, statements = LedgerEntry.objects.count(), Statement.objects.count()

    again = settle(company)

    assert (again.issued, again.unchanged, again.exceptions) == (0, 3, [])
    assert (LedgerEntry.objects.count(), Statement.objects.count()) == (entries, statements)


def test_a_preview_counts_the_same_and_writes_nothing():
    company = CompanyFactory()
    make_account(company=company)
    AccountFactory(company=company)  # no price terms: an exception

    preview = settle(company, preview=True)

    assert (preview.issued, preview.unchanged, len(preview.exceptions)) == (1, 0, 1)
    assert not Statement.objects.exists() and not LedgerEntry.objects.exists()


def test_accounts_that_cannot_be_settled_are_listed_with_the_reason_not_settled():
    company = CompanyFactory()
    no_terms = AccountFactory(company=company, number="0000001")
    no_readings = make_account(metered=True, company=company, number="0000002")
    no_parts = make_account(company=company, number="0000003")
    no_parts.premises.parts.all().delete()
    fine = make_account(company=company, number="0000004")

    result = settle(company)

    reasons = {e.number: e.reason for e in result.exceptions}
    assert set(reasons) == {"0000001", "0000002", "0000003"}
    assert "parts" in reasons["0000003"]
    assert reasons["0000002"]
    assert result.issued == 1
    assert list(Statement.objects.values_list("account", flat=True)) == [fine.id]
    assert not Statement.objects.filter(account__in=[no_terms, no_readings, no_parts]).exists()


def test_a_statement_is_never_edited_or_deleted():
    company = CompanyFactory()
    make_account(company=company)
    settle(company)
    statement = Statement.objects.get()

    statement.amount_due = D("1.00")
    with pytest.raises(AppendOnlyError):
        statement.save()
    with pytest.raises(AppendOnlyError):
        statement.delete()
    with pytest.raises(AppendOnlyError):
        Statement.objects.filter(pk=statement.pk).update(amount_due=D("1.00"))


@pytest.mark.parametrize("path", ["python", pytest.param("set_based", marks=pytest.mark.postgres)])
def test_a_chunk_costs_the_same_number_of_queries_for_10_or_100_accounts(path, monkeypatch):
    """Reads are set-based; writes are bulk inserts into two tables (SQLite's parameter limit
    splits them into batches; PostgreSQL takes each in one statement) — or, on PostgreSQL, one
    statement that reads the facts and writes both (heating.services.settlement_sql)."""
    if path == "python":
        monkeypatch.setattr(settlement, "plain_statements_issue", lambda **kwargs: set())

    def queries(n):
        company = CompanyFactory()
        accounts = []
        for i in range(n):
            account = make_account(company=company, metered=i % 2 == 0)
            if i % 2 == 0:
                season_readings(account)
            accounts.append(account)
        with CaptureQueriesContext(connection) as captured:
            result = settle(company, *accounts)
        assert result.issued == n
        assert Statement.objects.filter(account__company=company).count() == n
        sql = [q["sql"] for q in captured.captured_queries]
        if path == "python":
            inserts = {q.split('"')[1] for q in sql if q.startswith("INSERT")}
            assert inserts == {"heating_statement", "heating_ledgerentry"}
            if connection.vendor != "postgresql":
                return len([q for q in sql if not q.startswith("INSERT")])
        return len(sql)

    assert queries(10) == queries(100)


def test_the_season_is_settled_only_after_its_last_day_and_the_refusal_names_it():
    year = timezone.localdate().year  # this year's season ends next March
    PricePolicyFactory(
        effective_from=datetime.date(year, 11, 15), effective_until=datetime.date(year + 1, 11, 14)
    )
    company = CompanyFactory()
    make_account(company=company, from_year=year)

    with pytest.raises(SettlementRefused) as refused:
        settle(company, season=year)

    assert f"{year + 1}-03-15" in str(refused.value)
    assert settle(company, season=year, preview=True).issued == 1
    assert not Statement.objects.exists()


def test_one_company_never_settles_another_companys_accounts():
    mine, theirs = CompanyFactory(), CompanyFactory()
    mine_account = make_account(company=mine)
    their_account = make_account(company=theirs)
    their_manager = MembershipFactory(organisation=theirs, role=Role.MANAGER).user
    my_clerk = MembershipFactory(organisation=mine, role=Role.CLERK).user
    my_manager = MembershipFactory(organisation=mine, role=Role.MANAGER).user

    with pytest.raises(PermissionDenied):
        settle(mine, mine_account, their_account)
    with pytest.raises(PermissionDenied):
        settle(mine, user=their_manager)
    with pytest.raises(PermissionDenied):
        settle(mine, user=my_clerk)
    assert not Statement.objects.exists()

    assert settle(mine, user=my_manager).issued == 1
    assert list(Statement.objects.values_list("account", flat=True)) == [mine_account.id]


def test_an_account_closed_before_the_season_is_not_the_seasons():
    company = CompanyFactory()
    closed = make_account(company=company, closed_on=datetime.date(2019, 11, 1))
    HeatedPartFactory(premises=closed.premises, kind=BUILDING)

    result = settle(company)

    assert result.issued == 0 and len(result.exceptions) == 1
