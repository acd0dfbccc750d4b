"""Heat-meter reading files (CSV/XLSX): parse every row, judge the rest with the reading service, and
write all of them or none (POLICY.md §7; the rules themselves live in heating/reading_rules.py).

`import_readings_file` is the whole job without HTTP: with commit=False it records a previewed batch
and keeps the file for `readings_batch_commit`, which judges the file again and writes it.
"""
import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from heating.models import ImportBatch, Reading
from heating.reading_messages import refusal_field, refusal_text
from heating.reading_rules import DUPLICATE, IMPLAUSIBLE, REJECTED, STORED, Outcome
from heating.services.readings import Incoming, readings_ingest, readings_judge

from .common import (
    MAX_LISTED,
    CellError,
    Errors,
    ImportResult,
    batch_create,
    batch_finish,
    batch_lock_pending,
    batch_refused,
    check_length,
    parse_choice,
    parse_decimal,
    parse_moment,
)
from .files import Column, FileRefused, read_table, template

KIND = ImportBatch.Kind.READINGS

COLUMNS = (
    Column("meter", "表号", ("meter_serial", "serial"), required=True),
    Column("read_at", "抄表时间", ("time", "reading_time"), required=True),
    Column("value", "读数", ("reading", "register"), required=True),
    Column("unit", "单位"),
    Column("type", "类型", ("kind", "读数类型")),
    Column("reading_id", "编号", ("client_id", "读数编号")),
    Column("note", "备注", ("说明",)),
)
EXAMPLES = (
    ("HM-000123", "2020-03-15 08:00:00", "123.4567", "GJ", "实抄", "route7-HM-000123-20200315", ""),
    ("HM-000124", "2020-03-15T08:05:00+08:00", "35.2", "MWh", "估抄", "", "用户不在家，按上季估抄"),
)
UNITS = {"gj": "GJ", "mwh": "MWh", "kwh": "kWh", "吉焦": "GJ", "兆瓦时": "MWh", "千瓦时": "kWh"}
TYPES = {
    "actual": "actual",
    "estimated": "estimated",
    "customer": "customer",
    "exchange": "exchange",
    **{str(label): value for value, label in Reading.Kind.choices},
}
FLAG_MESSAGES = {IMPLAUSIBLE: "日用热量异常偏高，写入后标记为待复核"}


def readings_template(fmt: str) -> bytes:
    return template(COLUMNS, EXAMPLES, fmt)


def _labels(table) -> dict[str, str]:
    """Column names for messages: as the file spells them, else as the template does."""
    return {c.key: c.label for c in COLUMNS} | table.labels


def _parse(table) -> tuple[list[Incoming], list[int], Errors]:
    """The rows that can be read become Incoming readings; every unreadable cell becomes an error."""
    errors = Errors(_labels(table))
    position = {key: i for i, key in enumerate(table.keys)}
    at = {key: position.get(key) for key, _ in _READERS}
    incoming, numbers = [], []
    for number, row in zip(table.numbers, table.rows, strict=True):
        cells = {key: (row[i] if i is not None else "") for key, i in at.items()}
        good = True
        item = {}
        for key, read in _READERS:
            try:
                item[key] = read(cells[key])
            except CellError as exc:
                errors.add(number, key, str(exc))
                good = False
        if good:
            incoming.append(
                Incoming(
                    serial=item["meter"],
                    read_at=item["read_at"],
                    value=item["value"],
                    unit=item["unit"],
                    kind=item["type"],
                    client_id=item["reading_id"],
                    note=item["note"],
                )
            )
            numbers.append(number)
    return incoming, numbers, errors


def _meter(text):
    if not text:
        raise CellError("表号不能为空")
    return check_length(text, 40, what="表号")


def _read_at(text):
    if not text:
        raise CellError("抄表时间不能为空")
    return parse_moment(text)


def _value(text):
    if not text:
        raise CellError("读数不能为空")
    return parse_decimal(text, what="读数")


def _unit(text):
    return parse_choice(text, UNITS, what="单位（应为 GJ、MWh 或 kWh）") if text else "GJ"


def _type(text):
    if not text:
        return "actual"
    return parse_choice(text, TYPES, what="读数类型（应为 实抄、估抄、用户自报 或 换表）")


def _reading_id(text):
    return check_length(text, 100, what="编号") if text else None


def _note(text):
    return check_length(text, 200, what="备注")


_READERS = (
    ("meter", _meter),
    ("read_at", _read_at),
    ("value", _value),
    ("unit", _unit),
    ("type", _type),
    ("reading_id", _reading_id),
    ("note", _note),
)


