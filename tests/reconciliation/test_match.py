"""A generated day with a difference of every kind planted, in every statement format, finds exactly
those differences and nothing else; a clean day finds none; the matching takes a fixed number of
queries however long the statement."""

import datetime
from decimal import Decimal

import pytest

from heating.imports.statements import statement_read
from heating.models import Mismatch
from heating.selectors.reconciliation import statement_match
from tests.reconciliation.helpers import DAY, FORMATS, Trade, generated_day, paid, source_of

Kind = Mismatch.Kind


def expected(source):
    planted = {
        (Kind.MISSING_IN_LEDGER, "HTMISS"),
        (Kind.MISSING_AT_PROVIDER, "HTONLYUS"),
        (Kind.AMOUNT, "HTAMOUNT"),
        (Kind.DUPLICATE, "HT0000"),
    }
    if source != "bank":
        planted.add((Kind.REFUND, "HT0001"))
    return planted


def found(company, fmt, trades):
    statement = statement_read(f"{fmt}.csv", FORMATS[fmt](trades))
    assert statement.errors.items == []
    assert statement.source == source_of(fmt)
    assert statement.day == DAY
    return statement_match(company, statement)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_day_with_every_kind_of_difference_finds_exactly_those(company, accounts, fmt):
    source = source_of(fmt)
    made = accounts(8)
    day = generated_day(source, made)
    match = found(company, fmt, day.trades)
    assert {(m.kind, m.reference) for m in match.mismatches} == expected(source)
    assert len(match.mismatches) == len(expected(source))
    assert match.matched == 5
    assert match.ledger_count == 7  # five matching, the one only in the ledger, the different amount
    by_kind = {m.kind: m for m in match.mismatches}
    assert by_kind[Kind.AMOUNT].provider_amount == 550 and by_kind[Kind.AMOUNT].ledger_amount == 500
    assert by_kind[Kind.AMOUNT].payment_id == day.payments["HTAMOUNT"].pk
    assert by_kind[Kind.MISSING_AT_PROVIDER].payment_id == day.payments["HTONLYUS"].pk
    missing = by_kind[Kind.MISSING_IN_LEDGER]
    assert missing.provider_amount == 1680 and missing.account_id == made[5].pk
    if source != "bank":
        assert missing.order_id == day.orders["HTMISS"].pk


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_clean_day_finds_nothing(company, accounts, fmt):
    day = generated_day(source_of(fmt), accounts(5), clean=True)
    match = found(company, fmt, day.trades)
    assert match.mismatches == []
    assert (match.matched, match.provider_count, match.ledger_count) == (5, 5, 5)
    assert match.provider_total == match.ledger_total


def test_another_companys_payments_and_other_channels_are_not_the_ledgers_side(
    company, other_company, accounts
):
    day = generated_day("wechat", accounts(5), clean=True)
    paid("alipay", accounts(1, start=20)[0], "HTALI", "TALI", "100.00")
    paid("wechat", accounts(1, of=other_company, start=30)[0], "HTOTHER", "TOTHER", "100.00")
    assert found(company, "wechat", day.trades).mismatches == []


def test_a_payment_recorded_the_day_before_matches_a_trade_just_after_midnight(company, accounts):
    account = accounts(1)[0]
    paid("wechat", account, "HTLATE", "TLATE", "80.00", on=DAY - datetime.timedelta(days=1))
    match = found(company, "wechat", [Trade("HTLATE", "TLATE", 80)])
    assert match.mismatches == [] and match.matched == 1


def test_a_reversed_payment_is_not_in_the_ledger(company, accounts):
    from heating.services.payments import payment_reverse

    day = generated_day("bank", accounts(5), clean=True)
    payment_reverse(payment=day.payments["HT0002"], memo="bounced")
    match = found(company, "bank", day.trades)
    assert [(m.kind, m.reference) for m in match.mismatches] == [(Kind.MISSING_IN_LEDGER, "HT0002")]


@pytest.mark.parametrize("fmt", ["wechat", "bank"])
def test_matching_takes_the_same_queries_for_ten_rows_as_for_a_hundred(
    company, accounts, fmt, django_assert_num_queries
):
    source = source_of(fmt)
    small = generated_day(source, accounts(10))
    statement = statement_read("s.csv", FORMATS[fmt](small.trades))
    with django_assert_num_queries(3) as few:  # the day's payments, the orders or accounts, elsewhere
        statement_match(company, statement)
    more = []
    for i, account in enumerate(accounts(100, start=100)):
        reference = f"HB{i:04d}"
        transaction_id = reference if source == "bank" else f"TB{i:04d}"
        paid(source, account, reference, transaction_id, "100.00")
        more.append(Trade(reference, transaction_id, Decimal("100.00"), account.number))
    more.append(Trade("HBMISS", "HBMISS", Decimal("5.00"), "0100"))
    statement = statement_read("s.csv", FORMATS[fmt](small.trades + more))
    with django_assert_num_queries(len(few.captured_queries)):
        statement_match(company, statement)
