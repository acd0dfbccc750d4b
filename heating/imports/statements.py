"""A payment provider's statement for one day (对账单), read for the daily reconciliation: WeChat Pay's
trade bill, Alipay's bill, or the bank's collection file. Which one a file is, is told by its header.

- WeChat Pay's trade bill (交易账单, the CSV that the v3 `tradebill` download URL gives): a header row
  `交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,…,
  应结订单金额,…,退款金额,…,订单金额,…`, one row per trade with every field prefixed by a backtick
  (`` `2026-12-01 10:00:00``), then a summary section (`总交易单数,应结订单总金额,…` and one row),
  whose count is checked against the rows. A SUCCESS row is money received, a REFUND row a refund.
  The amount compared is 订单金额 (what the order asked), or 应结订单金额 in bills without it.
- Alipay's bill as downloaded from `alipay.data.dataservice.bill.downloadurl.query` (GBK CSV): `#`
  comment lines before and after the table, cells padded with tabs. Either the business detail
  (业务明细: 支付宝交易号, 商户订单号, 业务类型 交易/退款, 完成时间, 订单金额（元）) or the account detail
  (账务明细: 业务流水号, 商户订单号, 发生时间, 收入金额（+元）, 支出金额（-元）, 业务类型); rows of other
  business (withdrawals, service fees) are not payments and are skipped.
- The bank's collection file: the same columns as the bank collection import (heating.imports.
  bank_collection), its references and accounts; a reference repeated is a duplicate at the bank,
  not an error, and an account unknown is a difference, not an error.

The day is the day of the statement's payments: every payment row must fall on the same day (refund
rows may refer to trades of earlier days). Messages are fixed texts naming the row and the column,
never quoting a cell.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_noop

from . import bank_collection
from .common import CellError, Errors, parse_date, parse_decimal
from .files import MAX_COLUMNS, FileRefused, _csv_rows, _header_key, read_table

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000  # a county's busiest day is a few thousand; one query looks them all up
HEADER_SEARCH = 30  # the header is within the first lines, after the provider's comments
CENT = Decimal("0.01")
KEY_MAX = 100

WECHAT, ALIPAY, BANK = "wechat", "alipay", "bank"

NOT_RECOGNISED = gettext_noop(
    "无法识别的对账单：应为微信支付交易账单、支付宝账单（业务明细或账务明细）或银行代收文件（CSV 或 .xlsx）。"
)
TOO_MANY_ROWS = gettext_noop("对账单超过 20,000 行，请联系技术支持。")
TOO_LARGE = gettext_noop("文件超过 10 MB，不是一天的对账单。")
EMPTY = gettext_noop("文件是空的。")
NO_PAYMENTS = gettext_noop("对账单中没有收款记录，无法确定对账日期。")
KEY_EMPTY = gettext_noop("商户订单号不能为空")
KEY_LONG = gettext_noop("订单号最多 100 个字符")
TIME_BAD = gettext_noop("不是有效的日期时间，应为 YYYY-MM-DD HH:MM:SS")
AMOUNT_BAD = gettext_noop("金额不是有效的数字，应为十进制数字，如 1680.00")
AMOUNT_PLACES = gettext_noop("金额最多两位小数")
AMOUNT_NOT_POSITIVE = gettext_noop("金额须大于 0")
OTHER_DAY = gettext_noop("该行的日期与对账单第一笔收款的日期不同：一份对账单只能是一天的")
SUMMARY_MISMATCH = gettext_noop("汇总部分的总交易单数与明细行数不一致：文件可能不完整")


@dataclass
class StatementRow:
    number: int
    reference: str  # 商户订单号 (our out_trade_no), or the bank's reference
    transaction_id: str  # the provider's own number; for the bank the same as the reference
    amount: Decimal
    refund: bool
    day: datetime.date | None
    account: str = ""  # bank files only
    season_year: int | None = None  # bank files only


@dataclass
class Statement:
    source: str
    rows: list[StatementRow]
    day: datetime.date | None
    errors: Errors

    @property
    def payments(self) -> list[StatementRow]:
        return [row for row in self.rows if not row.refund]


def _clean(cell: str) -> str:
    """A provider's cell: WeChat prefixes every field with a backtick, Alipay pads with tabs."""
    return cell.strip().lstrip("`").strip()


