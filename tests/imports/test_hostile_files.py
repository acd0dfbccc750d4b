"""Hostile files are refused quickly, with a message that says why (issue 6, item 1).

Each file is built here, small, the way an attacker would write it by hand: one worksheet part with
whatever XML it likes, zipped with or without compression.
"""
import io
import time
import zipfile

import pytest

from heating.imports.files import FileRefused, read_table
from heating.imports.readings import COLUMNS

from .conftest import csv_bytes, xlsx_bytes

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe8\xa1\xa8\xe5\x8f\xb7</t></is></c>'  # 表号
    b'<c r="B1" t="inlineStr"><is><t>read_at</t></is></c>'
    b'<c r="C1" t="inlineStr"><is><t>value</t></is></c></row>'
)
# Well under the 5 s the issue allows, and far above what each takes (see the report).
BOUND = 5.0


def content_types(strings: bool) -> str:
    """Not needed by the portal's reader, but openpyxl (the reader before it) looks parts up here."""
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = [("/xl/workbook.xml", "sheet.main"), ("/xl/worksheets/sheet1.xml", "worksheet")]
    if strings:
        parts.append(("/xl/sharedStrings.xml", "sharedStrings"))
    overrides = "".join(f'<Override PartName="{p}" ContentType="{kind}.{k}+xml"/>' for p, k in parts)
    return (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>'
    )


