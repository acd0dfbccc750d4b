"""Spreadsheet files in and out: CSV/XLSX into rows of text, header names into columns, templates.

Row numbers are the ones a spreadsheet shows: the header is row 1 (in the usual file), the first data
row is row 2, and blank rows keep their number so that an error points at the right line.
"""
import base64
import csv
import datetime
import hashlib
import hmac
import io
import json
import os
import re
import tempfile
import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import tablib
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from openpyxl.utils import get_column_letter

MAX_BYTES = settings.IMPORT_MAX_BYTES
MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_LINE = 10_000  # characters in one line of a CSV
# To read one file: 200,000 rows of .xlsx take about 5 s on the test machine. Well inside gunicorn's
# default WEB_TIMEOUT (30 s), so a slow file is refused in words rather than its worker killed.
MAX_SECONDS = 20
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class FileRefused(ValueError):
    """The file as a whole cannot be read (size, format, encoding, header); the message is for people."""


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the Chinese header the template uses
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass
class Table:
    """Data rows as text cells in column order, with the spreadsheet row number of each."""

    labels: dict[str, str]  # column key → the header as the file spells it
    numbers: list[int]
    rows: list[tuple[str, ...]]
    keys: tuple[str, ...]

    def __len__(self):
        return len(self.rows)


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# Characters no import cell means and PostgreSQL will not store in text (NUL) or shows as nothing.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _refuse_control_characters(number: int, raw: list[str]) -> None:
    for position, cell in enumerate(raw):
        if _CONTROL.search(cell):
            raise FileRefused(
                f"第 {number:,} 行 {get_column_letter(position + 1)} 列含有不可见的控制字符（如空字符），"
                "请删除后重新导入。"
            )


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s_\-（）()]+", "", text)


