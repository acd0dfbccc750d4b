"""The civil-affairs bureau's roster of 城市低保/特困 households (POLICY.md §5): one row per certificate
with the holder's name and identity number. Rows are matched to households by the keyed hash of the
identity number (never stored, logged or echoed: a row's error names the row and the column only);
a matched household's home gets an approved certificate. Rows that match no home, or more than one,
are reported, not written. Any wrong cell refuses the whole file: all or nothing, like every import.

Messages are fixed texts (gettext_noop) so that the pages can show them in the reader's language."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from heating import identity
from heating.billing import RESIDENTIAL
from heating.models import Account, AccountTerms, ImportBatch, LowIncomeCertificate
from heating.models.accounts import Decision

from .common import (
    CellError,
    Errors,
    ImportResult,
    NotPending,
    batch_create,
    batch_finish,
    batch_refused,
    parse_date,
)
from .files import Column, FileRefused, PendingMissing, pending_discard, pending_load, read_table, template

KIND = ImportBatch.Kind.LOW_INCOME_ROSTER
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_LISTED = 1000

COLUMNS = (
    Column("name", "姓名", ("户主", "持证人"), required=True),
    Column("id_number", "身份证号", ("身份证", "身份证号码", "证件号码"), required=True),
    Column("number", "证件编号", ("证号", "证书编号"), required=True),
    Column("kind", "类别", ("证件类别", "证件类型"), required=True),
    Column("valid_from", "有效期起", ("起始日期",), required=True),
    Column("valid_until", "有效期至", ("截止日期",)),
)
EXAMPLES = (("张三", "", "DB2019-0001", "低保证", "2019-01-01", "2021-12-31"),)
KINDS = {
    name: value
    for value, names in {
        LowIncomeCertificate.Kind.DIBAO: ("低保证", "城市低保", "低保", "dibao"),
        LowIncomeCertificate.Kind.TEKUN: ("特困人员证", "城市特困", "特困", "特困供养", "tekun"),
    }.items()
    for name in names
}

ID_EMPTY = gettext_noop("身份证号不能为空")
ID_SHAPE = gettext_noop("身份证号应为18位：17位数字加1位数字或X")
ID_CHECKSUM = gettext_noop("身份证号校验位不正确")
NAME_EMPTY = gettext_noop("姓名不能为空")
NAME_LONG = gettext_noop("姓名最多 100 个字符")
NUMBER_EMPTY = gettext_noop("证件编号不能为空")
NUMBER_LONG = gettext_noop("证件编号最多 50 个字符")
KIND_UNKNOWN = gettext_noop("类别应为 低保证 或 特困人员证")
FROM_EMPTY = gettext_noop("有效期起不能为空")
DATE_BAD = gettext_noop("不是有效的日期，应为 YYYY-MM-DD，如 2019-11-01")
PERIOD_BAD = gettext_noop("有效期至不能早于有效期起")
REPEATED = gettext_noop("同一证件在本文件前面的行中已出现")
NO_HOME = gettext_noop("没有找到该身份证号登记的居民供暖账户")
SEVERAL_HOMES = gettext_noop("该身份证号名下有多个居民供暖账户，无法确定居住的一户，请与供热企业核实")
OTHER_HOME = gettext_noop("该证件已为另一户批准，有效期重叠")
PENDING_FILE_GONE = gettext_noop("服务器上已找不到待导入的文件，请重新上传。")


def roster_template(fmt: str) -> bytes:
    return template(COLUMNS, EXAMPLES, fmt)


def batch_note(batch_id: int) -> str:
    """Written as each certificate's comment: where it came from."""
    return f"名册导入，批次 {batch_id}。"


@dataclass
class Row:
    number: int
    id_hash: str
    certificate: str
    kind: str
    valid_from: object
    valid_until: object


