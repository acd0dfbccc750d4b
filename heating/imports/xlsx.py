"""A bounded reader for .xlsx files: the first worksheet's rows, numbered as Excel numbers them.

openpyxl believes what a file says about itself: it pads every row to the declared dimension, fills
every gap between row numbers and loads all shared strings before the first row, so a 1.6 KB file
kept a worker busy for 20 s and a 2 MB one asked for 4 GB. This reader checks the zip's directory
before it inflates anything, streams the XML through expat (no DTD, so no entity expansion), keeps
only cells that hold something, and stops at the first limit it meets with a message saying which.
"""
import datetime
import io
import posixpath
import time
import zipfile
import zlib
from decimal import Decimal
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from .files import FileRefused

MAX_ENTRIES = 500
MAX_INFLATED = 256 * 1024 * 1024  # all entries together; a full 200,000-row sheet is about 75 MB
# Apache POI refuses an entry that inflates more than 100 times (its MIN_INFLATE_RATIO of 0.01);
# spreadsheets written by Excel, WPS or openpyxl inflate about 10 times.
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024  # small entries may inflate as they like: they cannot be bombs
MAX_SHARED_STRINGS = 2_000_000
MAX_SHARED_CHARS = 30_000_000
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_STYLES = 65_000  # Excel allows 64,000 cell formats
CHUNK = 64 * 1024

_REL = "/relationships"


class _Done(Exception):
    """The part holds nothing more this reader needs."""


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _attribute(attrs: dict, local: str) -> str | None:
    for key, value in attrs.items():
        if _local(key) == local:
            return value
    return None


def _check_directory(archive: zipfile.ZipFile) -> None:
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise FileRefused(f"Excel 文件包含 {len(entries):,} 个部件，超过 {MAX_ENTRIES} 个的上限，不予读取。")
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise FileRefused(
                f"Excel 文件的部件 {entry.filename[:100]} 解压后是压缩时的 "
                f"{entry.file_size // max(entry.compress_size, 1):,} 倍（上限 {MAX_RATIO} 倍），"
                "疑似压缩炸弹，不予读取。"
            )
    if total > MAX_INFLATED:
        raise FileRefused(
            f"Excel 文件解压后共 {total // (1024 * 1024):,} MB，超过 {MAX_INFLATED // (1024 * 1024)} MB"
            "的上限，请拆分后分批导入。"
        )