def _cell_text(value) -> str:
    """A cell as text the parsers understand: numbers without a float tail, times in ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


def _lines(text: str) -> Iterator[str]:
    for number, line in enumerate(io.StringIO(text, newline=""), 1):
        if len(line) > MAX_LINE:
            raise FileRefused(f"第 {number} 行超过 {MAX_LINE:,} 个字符，不是本系统的导入文件格式。")
        yield line


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise FileRefused(
                f"无法识别文件编码（第 {exc.start + 1:,} 个字节起无法解码）："
                "请另存为 UTF-8 或 GB18030 编码的 CSV。"
            ) from None
    reader = csv.reader(_lines(text))
    try:
        yield from enumerate(reader, 1)
    except csv.Error:
        raise FileRefused(
            f"CSV 格式有误（第 {reader.line_num:,} 行附近）：引号不成对、含有空字符或单元格过长。"
        ) from None


def _xlsx_rows(data: bytes, deadline: float) -> Iterator[tuple[int, list[str]]]:
    from .xlsx import xlsx_rows

    for number, values in xlsx_rows(data, deadline=deadline, max_columns=MAX_COLUMNS):
        yield number, [_cell_text(value) for value in values]


def _kind(file_name: str, data: bytes) -> str:
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    name = file_name.lower()
    if name.endswith((".xlsx", ".xlsm")):
        raise FileRefused("文件扩展名是 .xlsx，但内容不是 Excel 文件。")
    if name.endswith(".xls"):
        raise FileRefused("不支持旧版 .xls 文件：请在 Excel 中另存为 .xlsx 或 CSV。")
    return "csv"


def read_table(
    file_name: str, data: bytes, columns: Sequence[Column], *, max_bytes: int | None = None,
    max_rows: int | None = None,
) -> Table:
    """The rows of the first sheet (or the CSV), cells as stripped text, mapped to `columns`.

    The header is the first non-blank row; blank rows are skipped but keep their numbers (and count
    toward MAX_ROWS, or a file of empty rows would cost time for nothing), and so are columns without
    a header. Reading stops with FileRefused at the first limit passed: size, rows, columns, time
    (an import may set lower size and row limits than the portal's).
    """
    max_bytes = MAX_BYTES if max_bytes is None else min(max_bytes, MAX_BYTES)
    max_rows = MAX_ROWS if max_rows is None else min(max_rows, MAX_ROWS)
    if len(data) > max_bytes:
        raise FileRefused(f"文件超过 {max_bytes // (1024 * 1024)} MB，请拆分后分批导入。")
    if not data.strip():
        raise FileRefused("文件是空的。")
    deadline = time.monotonic() + MAX_SECONDS
    rows = _xlsx_rows(data, deadline) if _kind(file_name, data) == "xlsx" else _csv_rows(data)
    positions = None
    keys: tuple[str, ...] = ()
    labels: dict[str, str] = {}
    numbers: list[int] = []
    table: list[tuple[str, ...]] = []
    for number, raw in rows:
        if number > max_rows + 1:
            raise FileRefused(f"文件超过 {max_rows:,} 行（空行也计算在内），请拆分后分批导入。")
        if time.monotonic() > deadline:
            raise FileRefused("读取文件超时：文件过大或结构异常，请拆分后分批导入。")
        while raw and not raw[-1].strip():
            raw.pop()
        _refuse_control_characters(number, raw)
        if len(raw) > MAX_COLUMNS:
            raise FileRefused(f"第 {number:,} 行超过 {MAX_COLUMNS} 列，不是本系统的导入文件格式。")
        if positions is None:
            if not raw:
                continue
            positions, keys, labels = _map_header(number, raw, columns)
            continue
        cells = [raw[p].strip() if p < len(raw) else "" for p in positions]
        if not any(cells):
            continue
        numbers.append(number)
        table.append(tuple(cells))
    if positions is None:
        raise FileRefused("文件没有表头行。")
    return Table(labels=labels, numbers=numbers, rows=table, keys=keys)


def _map_header(number: int, raw: list[str], columns: Sequence[Column]):
    """Header cells to columns. A refusal names columns by letter and never quotes a cell: a file
    without its header row has personal data where the header should be."""
    names = {}
    for column in columns:
        for name in (column.key, column.label, *column.aliases):
            names[_header_key(name)] = column
    positions, keys, labels, unknown = [], [], {}, []
    for position, cell in enumerate(raw):
        if not cell.strip():
            continue
        column = names.get(_header_key(cell))
        if column is None:
            unknown.append(get_column_letter(position + 1))
        elif column.key in labels:
            # Both cells are names of this column, not data: quoting them is safe.
            raise FileRefused(f"表头“{cell.strip()}”与“{labels[column.key]}”是同一列，请删除其一。")
        else:
            positions.append(position)
            keys.append(column.key)
            labels[column.key] = cell.strip()
    problems = []
    if unknown:
        where = "、".join(unknown[:10]) + ("等" if len(unknown) > 10 else "")
        problems.append(f"无法识别的表头：第 {number} 行的 {where} 列（第一个非空行应为表头）")
    missing = [c.label for c in columns if c.required and c.key not in labels]
    if missing:
        problems.append(f"缺少必填列：{'、'.join(missing)}")
    if problems:
        expected = "、".join(c.label for c in columns)
        raise FileRefused(f"{'；'.join(problems)}。可用的列：{expected}。")
    return positions, tuple(keys), labels


# A cell starting with one of these is a formula to Excel and WPS (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell as text that a spreadsheet shows as text: a leading apostrophe before a formula start."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_export(header: Sequence, rows) -> bytes:
    """Every CSV the portal hands out: UTF-8 with a BOM (so Excel reads the Chinese), cells neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in (header, *rows):
        writer.writerow([csv_cell(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template(columns: Sequence[Column], examples: Sequence[Sequence[str]], fmt: str) -> bytes:
    """A template with the Chinese headers and example rows, as CSV (UTF-8 with BOM, for Excel) or XLSX."""
    if fmt == "csv":
        return csv_export([c.label for c in columns], examples)
    dataset = tablib.Dataset(headers=[c.label for c in columns], title="导入模板")
    for example in examples:
        dataset.append(list(example))
    if fmt == "xlsx":
        return dataset.export("xlsx")
    raise ValueError(fmt)


# Files waiting between preview and commit ---------------------------------------------------------
#
# Under MEDIA_ROOT so every web worker sees them, encrypted because books files carry identity numbers.


def _pending_root() -> Path:
    root = settings.MEDIA_ROOT or Path(settings.BASE_DIR) / "media"
    return Path(root) / "imports"


def _fernet() -> Fernet:
    key = hmac.new(settings.ID_NUMBER_KEY.encode(), b"import-pending-file", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class PendingMissing(LookupError):
    pass


def pending_save(batch_id: int, data: bytes) -> None:
    _write_atomically(_pending_root() / f"{batch_id}.upload", _fernet().encrypt(data))


def pending_load(batch_id: int) -> bytes:
    try:
        return _fernet().decrypt((_pending_root() / f"{batch_id}.upload").read_bytes())
    except (FileNotFoundError, InvalidToken):
        raise PendingMissing(batch_id) from None


def pending_discard(batch_id: int) -> None:
    (_pending_root() / f"{batch_id}.upload").unlink(missing_ok=True)


def summary_save(batch_id: int, summary: dict) -> None:
    """Counts and notes for the batch's page (the model has no field for them)."""
    content = json.dumps(summary, ensure_ascii=False, default=str).encode()
    _write_atomically(_pending_root() / f"{batch_id}.json", content)


def summary_load(batch_id: int) -> dict | None:
    try:
        return json.loads((_pending_root() / f"{batch_id}.json").read_bytes())
    except (FileNotFoundError, ValueError):
        return None
