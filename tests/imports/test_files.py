"""Reading spreadsheets into rows, and the templates."""
import pytest

from heating.imports import onboarding_template, readings_template
from heating.imports.files import FileRefused, read_table
from heating.imports.onboarding import COLUMNS as BOOK_COLUMNS
from heating.imports.onboarding import EXAMPLES as BOOK_EXAMPLES
from heating.imports.readings import COLUMNS, EXAMPLES

from .conftest import csv_bytes, xlsx_bytes


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("make", "columns", "examples"),
    [(readings_template, COLUMNS, EXAMPLES), (onboarding_template, BOOK_COLUMNS, BOOK_EXAMPLES)],
)
def test_templates_parse_back(fmt, make, columns, examples):
    table = read_table(f"template.{fmt}", make(fmt), columns)

    assert table.keys == tuple(c.key for c in columns)
    assert table.rows == [tuple(example) for example in examples]
    assert table.numbers == list(range(2, 2 + len(examples)))


def test_blank_rows_are_skipped_but_keep_their_numbers():
    data = csv_bytes([["表号", "抄表时间", "读数"], ["a", "t", "1"], ["", "", ""], [], ["b", "t", "2"]])

    table = read_table("r.csv", data, COLUMNS)

    assert table.numbers == [2, 5]
    assert [row[0] for row in table.rows] == ["a", "b"]


def test_xlsx_rows_keep_their_numbers_across_gaps():
    data = xlsx_bytes([["表号", "抄表时间", "读数"], ["a", "t", 1], [None, None, None], ["b", "t", 2.5]])

    table = read_table("r.xlsx", data, COLUMNS)

    assert table.numbers == [2, 4]
    assert table.rows[1] == ("b", "t", "2.5")


def test_header_names_are_matched_loosely():
    data = csv_bytes([[" Meter ", "READ_AT", "value", "读数类型"], ["a", "t", "1", "x"]])

    table = read_table("r.csv", data, COLUMNS)

    assert table.keys == ("meter", "read_at", "value", "type")
    assert table.labels["meter"] == "Meter"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["表号", "读数"]], "缺少必填列：抄表时间"),
        ([["表号", "抄表时间", "读数", "表号"]], "是同一列"),
        ([["表号", "抄表时间", "读数", "温度"]], "无法识别的表头：第 1 行的 D 列"),
        ([[""], [""]], "没有表头行"),
    ],
)
def test_bad_headers_are_refused(rows, message):
    with pytest.raises(FileRefused, match=message):
        read_table("r.csv", csv_bytes(rows), COLUMNS)


def test_a_file_named_xlsx_that_is_not_one_is_refused():
    with pytest.raises(FileRefused, match="不是 Excel"):
        read_table("r.xlsx", b"not,a,workbook\n", COLUMNS)


def test_a_broken_workbook_is_refused():
    with pytest.raises(FileRefused, match="无法读取 Excel"):
        read_table("r.xlsx", b"PK\x03\x04garbage", COLUMNS)

