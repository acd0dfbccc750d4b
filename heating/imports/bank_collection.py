"""A bank's daily collection file (银行代收): one row per amount the bank collected for an account,
with the bank's reference (流水号). Each row becomes a payment of channel 银行代收 for the season the
file names, or, like the counter, the season running on the day (between seasons, the next one).

A reference is recorded once per company (BankCollection's unique constraint): a row whose reference
is already recorded, by an earlier file or the same file again, is reported and skipped, never paid
twice. Any wrong cell refuses the whole file: all or nothing, like every import. Messages are fixed
texts (gettext_noop) that never quote a cell."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from heating.models import Account, BankCollection, ImportBatch, Organisation, Payment
from heating.selectors.statements import season_from_name
from heating.selectors.takings import counter_season
from heating.services.payments import payments_record

from .common import (
    CellError,
    Errors,
    ImportResult,
    batch_create,
    batch_finish,
    batch_lock_pending,
    batch_refused,
    parse_date,
    parse_decimal,
)
from .files import Column, FileRefused, read_table, template

KIND = ImportBatch.Kind.BANK_COLLECTION
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
MAX_LISTED = 1000
CHUNK = 500
MOST = Decimal("1000000.00")  # the counter's largest single payment
CENT = Decimal("0.01")
REFERENCE_MAX = BankCollection._meta.get_field("reference").max_length
ACCOUNT_MAX = Account._meta.get_field("number").max_length

COLUMNS = (
    Column("account", "户号", ("账户", "用户编号"), required=True),
    Column("amount", "金额", ("金额（元）", "代收金额"), required=True),
    Column("reference", "银行流水号", ("流水号", "交易流水号"), required=True),
    Column("paid_on", "入账日期", ("交易日期", "代收日期"), required=True),
    Column("season", "供暖季"),
)
EXAMPLES = (("0001", "1680.00", "B20191120000001", "2019-11-20", "2019-2020"),)

ACCOUNT_EMPTY = gettext_noop("户号不能为空")
ACCOUNT_UNKNOWN = gettext_noop("本公司没有该户号的供暖账户")
AMOUNT_EMPTY = gettext_noop("金额不能为空")
AMOUNT_BAD = gettext_noop("金额不是有效的数字，应为十进制数字，如 1680.00")
AMOUNT_NOT_POSITIVE = gettext_noop("金额须大于 0")
AMOUNT_PLACES = gettext_noop("金额最多两位小数")
AMOUNT_TOO_LARGE = gettext_noop("金额不能超过 1000000 元")
REFERENCE_EMPTY = gettext_noop("银行流水号不能为空")
REFERENCE_LONG = gettext_noop("银行流水号最多 100 个字符")
REFERENCE_REPEATED = gettext_noop("该银行流水号在本文件前面的行中已出现")
DATE_EMPTY = gettext_noop("入账日期不能为空")
DATE_BAD = gettext_noop("不是有效的日期，应为 YYYY-MM-DD，如 2019-11-20")
DATE_FUTURE = gettext_noop("入账日期不能晚于今天")
SEASON_BAD = gettext_noop("供暖季格式应为 YYYY-YYYY，且后一年等于前一年加一，如 2019-2020")
RACED = gettext_noop("另一批次同时写入了相同的银行流水号，本批次未写入任何数据，请重新上传。")


def bank_collection_template(fmt: str) -> bytes:
    return template(COLUMNS, EXAMPLES, fmt)


@dataclass
class Row:
    number: int
    account: str
    amount: Decimal
    reference: str
    paid_on: object
    season_year: int


def _amount(text: str) -> Decimal:
    if not text:
        raise CellError(AMOUNT_EMPTY)
    try:
        value = parse_decimal(text.replace(",", ""))
    except CellError:
        raise CellError(AMOUNT_BAD) from None
    if value <= 0:
        raise CellError(AMOUNT_NOT_POSITIVE)
    if value != value.quantize(CENT):
        raise CellError(AMOUNT_PLACES)
    if value > MOST:
        raise CellError(AMOUNT_TOO_LARGE)
    return value.quantize(CENT)


def _reference(text: str) -> str:
    if not text:
        raise CellError(REFERENCE_EMPTY)
    if len(text) > REFERENCE_MAX:
        raise CellError(REFERENCE_LONG)
    return text


def _paid_on(text: str, today):
    if not text:
        raise CellError(DATE_EMPTY)
    try:
        day = parse_date(text)
    except CellError:
        raise CellError(DATE_BAD) from None
    if day > today:
        raise CellError(DATE_FUTURE)
    return day


def _season(text: str):
    if not text:
        return None
    start_year = season_from_name(text)
    if start_year is None:
        raise CellError(SEASON_BAD)
    return start_year


def _account(text: str) -> str:
    if not text:
        raise CellError(ACCOUNT_EMPTY)
    return text


def collection_row(number: int, cells: dict, errors: Errors, today) -> Row | None:
    values, before = {}, errors.count
    readers = {
        "account": _account,
        "amount": _amount,
        "reference": _reference,
        "paid_on": lambda t: _paid_on(t, today),
        "season": _season,
    }
    for key, read in readers.items():
        try:
            values[key] = read(cells[key].strip())
        except CellError as exc:
            errors.add(number, key, str(exc))
    if errors.count > before:
        return None
    season = values.pop("season")
    if season is None:
        season = counter_season(values["paid_on"])
    return Row(number=number, season_year=season, **values)


def _accounts(company, numbers: set[str]) -> dict[str, int]:
    """Account number → id, of this company only; a number of another company is as unknown."""
    found = {}
    listed = sorted(n for n in numbers if len(n) <= ACCOUNT_MAX)
    for start in range(0, len(listed), CHUNK):
        found.update(
            Account.objects.filter(company=company, number__in=listed[start : start + CHUNK]).values_list(
                "number", "id"
            )
        )
    return found


def _recorded(company, references: list[str]) -> set[str]:
    recorded = set()
    for start in range(0, len(references), CHUNK):
        recorded.update(
            BankCollection.objects.filter(
                company=company, reference__in=references[start : start + CHUNK]
            ).values_list("reference", flat=True)
        )
    return recorded


@dataclass
class Plan:
    create: list[tuple[Row, int]]  # (row, account id)
    already: list[int]  # row numbers whose reference is recorded


def _check(table, company) -> tuple[Plan, Errors]:
    """Every row's cells, the references within the file, the accounts; then what is recorded."""
    errors = Errors({c.key: c.label for c in COLUMNS} | table.labels)
    position = {key: i for i, key in enumerate(table.keys)}
    today = timezone.localdate()
    rows, seen = [], set()
    for number, raw in zip(table.numbers, table.rows, strict=True):
        cells = {c.key: (raw[position[c.key]] if c.key in position else "") for c in COLUMNS}
        row = collection_row(number, cells, errors, today)
        if row is None:
            continue
        if row.reference in seen:
            errors.add(number, "reference", REFERENCE_REPEATED)
            continue
        seen.add(row.reference)
        rows.append(row)
    accounts = _accounts(company, {r.account for r in rows})
    for row in rows:
        if row.account not in accounts:
            errors.add(row.number, "account", ACCOUNT_UNKNOWN)
    if errors:
        return Plan([], []), errors
    recorded = _recorded(company, [r.reference for r in rows])
    plan = Plan([], [])
    for row in rows:
        if row.reference in recorded:
            plan.already.append(row.number)
        else:
            plan.create.append((row, accounts[row.account]))
    return plan, errors


