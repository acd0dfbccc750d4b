"""A bank's collection file: preview, all-or-nothing commit, each reference paid once."""
import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from heating.imports import NotPending, bank_collection
from heating.imports.bank_collection import bank_collection_batch_commit, import_bank_collection_file
from heating.models import BankCollection, ImportBatch, LedgerEntry, Payment
from heating.selectors.ledger import money_held
from tests.factories import PaymentFactory
from tests.imports.conftest import csv_bytes, xlsx_bytes

from .conftest import HEADER


def preview(company, user, rows, *, name="bank.csv", header=HEADER):
    data = xlsx_bytes([header, *rows]) if name.endswith(".xlsx") else csv_bytes([header, *rows])
    return import_bank_collection_file(company=company, user=user, file_name=name, data=data)


def preview_and_commit(company, user, rows, **kwargs):
    result = preview(company, user, rows, **kwargs)
    assert result.ok, result.errors
    return bank_collection_batch_commit(batch=result.batch, user=user)


@pytest.mark.parametrize("name", ["bank.csv", "bank.xlsx"])
def test_it_previews_then_records_each_row_as_a_bank_collection(company, alice, accounts, name):
    one, two = accounts(2)
    rows = [
        ["0001", "1680.00", "B001", "2019-11-20", "2019-2020"],
        ["0002", "99.5", "B002", "2020-03-01", ""],  # the season running that day
        ["0001", "12", "B003", "2020-06-01", ""],  # between seasons: the next one
    ]

    result = preview(company, alice, rows, name=name)

    assert result.ok and result.batch.status == ImportBatch.Status.PREVIEWED
    assert result.summary["payments"] == 3 and result.summary["total"] == "1791.50"
    assert not Payment.objects.exists()

    result = bank_collection_batch_commit(batch=result.batch, user=alice)

    assert result.committed and result.batch.status == ImportBatch.Status.COMMITTED
    got = sorted(
        Payment.objects.values_list(
            "account__number", "season_year", "amount", "paid_on", "channel", "reference"
        )
    )
    assert got == [
        ("0001", 2019, Decimal("1680.00"), datetime.date(2019, 11, 20), "bank_collection", "B001"),
        ("0001", 2020, Decimal("12.00"), datetime.date(2020, 6, 1), "bank_collection", "B003"),
        ("0002", 2019, Decimal("99.50"), datetime.date(2020, 3, 1), "bank_collection", "B002"),
    ]
    assert all(p.created_by == alice for p in Payment.objects.all())
    entries = sorted(LedgerEntry.objects.values_list("account__number", "season_year", "kind", "amount"))
    assert entries == [
        ("0001", 2019, LedgerEntry.Kind.PAYMENT, Decimal("-1680.00")),
        ("0001", 2020, LedgerEntry.Kind.PAYMENT, Decimal("-12.00")),
        ("0002", 2019, LedgerEntry.Kind.PAYMENT, Decimal("-99.50")),
    ]
    assert money_held([one.id, two.id], 2019) == {one.id: Decimal("1680.00"), two.id: Decimal("99.50")}
    assert set(BankCollection.objects.values_list("reference", "batch", "company")) == {
        (ref, result.batch.pk, company.pk) for ref in ("B001", "B002", "B003")
    }
    assert Payment.history.filter(history_type="+").count() == 3


def test_a_bad_row_writes_nothing_and_each_error_names_its_row_and_column(
    company, other_company, alice, accounts
):
    accounts(1)
    accounts(1, of=other_company, start=2)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    rows = [
        ["0001", "100", "B1", "2019-11-20", ""],  # row 2: good
        ["9999", "100", "B2", "2019-11-20", ""],  # row 3: no such account
        ["0002", "100", "B3", "2019-11-20", ""],  # row 4: another company's account
        ["0001", "0", "B4", "2019-11-20", ""],  # row 5
        ["0001", "-5", "B5", "2019-11-20", ""],  # row 6
        ["0001", "1.005", "B6", "2019-11-20", ""],  # row 7
        ["0001", "abc", "B7", "2019-11-20", ""],  # row 8
        ["0001", "100", "B8", "2019-02-30", ""],  # row 9
        ["0001", "100", "B9", tomorrow, ""],  # row 10
        ["0001", "100", "B1", "2019-11-20", ""],  # row 11: B1 again
        ["0001", "100", "", "2019-11-20", ""],  # row 12
        ["0001", "100", "B12", "2019-11-20", "2019-2021"],  # row 13
    ]

    result = preview(company, alice, rows)

    assert not result.ok and result.batch.status == ImportBatch.Status.REJECTED
    got = {(e["row"], e["column"], e["message"]) for e in result.errors}
    assert got == {
        (3, "户号", bank_collection.ACCOUNT_UNKNOWN),
        (4, "户号", bank_collection.ACCOUNT_UNKNOWN),
        (5, "金额", bank_collection.AMOUNT_NOT_POSITIVE),
        (6, "金额", bank_collection.AMOUNT_NOT_POSITIVE),
        (7, "金额", bank_collection.AMOUNT_PLACES),
        (8, "金额", bank_collection.AMOUNT_BAD),
        (9, "入账日期", bank_collection.DATE_BAD),
        (10, "入账日期", bank_collection.DATE_FUTURE),
        (11, "银行流水号", bank_collection.REFERENCE_REPEATED),
        (12, "银行流水号", bank_collection.REFERENCE_EMPTY),
        (13, "供暖季", bank_collection.SEASON_BAD),
    }
    assert not any("9999" in e["message"] or "0002" in e["message"] for e in result.errors)
    with pytest.raises(NotPending):
        bank_collection_batch_commit(batch=result.batch, user=alice)
    assert not Payment.objects.exists() and not LedgerEntry.objects.exists()
    assert not BankCollection.objects.exists()