def _id_hash(text: str) -> str:
    if not text:
        raise CellError(ID_EMPTY)
    try:
        return identity.fingerprint(text)
    except ValidationError as refused:
        raise CellError(ID_CHECKSUM if refused.code == "checksum" else ID_SHAPE) from None


def _text(text: str, empty: str, long: str, limit: int) -> str:
    if not text:
        raise CellError(empty)
    if len(text) > limit:
        raise CellError(long)
    return text


def _date(text: str):
    try:
        return parse_date(text)
    except CellError:
        raise CellError(DATE_BAD) from None


def _read_row(number: int, cells: dict, errors: Errors) -> Row | None:
    """The row's cells each checked; a message never quotes a cell (it may hold an identity number)."""
    values, before = {}, errors.count
    readers = {
        "name": lambda t: _text(t, NAME_EMPTY, NAME_LONG, 100),
        "id_hash": lambda t: _id_hash(t),
        "certificate": lambda t: _text(t, NUMBER_EMPTY, NUMBER_LONG, 50),
        "kind": lambda t: KINDS.get(t.strip().lower()) or KINDS.get(t.strip()) or _unknown_kind(),
        "valid_from": lambda t: _date(t) if t else _empty_from(),
        "valid_until": lambda t: _date(t) if t else None,
    }
    keys = {"id_hash": "id_number", "certificate": "number"}
    for name, read in readers.items():
        key = keys.get(name, name)
        try:
            values[name] = read(cells[key])
        except CellError as exc:
            errors.add(number, key, str(exc))
    if errors.count > before:
        return None
    if values["valid_until"] is not None and values["valid_until"] < values["valid_from"]:
        errors.add(number, "valid_until", PERIOD_BAD)
        return None
    del values["name"]
    return Row(number=number, **values)


def _unknown_kind():
    raise CellError(KIND_UNKNOWN)


def _empty_from():
    raise CellError(FROM_EMPTY)


def _check(table) -> tuple[list[Row], Errors]:
    errors = Errors({c.key: c.label for c in COLUMNS} | table.labels)
    position = {key: i for i, key in enumerate(table.keys)}
    rows, seen = [], set()
    for number, raw in zip(table.numbers, table.rows, strict=True):
        cells = {c.key: (raw[position[c.key]] if c.key in position else "") for c in COLUMNS}
        row = _read_row(number, cells, errors)
        if row is None:
            continue
        key = (row.kind, row.certificate, row.valid_from)
        if key in seen:
            errors.add(number, "number", REPEATED)
            continue
        seen.add(key)
        rows.append(row)
    return rows, errors


@dataclass
class Plan:
    create: list[tuple[Row, int]]  # (row, account id)
    already: int
    unmatched: list[dict]  # {"row", "reason"}


def _homes(hashes: set[str]) -> dict[str, list[int]]:
    """Identity hash → the open residential accounts of the customers with that number (any company)."""
    accounts = dict(
        Account.objects.filter(customer__id_number_hash__in=hashes, closed_on__isnull=True).values_list(
            "id", "customer__id_number_hash"
        )
    )
    price_class = {}
    for account_id, value in (
        AccountTerms.objects.filter(account_id__in=accounts)
        .order_by("from_year")
        .values_list("account_id", "price_class")
    ):
        price_class[account_id] = value
    homes: dict[str, list[int]] = {}
    for account_id, digest in accounts.items():
        if price_class.get(account_id) == RESIDENTIAL:
            homes.setdefault(digest, []).append(account_id)
    return homes


def _overlaps(a_from, a_until, b_from, b_until) -> bool:
    return (a_until is None or a_until >= b_from) and (b_until is None or b_until >= a_from)