class _Reader:
    def __init__(self, archive: zipfile.ZipFile, deadline: float, max_columns: int):
        self.archive = archive
        self.deadline = deadline
        self.max_columns = max_columns

    def in_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise FileRefused("读取文件超时：文件过大或结构异常，请拆分后分批导入。")

    def parse(self, name: str, start, end=None, text=None):
        """Feed part `name` to expat in chunks, yielding after each one (so callers can hand on rows)."""
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True

        def no_dtd(*_):
            raise FileRefused("Excel 文件内含 DTD 声明，不予读取。")

        parser.StartDoctypeDeclHandler = no_dtd
        parser.EntityDeclHandler = no_dtd
        parser.StartElementHandler = start
        if end:
            parser.EndElementHandler = end
        if text:
            parser.CharacterDataHandler = text
        try:
            with self.archive.open(name) as part:
                while chunk := part.read(CHUNK):
                    parser.Parse(chunk, False)
                    self.in_time()
                    yield
                parser.Parse(b"", True)
        except _Done:
            pass
        except KeyError:
            raise FileRefused(f"Excel 文件缺少部件 {name[:100]}。") from None
        except expat.ExpatError as exc:
            raise FileRefused(f"Excel 文件已损坏（{name[:100]} 第 {exc.lineno} 行 XML 有误）。") from None
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError):
            raise FileRefused(f"Excel 文件已损坏或已加密（部件 {name[:100]} 无法解压）。") from None

    def run(self, name, start, end=None, text=None) -> None:
        for _ in self.parse(name, start, end, text):
            pass

    # The workbook's parts --------------------------------------------------------------------------

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Id → (type, target path inside the zip) of a part's relationships."""
        folder, base = posixpath.split(part)
        found = {}

        def start(tag, attrs):
            if _local(tag) == "Relationship" and attrs.get("TargetMode") != "External":
                target = attrs.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                found[attrs.get("Id")] = (attrs.get("Type", ""), posixpath.normpath(path))

        rels = posixpath.join(folder, "_rels", base + ".rels")
        if rels in self.archive.namelist():
            self.run(rels, start)
        return found

    def workbook(self) -> tuple[str, str | None, str | None, datetime.datetime]:
        """The first worksheet's part, the shared strings' and styles' parts, and the date epoch."""
        book = next(
            (target for kind, target in self.relationships("").values() if kind.endswith("/officeDocument")),
            "xl/workbook.xml",
        )
        sheets, epoch = [], [CALENDAR_WINDOWS_1900]

        def start(tag, attrs):
            local = _local(tag)
            if local == "sheet":
                sheets.append(_attribute(attrs, "id"))
            elif local == "workbookPr" and attrs.get("date1904") in ("1", "true"):
                epoch[0] = CALENDAR_MAC_1904

        self.run(book, start)
        rels = self.relationships(book)
        worksheet = next(
            (rels[i][1] for i in sheets if i in rels and rels[i][0].endswith("/worksheet")), None
        )
        if worksheet is None:
            raise FileRefused("Excel 文件中没有工作表。")
        by_kind = {kind.rpartition("/")[2]: target for kind, target in rels.values()}
        return worksheet, by_kind.get("sharedStrings"), by_kind.get("styles"), epoch[0]

    def date_styles(self, part: str | None) -> set[int]:
        """Which cell formats (the `s` of a cell) show a number as a date or time."""
        if part is None or part not in self.archive.namelist():
            return set()
        custom, formats, inside = {}, [], [False]

        def start(tag, attrs):
            local = _local(tag)
            if local == "numFmt":
                custom[attrs.get("numFmtId")] = attrs.get("formatCode", "")
            elif local == "cellXfs":
                inside[0] = True
            elif local == "xf" and inside[0]:
                if len(formats) >= MAX_STYLES:
                    raise FileRefused(f"Excel 文件的单元格格式超过 {MAX_STYLES:,} 种，不予读取。")
                formats.append(attrs.get("numFmtId", "0"))

        def end(tag):
            if _local(tag) == "cellXfs":
                raise _Done

        self.run(part, start, end)
        dates = set()
        for index, number in enumerate(formats):
            code = custom.get(number)
            if code is None and number.isdigit():
                code = BUILTIN_FORMATS.get(int(number))
            if code and is_date_format(code):
                dates.add(index)
        return dates

    def shared_strings(self, part: str | None) -> list[str]:
        if part is None or part not in self.archive.namelist():
            return []
        strings: list[str] = []
        state = {"text": [], "chars": 0, "in_t": False, "phonetic": 0, "total": 0}

        def start(tag, attrs):
            local = _local(tag)
            if local == "si":
                if len(strings) >= MAX_SHARED_STRINGS:
                    raise FileRefused(f"Excel 文件的共享字符串超过 {MAX_SHARED_STRINGS:,} 个，不予读取。")
                state["text"], state["chars"] = [], 0
            elif local == "rPh":
                state["phonetic"] += 1
            elif local == "t" and not state["phonetic"]:
                state["in_t"] = True

        def end(tag):
            local = _local(tag)
            if local == "si":
                strings.append("".join(state["text"]))
            elif local == "rPh":
                state["phonetic"] -= 1
            elif local == "t":
                state["in_t"] = False

        def text(data):
            if state["in_t"]:
                state["chars"] += len(data)
                state["total"] += len(data)
                if state["chars"] > MAX_CELL_CHARS:
                    raise FileRefused(f"Excel 文件中有超过 {MAX_CELL_CHARS:,} 个字符的文字，不予读取。")
                if state["total"] > MAX_SHARED_CHARS:
                    raise FileRefused(
                        f"Excel 文件的共享字符串共超过 {MAX_SHARED_CHARS:,} 个字符，请拆分后分批导入。"
                    )
                state["text"].append(data)

        self.run(part, start, end, text)
        return strings

    # The sheet -------------------------------------------------------------------------------------

    def rows(self, part, strings, dates, epoch):
        """(row number, cell values) for every row element of the sheet, blank ones included."""
        done: list[tuple[int, list]] = []
        state = {"row": 0, "cells": {}, "column": 0, "cell": None, "text": [], "chars": 0,
                 "in_text": False, "phonetic": 0}

        def start(tag, attrs):
            local = _local(tag)
            if local == "row":
                number = attrs.get("r")
                number = int(number) if number and number.isdigit() else state["row"] + 1
                if number <= state["row"]:
                    raise FileRefused(f"Excel 文件已损坏（第 {number} 行的行号顺序错误）。")
                state["row"], state["cells"], state["column"] = number, {}, 0
            elif local == "c":
                column = _column(attrs.get("r")) or state["column"] + 1
                state["column"] = column
                state["cell"] = (column, attrs.get("t", "n"), attrs.get("s"))
                state["text"], state["chars"] = [], 0
            elif local == "rPh":
                state["phonetic"] += 1
            elif local in ("v", "t") and state["cell"] and not state["phonetic"]:
                state["in_text"] = True

        def end(tag):
            local = _local(tag)
            if local in ("v", "t"):
                state["in_text"] = False
            elif local == "rPh":
                state["phonetic"] -= 1
            elif local == "c" and state["cell"]:
                column, kind, style = state["cell"]
                state["cell"] = None
                value = _value(kind, "".join(state["text"]), style, strings, dates, epoch)
                if value is None or value == "":
                    return
                if column > self.max_columns:
                    raise FileRefused(
                        f"第 {state['row']} 行第 {column:,} 列有内容，超过 {self.max_columns} 列的上限。"
                    )
                state["cells"][column] = value
            elif local == "row":
                cells = state["cells"]
                width = max(cells, default=0)
                done.append((state["row"], [cells.get(c) for c in range(1, width + 1)]))
            elif local == "sheetData":
                raise _Done

        def text(data):
            if state["in_text"]:
                state["chars"] += len(data)
                if state["chars"] > MAX_CELL_CHARS:
                    raise FileRefused(
                        f"第 {state['row']} 行有超过 {MAX_CELL_CHARS:,} 个字符的单元格，不予读取。"
                    )
                state["text"].append(data)

        for _ in self.parse(part, start, end, text):
            yield from done
            done.clear()
        yield from done