def test_the_same_file_committed_twice_pays_nothing_twice(company, alice, accounts):
    accounts(2)
    rows = [["0001", "100", "B1", "2019-11-20", ""], ["0002", "200", "B2", "2019-11-20", ""]]
    first = preview(company, alice, rows)
    again = preview(company, alice, rows)  # previewed before the first is committed

    assert bank_collection_batch_commit(batch=first.batch, user=alice).committed
    result = bank_collection_batch_commit(batch=again.batch, user=alice)

    assert result.committed and result.summary["recorded"] == 0
    assert result.summary["already"] == 2 and result.summary["already_rows"] == [2, 3]
    assert Payment.objects.count() == 2 and LedgerEntry.objects.count() == 2

    third = preview(company, alice, rows)
    assert third.ok and third.summary["payments"] == 0 and third.summary["already"] == 2


def test_a_later_file_repeating_a_reference_records_only_the_new_rows(company, alice, accounts):
    accounts(2)
    preview_and_commit(company, alice, [["0001", "100", "B1", "2019-11-20", ""]])

    result = preview_and_commit(
        company, alice, [["0001", "100", "B1", "2019-11-20", ""], ["0002", "300", "B2", "2019-11-21", ""]]
    )

    assert result.summary["recorded"] == 1 and result.summary["already_rows"] == [2]
    assert sorted(Payment.objects.values_list("reference", "amount")) == [
        ("B1", Decimal("100.00")), ("B2", Decimal("300.00"))
    ]


def test_the_same_reference_at_another_company_is_its_own(company, other_company, alice, bob, accounts):
    accounts(1)
    accounts(1, of=other_company, start=2)
    preview_and_commit(company, alice, [["0001", "100", "B1", "2019-11-20", ""]])

    result = preview_and_commit(other_company, bob, [["0002", "100", "B1", "2019-11-20", ""]])

    assert result.summary["recorded"] == 1 and Payment.objects.count() == 2


def test_the_database_refuses_a_reference_recorded_twice(company, alice, accounts):
    accounts(1)
    preview_and_commit(company, alice, [["0001", "100", "B1", "2019-11-20", ""]])
    recorded = BankCollection.objects.get()
    payment = PaymentFactory(account=recorded.payment.account, channel=Payment.Channel.BANK_COLLECTION)

    with pytest.raises(IntegrityError), transaction.atomic():
        BankCollection.objects.create(company=company, reference="B1", payment=payment, batch=recorded.batch)


def test_a_file_past_the_bounds_is_refused_before_its_rows_are_read(company, alice, accounts, monkeypatch):
    accounts(1)
    monkeypatch.setattr(bank_collection, "MAX_ROWS", 2)
    rows = [["0001", "1", f"B{i}", "2019-11-20", ""] for i in range(3)]

    result = preview(company, alice, rows)

    assert result.batch.status == ImportBatch.Status.REJECTED and result.batch.rows == 0
    assert "行" in result.errors[0]["message"] and result.errors[0]["row"] is None

    monkeypatch.setattr(bank_collection, "MAX_BYTES", 100)
    result = preview(company, alice, [["0001", "1", "X" * 90, "2019-11-20", ""]])
    assert result.batch.status == ImportBatch.Status.REJECTED and "MB" in result.errors[0]["message"]
    assert not Payment.objects.exists()


def test_the_commit_takes_as_many_queries_for_many_rows_as_for_few(company, alice, accounts):
    accounts(40)

    def commit_counting(rows):
        result = preview(company, alice, rows)
        with CaptureQueriesContext(connection) as queries:
            assert bank_collection_batch_commit(batch=result.batch, user=alice).committed
        return len(queries)

    few = commit_counting([["0001", "1", "F1", "2019-11-20", ""], ["0002", "1", "F2", "2019-11-20", ""]])
    many = commit_counting([[f"{i:04d}", "1", f"M{i}", "2019-11-20", ""] for i in range(1, 41)])

    assert few == many
    assert Payment.objects.count() == 42