def _plan(rows: list[Row]) -> Plan:
    homes = _homes({r.id_hash for r in rows})
    approved: dict[tuple[str, str], list] = {}
    for account_id, kind, number, valid_from, valid_until in LowIncomeCertificate.objects.filter(
        status=Decision.APPROVED, number__in={r.certificate for r in rows}
    ).values_list("account_id", "kind", "number", "valid_from", "valid_until"):
        approved.setdefault((kind, number), []).append((account_id, valid_from, valid_until))
    plan = Plan([], 0, [])
    for row in rows:
        found = homes.get(row.id_hash, [])
        if len(found) != 1:
            if len(plan.unmatched) < MAX_LISTED:
                plan.unmatched.append({"row": row.number, "reason": NO_HOME if not found else SEVERAL_HOMES})
            continue
        account_id = found[0]
        held = [
            held_by for held_by, start, end in approved.get((row.kind, row.certificate), [])
            if _overlaps(start, end, row.valid_from, row.valid_until)
        ]
        if account_id in held:
            plan.already += 1
        elif held:
            plan.unmatched.append({"row": row.number, "reason": OTHER_HOME})
        else:
            plan.create.append((row, account_id))
    return plan


def _write(plan: Plan, *, bureau, batch, user) -> int:
    now = timezone.now()
    certificates = [
        LowIncomeCertificate(
            account_id=account_id, kind=row.kind, number=row.certificate, valid_from=row.valid_from,
            valid_until=row.valid_until, status=Decision.APPROVED, decided_by=bureau,
            decided_duty=LowIncomeCertificate.DUTY, decided_by_user=user, decided_at=now,
            comment=batch_note(batch.pk),
        )
        for row, account_id in plan.create
    ]
    bulk_create_with_history(
        certificates, LowIncomeCertificate, batch_size=1000, default_user=user,
        default_change_reason=batch_note(batch.pk),
    )
    return len(certificates)


def _summary(plan: Plan, created: int) -> dict:
    return {
        "matched": len(plan.create), "already": plan.already, "unmatched": plan.unmatched, "created": created,
    }


def _read(file_name, data):
    return read_table(file_name, data, COLUMNS, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)


def import_roster_file(*, bureau, user, file_name: str, data: bytes) -> ImportResult:
    """Check a roster file and keep it for the commit when every row is right; record the batch."""
    try:
        table = _read(file_name, data)  # the size is checked first, the rows counted as they are read
    except FileRefused as refusal:
        return batch_refused(
            company=bureau, user=user, kind=KIND, file_name=file_name, data=data, refusal=refusal
        )
    rows, errors = _check(table)
    plan = _plan(rows) if not errors else Plan([], 0, [])
    with transaction.atomic():
        batch = batch_create(
            company=bureau, user=user, kind=KIND, file_name=file_name, data=data, rows=len(table),
            status=ImportBatch.Status.PREVIEWED,
        )
        batch_finish(batch, errors, _summary(plan, 0), committed=False, data=data)
    return ImportResult(batch, batch.rows, errors.count, batch.errors, False, _summary(plan, 0))


def roster_batch_commit(*, batch: ImportBatch, user) -> ImportResult:
    """Check the kept file again against the books as they are now, and write it all or nothing."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("company").get(pk=batch.pk)
        if batch.status != ImportBatch.Status.PREVIEWED or batch.kind != KIND:
            raise NotPending(batch.pk)
        transaction.on_commit(lambda pk=batch.pk: pending_discard(pk))
        try:
            table = _read(batch.file_name, pending_load(batch.pk))
        except (PendingMissing, FileRefused):
            errors = Errors()
            errors.add(None, "", PENDING_FILE_GONE)
            batch_finish(batch, errors, {}, committed=False)
            return ImportResult(batch, batch.rows, 1, batch.errors, False, {})
        rows, errors = _check(table)
        plan = _plan(rows) if not errors else Plan([], 0, [])
        created = 0 if errors else _write(plan, bureau=batch.company, batch=batch, user=user)
        summary = _summary(plan, created)
        batch_finish(batch, errors, summary, committed=not errors)
    return ImportResult(batch, batch.rows, errors.count, batch.errors, not errors, summary)