def workbook(sheet_data: bytes, *, dimension=None, shared=None, stored=False, before=b"") -> bytes:
    """A minimal .xlsx: a workbook, one worksheet holding `sheet_data`, optional shared strings."""
    dim = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
    sheet = (
        before + f'<worksheet xmlns="{MAIN}">'.encode() + dim + b"<sheetData>" + sheet_data
        + b"</sheetData></worksheet>"
    )
    strings_rel = (
        f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
        if shared is not None
        else ""
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", content_types(shared is not None))
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/worksheet" '
            f'Target="worksheets/sheet1.xml"/>{strings_rel}</Relationships>',
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">'.encode() + shared + b"</sst>")
    return out.getvalue()


def refused(data: bytes, name="hostile.xlsx") -> tuple[str, float]:
    start = time.monotonic()
    with pytest.raises(FileRefused) as refusal:
        read_table(name, data, COLUMNS)
    return str(refusal.value), time.monotonic() - start


def test_a_declared_dimension_of_a_million_cells_with_one_real_cell_is_refused_at_once():
    data = workbook(
        b'<row r="20000"><c r="XFD20000" t="inlineStr"><is><t>x</t></is></c></row>',
        dimension="A1:XFD20000",
    )
    assert len(data) < 2000

    message, seconds = refused(data)

    assert "第 20000 行第 16,384 列有内容，超过 200 列的上限" in message
    assert seconds < BOUND


def test_the_declared_dimension_is_ignored_for_a_good_file():
    rows = b'<row r="2"><c r="A2" t="inlineStr"><is><t>M1</t></is></c><c r="B2" t="inlineStr"><is>' \
           b'<t>2020-01-01 08:00</t></is></c><c r="C2"><v>12.5</v></c></row>'
    data = workbook(HEADER_ROW + rows, dimension="A1:XFD20000")

    start = time.monotonic()
    table = read_table("ok.xlsx", data, COLUMNS)

    assert time.monotonic() - start < BOUND
    assert table.rows == [("M1", "2020-01-01 08:00", "12.5")] and table.numbers == [2]


def test_ten_kilobytes_of_empty_rows_are_refused_as_a_zip_bomb():
    data = workbook(b"<row/>" * 1_700_000)
    assert len(data) < 20_000

    message, seconds = refused(data)

    assert "sheet1.xml 解压后是压缩时的" in message and "压缩炸弹" in message
    assert seconds < BOUND


def test_a_far_row_number_counts_its_blank_rows_toward_the_limit():
    message, seconds = refused(workbook(HEADER_ROW + b'<row r="1048576"/>', stored=True))

    assert "文件超过 200,000 行（空行也计算在内）" in message
    assert seconds < BOUND


def test_empty_row_elements_count_toward_the_row_limit(monkeypatch):
    monkeypatch.setattr("heating.imports.files.MAX_ROWS", 1000)

    message, _ = refused(workbook(b"<row/>" * 1002, stored=True))

    assert "文件超过 1,000 行（空行也计算在内）" in message


def test_blank_csv_lines_count_toward_the_row_limit(monkeypatch):
    monkeypatch.setattr("heating.imports.files.MAX_ROWS", 3)
    data = csv_bytes([["表号", "抄表时间", "读数"], ["M1", "2020-01-01 08:00", "1"], [], [], []])

    message, _ = refused(data, "r.csv")

    assert "文件超过 3 行（空行也计算在内）" in message


def test_a_shared_strings_bomb_is_refused_before_it_is_inflated():
    data = workbook(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared=b"<si><t>x</t></si>" * 1_000_000)
    assert len(data) < 100_000

    message, seconds = refused(data)

    assert "sharedStrings.xml 解压后是压缩时的" in message and "压缩炸弹" in message
    assert seconds < BOUND


def test_too_many_shared_strings_are_refused_even_uncompressed(monkeypatch):
    monkeypatch.setattr("heating.imports.xlsx.MAX_SHARED_STRINGS", 1000)
    data = workbook(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared=b"<si/>" * 1001, stored=True)

    message, _ = refused(data)

    assert "共享字符串超过 1,000 个" in message


def test_too_much_shared_text_is_refused(monkeypatch):
    monkeypatch.setattr("heating.imports.xlsx.MAX_SHARED_CHARS", 1000)
    data = workbook(b"", shared=(b"<si><t>" + b"x" * 600 + b"</t></si>") * 2)

    message, _ = refused(data)

    assert "共享字符串共超过 1,000 个字符" in message


def test_a_huge_cell_is_refused():
    data = workbook(b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + b"x" * 40_000 + b"</t></is></c></row>")

    message, _ = refused(data)

    assert "第 1 行有超过 32,767 个字符的单元格" in message


def test_a_file_that_declares_a_dtd_is_refused():
    entity = b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>'
    message, _ = refused(workbook(HEADER_ROW, before=entity))

    assert "DTD" in message


def test_a_zip_of_too_many_entries_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for i in range(501):
            z.writestr(f"x/{i}", b"")

    message, _ = refused(out.getvalue())

    assert "501 个部件，超过 500 个的上限" in message


def test_too_much_inflated_data_is_refused(monkeypatch):
    monkeypatch.setattr("heating.imports.xlsx.MAX_INFLATED", 1000)

    message, _ = refused(workbook(HEADER_ROW + b"<row/>" * 200, stored=True))

    assert "解压后共 0 MB，超过 0 MB的上限" in message


def test_reading_stops_at_the_deadline(monkeypatch):
    monkeypatch.setattr("heating.imports.files.MAX_SECONDS", -1)
    rows = [["表号", "抄表时间", "读数"], ["M1", "2020-01-01 08:00", 1]]

    for name, data in (("r.xlsx", xlsx_bytes(rows)), ("r.csv", csv_bytes(rows))):
        message, _ = refused(data, name)
        assert "读取文件超时" in message


def test_a_csv_line_too_long_is_refused():
    data = csv_bytes([["表号", "抄表时间", "读数"], ["M1", "2020-01-01 08:00", "1" * 20_000]])

    message, _ = refused(data, "r.csv")

    assert "第 2 行超过 10,000 个字符" in message


def test_a_csv_row_of_too_many_columns_is_refused():
    data = csv_bytes([["表号", "抄表时间", "读数"], ["M1"] * 201])

    message, _ = refused(data, "r.csv")

    assert "第 2 行超过 200 列" in message


def test_an_unclosed_quote_is_refused_with_a_message():
    opened = "表号,抄表时间,读数\r\nM1,\"2020\r\n".encode()
    data = opened + (b"y" * 9000 + b"\r\n") * 20  # the quoted cell runs on past csv's field limit

    message, _ = refused(data, "r.csv")

    assert "CSV 格式有误" in message and "引号不成对" in message


def test_bytes_that_are_no_known_encoding_are_refused_with_where():
    message, _ = refused("表号,抄表时间,读数\n".encode() + b"\x80\x80", "r.csv")

    assert "无法识别文件编码（第 28 个字节起无法解码）" in message


def test_a_number_cell_is_read_as_its_exact_decimal_text_not_through_a_float():
    long = "1234567.1234567890123"  # a float keeps 17 significant digits of it
    rows = b'<row r="2"><c r="A2" t="inlineStr"><is><t>M1</t></is></c><c r="B2" t="inlineStr"><is>' \
           b'<t>2020-01-01 08:00</t></is></c><c r="C2"><v>' + long.encode() + b"</v></c></row>"

    table = read_table("ok.xlsx", workbook(HEADER_ROW + rows), COLUMNS)

    assert table.rows == [("M1", "2020-01-01 08:00", long)]