# Column keys → the header names each provider uses (compared without spaces and brackets).
WECHAT_COLUMNS = {
    "time": ("交易时间",),
    "transaction_id": ("微信订单号",),
    "reference": ("商户订单号",),
    "state": ("交易状态",),
    "settled": ("应结订单金额",),
    "total": ("订单金额",),
    "refund": ("退款金额", "申请退款金额"),
}
ALIPAY_COLUMNS = {
    "transaction_id": ("支付宝交易号", "业务流水号"),
    "reference": ("商户订单号",),
    "kind": ("业务类型",),
    "time": ("完成时间", "发生时间"),
    "total": ("订单金额（元）", "订单金额"),
    "income": ("收入金额（+元）", "收入金额"),
    "expense": ("支出金额（-元）", "支出金额"),
}
MARKERS = {
    WECHAT: _header_key("微信订单号"),
    ALIPAY: {_header_key("支付宝交易号"), _header_key("账务流水号")},
}
ALIPAY_PAID = {"交易", "在线支付", "交易付款"}
ALIPAY_REFUND = {"退款", "交易退款"}


def _source_of(cells: list[str]) -> str | None:
    keys = {_header_key(_clean(c)) for c in cells}
    if MARKERS[WECHAT] in keys:
        return WECHAT
    if keys & MARKERS[ALIPAY]:
        return ALIPAY
    return None


def _positions(cells: list[str], columns: dict) -> tuple[dict, dict]:
    names = {_header_key(name): key for key, aliases in columns.items() for name in aliases}
    positions, labels = {}, {}
    for position, cell in enumerate(cells):
        key = names.get(_header_key(_clean(cell)))
        if key and key not in positions:
            positions[key], labels[key] = position, _clean(cell)
    return positions, labels


def _amount(text: str, *, allow_zero=False) -> Decimal:
    text = text.replace(",", "").lstrip("+").lstrip("¥")
    try:
        value = abs(parse_decimal(text))
    except CellError:
        raise CellError(AMOUNT_BAD) from None
    if value != value.quantize(CENT):
        raise CellError(AMOUNT_PLACES)
    if value <= 0 and not allow_zero:
        raise CellError(AMOUNT_NOT_POSITIVE)
    return value.quantize(CENT)


def _day(text: str) -> datetime.date:
    try:
        return parse_date(text[:10].replace("/", "-"))
    except CellError:
        raise CellError(TIME_BAD) from None


def _key(text: str) -> str:
    if not text:
        raise CellError(KEY_EMPTY)
    if len(text) > KEY_MAX:
        raise CellError(KEY_LONG)
    return text


class _Skip(Exception):
    """A row that is no payment and no refund (a closed trade, a withdrawal): not compared."""


def _wechat_row(cell) -> dict:
    state = cell("state").upper()
    if state not in ("SUCCESS", "REFUND"):
        raise _Skip
    refund = state == "REFUND"
    amount_key = "refund" if refund else ("total" if cell("total") else "settled")
    return {"refund": refund, "amount_key": amount_key}


def _alipay_row(cell) -> dict:
    kind = cell("kind")
    if kind in ALIPAY_REFUND:
        refund = True
    elif kind in ALIPAY_PAID or (not kind and cell("total")):
        refund = False
    else:
        raise _Skip
    if cell("total"):
        amount_key = "total"
    else:
        amount_key = "expense" if refund else "income"
    return {"refund": refund, "amount_key": amount_key}