def _write(plan: Plan, *, batch, user) -> int:
    payments = [
        Payment(
            account_id=account_id, season_year=row.season_year, amount=row.amount, paid_on=row.paid_on,
            channel=Payment.Channel.BANK_COLLECTION, reference=row.reference,
        )
        for row, account_id in plan.create
    ]
    payments_record(payments=payments, user=user, chunk=CHUNK)
    BankCollection.objects.bulk_create(
        [
            BankCollection(
                company_id=batch.company_id, reference=payment.reference, payment=payment, batch=batch
            )
            for payment in payments
        ],
        batch_size=CHUNK,
    )
    return len(payments)


def _summary(plan: Plan, recorded: int) -> dict:
    return {
        "payments": len(plan.create),
        "total": str(sum((row.amount for row, _ in plan.create), Decimal("0.00"))),
        "already": len(plan.already),
        "already_rows": plan.already[:MAX_LISTED],
        "recorded": recorded,
    }


def _read(file_name, data):
    return read_table(file_name, data, COLUMNS, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)


def import_bank_collection_file(
    *, company, user, file_name: str, data: bytes, commit: bool = False
) -> ImportResult:
    """Check a collection file and keep it for the commit when every row is right; record the batch.
    commit=True goes on to write it at once when it is."""
    try:
        table = _read(file_name, data)  # the size is checked first, the rows counted as they are read
    except FileRefused as refusal:
        return batch_refused(
            company=company, user=user, kind=KIND, file_name=file_name, data=data, refusal=refusal
        )
    plan, errors = _check(table, company)
    with transaction.atomic():
        batch = batch_create(
            company=company, user=user, kind=KIND, file_name=file_name, data=data, rows=len(table),
            status=ImportBatch.Status.PREVIEWED,
        )
        batch_finish(batch, errors, _summary(plan, 0), committed=False, data=data)
    result = ImportResult(batch, batch.rows, errors.count, batch.errors, False, _summary(plan, 0))
    if commit and result.ok:
        return bank_collection_batch_commit(batch=batch, user=user)
    return result


def bank_collection_batch_commit(*, batch: ImportBatch, user) -> ImportResult:
    """Check the kept file again against what is recorded now, and write it all or nothing.

    The company's row is locked first, so a second commit of the company's collections waits and
    then finds this one's references recorded; the unique constraint stands behind the lock."""
    with transaction.atomic():
        batch, table = batch_lock_pending(batch, KIND, COLUMNS)
        if isinstance(table, ImportResult):
            return table
        Organisation.objects.select_for_update().filter(pk=batch.company_id).first()
        plan, errors = _check(table, batch.company_id)
        recorded = 0
        if not errors:
            try:
                with transaction.atomic():
                    recorded = _write(plan, batch=batch, user=user)
            except IntegrityError:
                errors.add(None, "", RACED)
                plan = Plan([], [])
        summary = _summary(plan, recorded)
        batch_finish(batch, errors, summary, committed=not errors)
    return ImportResult(batch, batch.rows, errors.count, batch.errors, not errors, summary)
