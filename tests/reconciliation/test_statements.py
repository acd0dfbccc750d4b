"""Reading statements: each provider's real layout is recognised, rows are read with their line
numbers, wrong cells are named by row and column without quoting them, and the file is bounded."""

from decimal import Decimal

import pytest

from heating.imports.files import FileRefused
from heating.imports.statements import statement_read
from tests.reconciliation.helpers import DAY, Trade, alipay_account_bill, bank_file, wechat_bill

SECRET = "370323198001010011"  # an identity number typed into the wrong cell


def test_the_wechat_bill_skips_its_summary_and_reads_refunds_apart():
    statement = statement_read(
        "wx.csv",
        wechat_bill(
            [Trade("HT1", "42001", Decimal("1680.00")), Trade("HT1", "42001", Decimal("20.00"), refund=True)]
        ),
    )
    assert statement.source == "wechat" and statement.day == DAY
    (paid,) = statement.payments
    assert (paid.number, paid.reference, paid.transaction_id, paid.amount) == (
        2,
        "HT1",
        "42001",
        Decimal("1680.00"),
    )
    assert [r.amount for r in statement.rows if r.refund] == [Decimal("20.00")]


def test_a_wechat_bill_cut_short_is_refused_by_its_own_summary():
    data = wechat_bill([Trade("HT1", "1", Decimal("1.00")), Trade("HT2", "2", Decimal("2.00"))])
    lines = data.decode().split("\r\n")
    del lines[2]
    statement = statement_read("wx.csv", "\r\n".join(lines).encode())
    assert statement.errors.items[0]["row"] is None
    assert "总交易单数" in statement.errors.items[0]["message"]


def test_the_alipay_account_detail_skips_fees_and_other_business():
    statement = statement_read("ali.csv", alipay_account_bill([Trade("HT1", "2025A", Decimal("12.30"))]))
    assert statement.source == "alipay"
    assert [(r.reference, r.transaction_id, r.amount) for r in statement.rows] == [
        ("HT1", "2025A", Decimal("12.30"))
    ]


def test_a_wrong_amount_names_the_row_and_the_column_and_never_quotes_the_cell():
    data = wechat_bill([Trade("HT1", "1", Decimal("1.00")), Trade("HT2", "2", Decimal("2.00"))])
    data = data.replace(b"`2.00", b"`" + SECRET.encode())
    statement = statement_read("wx.csv", data)
    assert statement.errors.count >= 1
    error = statement.errors.items[0]
    assert error["row"] == 3 and error["column"] == "订单金额"
    assert SECRET not in str(statement.errors.items)


def test_a_bank_row_of_another_day_is_an_error_of_that_row():
    data = bank_file(
        [
            Trade("B1", "B1", Decimal("1.00"), "0001"),
            Trade("B2", "B2", Decimal("2.00"), "0002", day=DAY.replace(day=2)),
        ]
    )
    statement = statement_read("bank.csv", data)
    assert [(e["row"], e["column"]) for e in statement.errors.items] == [(3, "入账日期")]


def test_a_bank_reference_repeated_is_read_twice_for_the_reconciliation_to_call_it_a_duplicate():
    statement = statement_read("bank.csv", bank_file([Trade("B1", "B1", Decimal("1.00"), "0001")] * 2))
    assert statement.errors.count == 0 and len(statement.payments) == 2


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xef\xbb\xbf\n\n",
        "姓名,身份证号\n张三,370323198001010011\n".encode(),
        b"x" * (10 * 1024 * 1024 + 1),
    ],
)
def test_files_that_are_no_statement_are_refused_in_words_without_their_content(data):
    with pytest.raises(FileRefused) as refused:
        statement_read("f.csv", data)
    assert SECRET not in str(refused.value)


def test_a_statement_without_payments_has_no_day():
    statement = statement_read("wx.csv", wechat_bill([Trade("HT1", "1", Decimal("1.00"), refund=True)]))
    assert statement.day is None and statement.errors.count == 1