def _read_provider(source: str, rows, header: list[str], errors: Errors) -> list:
    columns = WECHAT_COLUMNS if source == WECHAT else ALIPAY_COLUMNS
    positions, labels = _positions(header, columns)
    errors.labels.update(labels)
    out, trades, summary_count = [], 0, None
    classify = _wechat_row if source == WECHAT else _alipay_row
    for number, raw in rows:
        cells = [_clean(c) for c in raw]
        if not any(cells):
            continue
        if cells[0].startswith("#"):
            continue  # Alipay's comments and totals after the table
        if cells[0] == "总交易单数":
            summary = next(rows, (None, []))[1]
            summary_count = _clean(summary[0]) if summary else ""
            break
        trades += 1
        if trades > MAX_ROWS:
            raise FileRefused(TOO_MANY_ROWS)

        def cell(key, cells=cells):
            position = positions.get(key)
            return cells[position] if position is not None and position < len(cells) else ""

        try:
            kind = classify(cell)
        except _Skip:
            continue
        values, bad = {}, False
        readers = {
            "reference": lambda: _key(cell("reference")),
            "transaction_id": lambda: cell("transaction_id")[:64],
            "amount": lambda key=kind["amount_key"]: _amount(cell(key)),
            "day": lambda: _day(cell("time")),
        }
        for key, read in readers.items():
            try:
                values[key] = read()
            except CellError as exc:
                column = kind["amount_key"] if key == "amount" else ("time" if key == "day" else key)
                errors.add(number, column, str(exc))
                bad = True
        if not bad:
            out.append(StatementRow(number=number, refund=kind["refund"], **values))
    if summary_count is not None and summary_count.isdigit() and int(summary_count) != trades:
        errors.add(None, "", SUMMARY_MISMATCH)
    return out


def _read_bank(file_name: str, data: bytes, errors: Errors) -> list[StatementRow]:
    table = read_table(
        file_name, data, bank_collection.COLUMNS, max_bytes=MAX_BYTES, max_rows=MAX_ROWS
    )
    errors.labels.update({c.key: c.label for c in bank_collection.COLUMNS} | table.labels)
    position = {key: i for i, key in enumerate(table.keys)}
    today = datetime.date.max  # a statement of a future day is told by its reconciliation's day
    out = []
    for number, raw in zip(table.numbers, table.rows, strict=True):
        cells = {c.key: (raw[position[c.key]] if c.key in position else "") for c in bank_collection.COLUMNS}
        row = bank_collection.collection_row(number, cells, errors, today)
        if row is not None:
            out.append(
                StatementRow(
                    number=number, reference=row.reference, transaction_id=row.reference, amount=row.amount,
                    refund=False, day=row.paid_on, account=row.account, season_year=row.season_year,
                )
            )
    return out


def statement_read(file_name: str, data: bytes) -> Statement:
    """The statement's rows, or its row errors; FileRefused when it cannot be read at all."""
    if len(data) > MAX_BYTES:
        raise FileRefused(TOO_LARGE)
    if not data.strip():
        raise FileRefused(EMPTY)
    errors = Errors({})
    source, rows = BANK, None
    if data[:4] != b"PK\x03\x04":
        lines = _csv_rows(data)
        for number, raw in lines:
            if number > HEADER_SEARCH:
                break
            if len(raw) > MAX_COLUMNS:
                raise FileRefused(NOT_RECOGNISED)
            found = _source_of(raw)
            if found:
                source = found
                rows = _read_provider(found, lines, raw, errors)
                break
    if rows is None:
        try:
            rows = _read_bank(file_name, data, errors)
        except FileRefused as refusal:
            # A header the bank file does not have either: the file is none of the three.
            if "表头" in str(refusal) or "必填列" in str(refusal):
                raise FileRefused(NOT_RECOGNISED) from None
            raise
    day = _statement_day(rows, errors, column="paid_on" if source == BANK else "time")
    return Statement(source=source, rows=rows, day=day, errors=errors)


def _statement_day(rows: list[StatementRow], errors: Errors, *, column: str) -> datetime.date | None:
    paid = [row for row in rows if not row.refund]
    if not paid:
        if not errors:
            errors.add(None, "", NO_PAYMENTS)
        return None
    day = paid[0].day
    for row in paid:
        if row.day != day:
            errors.add(row.number, column, OTHER_DAY)
    return day