def _column(reference: str | None) -> int:
    """The column number of a cell reference such as "AB12"; 0 when there is none."""
    number = 0
    for char in reference or "":
        if not "A" <= char <= "Z":
            break
        number = number * 26 + ord(char) - 64
    return number


def _value(kind, text, style, strings, dates, epoch):
    if kind == "s":
        try:
            return strings[int(text)]
        except (ValueError, IndexError):
            raise FileRefused("Excel 文件已损坏（引用了不存在的共享字符串）。") from None
    if kind == "b":
        return text == "1"
    if kind in ("inlineStr", "str", "e", "d"):
        return text
    if not text:
        return None
    try:
        # The cell's text as written, exactly: readings and areas are decimals, never binary floats.
        number = Decimal(text) if any(c in text for c in ".eE") else int(text)
    except (ArithmeticError, ValueError):
        return text
    if style is not None and style.isdigit() and int(style) in dates:
        try:
            return from_excel(float(number), epoch)  # a date serial, not money: openpyxl counts in float
        except (OverflowError, ValueError):
            return text
    return number


def xlsx_rows(data: bytes, *, deadline: float, max_columns: int):
    """(row number, values) of the first worksheet, every row element, blank ones included."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRefused("无法读取 Excel 文件：请上传 .xlsx 格式。") from None
    with archive:
        _check_directory(archive)
        reader = _Reader(archive, deadline, max_columns)
        sheet, strings_part, styles_part, epoch = reader.workbook()
        strings = reader.shared_strings(strings_part)
        dates = reader.date_styles(styles_part)
        yield from reader.rows(sheet, strings, dates, epoch)