def explain_refusal(outcome: Outcome, item: Incoming, rows_at: dict) -> tuple[str, str]:
    """(column key, message) for a reading the service refused; a neighbouring reading that is
    another row of this file is named by its row number."""
    message = refusal_text(outcome.code, outcome.params, outcome.reason or "被拒绝")
    if outcome.code in ("below_earlier", "above_later", "conflict_time"):
        try:
            row = rows_at.get((item.serial, datetime.datetime.fromisoformat(outcome.params["read_at"])))
        except (KeyError, ValueError):
            row = None
        if row:
            message += _("（本文件第 %(row)s 行）") % {"row": row}
    return refusal_field(outcome.code) or "", message


def _tally(outcomes, incoming, numbers, errors: Errors) -> dict:
    """Errors for the refused readings; counts and row lists for the rest."""
    rows_at = {}
    for outcome in outcomes:
        if outcome.status == STORED:
            item = incoming[outcome.index]
            rows_at[(item.serial, item.read_at)] = numbers[outcome.index]
    good = flagged = duplicates = 0
    duplicate_rows, flagged_rows = [], []
    for outcome in outcomes:
        row = numbers[outcome.index]
        if outcome.status == REJECTED:
            column, message = explain_refusal(outcome, incoming[outcome.index], rows_at)
            errors.add(row, column, message)
        elif outcome.status == DUPLICATE:
            duplicates += 1
            if len(duplicate_rows) < MAX_LISTED:
                duplicate_rows.append(row)
        elif outcome.status == STORED:
            good += 1
            if outcome.flags:
                flagged += 1
                if len(flagged_rows) < MAX_LISTED:
                    words = "；".join(FLAG_MESSAGES.get(f, f) for f in outcome.flags)
                    flagged_rows.append({"row": row, "message": words})
    return {
        "good": good,
        "duplicates": duplicates,
        "flagged": flagged,
        "duplicate_rows": duplicate_rows,
        "flagged_rows": flagged_rows,
    }


def _ingest(batch, incoming, numbers, labels, user) -> ImportResult:
    """Write every reading or none, in the caller's transaction, and record the outcome on the batch."""
    errors = Errors(labels)
    try:
        with transaction.atomic():
            outcomes = readings_ingest(
                company=batch.company,
                incoming=incoming,
                source=Reading.Source.IMPORT,
                user=user,
                all_or_nothing=True,
                import_batch=batch,
            )
    except IntegrityError:
        # Another writer stored a reading between the judgement and the insert.
        errors.add(None, "", "写入时与同时进行的其他录入冲突，未写入任何读数，请重新上传。")
        outcomes = []
    summary = _tally(outcomes, incoming, numbers, errors)
    committed = not errors
    summary["stored"] = summary["good"] if committed else 0
    batch_finish(batch, errors, summary, committed=committed)
    return ImportResult(batch, batch.rows, errors.count, batch.errors, committed, summary)


def import_readings_file(*, company, user, file_name: str, data: bytes, commit: bool) -> ImportResult:
    """Read, check and (with commit=True and no error at all) write a reading file; record the batch.

    commit=False only previews: the batch is 'previewed' when the whole file is valid, and the file
    waits (encrypted) under MEDIA_ROOT for `readings_batch_commit`.
    """
    try:
        table = read_table(file_name, data, COLUMNS)
    except FileRefused as refusal:
        return batch_refused(
            company=company, user=user, kind=KIND, file_name=file_name, data=data, refusal=refusal
        )
    incoming, numbers, errors = _parse(table)
    if commit and not errors:
        with transaction.atomic():
            batch = batch_create(
                company=company, user=user, kind=KIND, file_name=file_name, data=data,
                rows=len(table), status=ImportBatch.Status.PREVIEWED,
            )
            return _ingest(batch, incoming, numbers, _labels(table), user)
    outcomes, _ = readings_judge(company=company, incoming=incoming)
    summary = _tally(outcomes, incoming, numbers, errors)
    with transaction.atomic():
        batch = batch_create(
            company=company, user=user, kind=KIND, file_name=file_name, data=data,
            rows=len(table), status=ImportBatch.Status.PREVIEWED,
        )
        batch_finish(batch, errors, summary, committed=False, data=data)
    return ImportResult(batch, batch.rows, errors.count, batch.errors, False, summary)


def readings_batch_commit(*, batch: ImportBatch, user) -> ImportResult:
    """Judge the kept file again and write it all, or nothing with the new errors (one transaction)."""
    with transaction.atomic():
        batch, table = batch_lock_pending(batch, KIND, COLUMNS)
        if isinstance(table, ImportResult):
            return table
        incoming, numbers, errors = _parse(table)
        if errors:  # the same file read the same way: only a changed parser could get here
            batch_finish(batch, errors, {}, committed=False)
            return ImportResult(batch, batch.rows, errors.count, batch.errors, False, {})
        return _ingest(batch, incoming, numbers, _labels(table), user)
