"""Reading files through `import_readings_file`, without HTTP."""
import datetime
from decimal import Decimal

import pytest

from heating.imports import NotPending, import_readings_file, readings_batch_commit
from heating.models import ImportBatch, Reading
from tests.factories import ReadingFactory, aware

from .conftest import csv_bytes, xlsx_bytes

HEADER = ["表号", "抄表时间", "读数", "单位", "类型", "编号", "备注"]


def good_rows(serials, per_meter=10):
    """Readings a day apart, rising 0.5 GJ a day from 100 GJ, meter by meter."""
    rows = []
    for serial in serials:
        for day in range(per_meter):
            at = datetime.datetime(2020, 1, 1, 8) + datetime.timedelta(days=day)
            value = 100 + Decimal("0.5") * day
            rows.append([serial, at.strftime("%Y-%m-%d %H:%M:%S"), str(value), "GJ", "", "", ""])
    return rows


def run(company, user, rows, *, commit, header=HEADER, name="readings.csv", **kwargs):
    data = csv_bytes([header, *rows], **kwargs)
    return import_readings_file(company=company, user=user, file_name=name, data=data, commit=commit)


def test_a_valid_file_is_written_in_one_go_and_recorded(company, alice, meters):
    serials = [m.serial for m in meters(5)]
    result = run(company, alice, good_rows(serials), commit=True)

    assert result.committed and result.error_count == 0
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.status, batch.rows) == ("readings", "committed", 50)
    assert batch.file_name == "readings.csv"
    assert batch.created_by == alice and batch.committed_at is not None and len(batch.file_sha256) == 64
    readings = Reading.objects.filter(import_batch=batch)
    assert readings.count() == 50
    assert set(readings.values_list("source", flat=True)) == {Reading.Source.IMPORT}
    assert set(readings.values_list("created_by", flat=True)) == {alice.pk}
    first = readings.get(meter__serial=serials[0], read_at=aware(2020, 1, 1, 8))
    assert first.value_gj == Decimal("100.000000")


def test_one_bad_row_among_500_writes_nothing_and_names_the_row(company, alice, meters):
    serials = [m.serial for m in meters(50)]
    rows = good_rows(serials)
    assert len(rows) == 500
    rows[315][2] = "12,5"  # spreadsheet row 317: the header is row 1, the first data row is row 2

    result = run(company, alice, rows, commit=True)

    assert not result.committed
    assert result.error_count == 1
    assert result.errors == [
        {"row": 317, "column": "读数", "message": "“12,5”不是有效的读数（应为十进制数字，如 123.45）"}
    ]
    assert Reading.objects.count() == 0
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.rows, batch.error_count) == ("rejected", 500, 1)
    assert batch.errors == result.errors


def test_a_row_the_rules_refuse_writes_nothing_and_names_the_row(company, alice, meters):
    serials = [m.serial for m in meters(50)]
    rows = good_rows(serials)
    rows[315][2] = "1.0"  # below the reading of the day before, on row 316

    result = run(company, alice, rows, commit=True)

    assert Reading.objects.count() == 0
    assert result.error_count == 1
    [error] = result.errors
    assert (error["row"], error["column"]) == (317, "读数")
    assert "低于此前" in error["message"] and "本文件第 316 行" in error["message"]


def test_a_decrease_against_a_stored_reading_names_the_earlier_value(company, alice, meters):
    [meter] = meters(1)
    ReadingFactory(meter=meter, read_at=aware(2020, 1, 1, 8), value_gj=Decimal("150.250000"))

    result = run(company, alice, [[meter.serial, "2020-01-05 08:00", "149", "", "", "", ""]], commit=False)

    [error] = result.errors
    assert error["row"] == 2 and error["column"] == "读数"
    assert error["message"] == "低于此前 2020-01-01 08:00 的读数 150.25 GJ"
    assert result.batch.status == "rejected"


def test_preview_writes_nothing_and_commit_writes_everything(company, alice, meters):
    serials = [m.serial for m in meters(3)]
    preview = run(company, alice, good_rows(serials), commit=False)

    assert not preview.committed and preview.error_count == 0
    assert preview.summary["good"] == 30
    assert preview.batch.status == ImportBatch.Status.PREVIEWED
    assert Reading.objects.count() == 0

    result = readings_batch_commit(batch=preview.batch, user=alice)

    assert result.committed
    assert Reading.objects.filter(import_batch=preview.batch).count() == 30
    preview.batch.refresh_from_db()
    assert preview.batch.status == ImportBatch.Status.COMMITTED
    with pytest.raises(NotPending):
        readings_batch_commit(batch=preview.batch, user=alice)


def test_the_commit_judges_again(company, alice, meters):
    [meter] = meters(1)
    preview = run(company, alice, [[meter.serial, "2020-01-05 08:00", "120", "", "", "", ""]], commit=False)
    assert preview.ok
    # Meanwhile someone keys in a later, lower reading: the file's reading no longer fits.
    ReadingFactory(meter=meter, read_at=aware(2020, 1, 6, 8), value_gj=Decimal("110"))

    result = readings_batch_commit(batch=preview.batch, user=alice)

    assert not result.committed
    [error] = result.errors
    assert error["row"] == 2 and "高于此后" in error["message"] and "110" in error["message"]
    assert Reading.objects.filter(import_batch=preview.batch).count() == 0
    preview.batch.refresh_from_db()
    assert preview.batch.status == ImportBatch.Status.REJECTED
    assert preview.batch.errors == result.errors


def test_duplicates_are_skipped_not_errors(company, alice, meters):
    [meter] = meters(1)
    ReadingFactory(meter=meter, read_at=aware(2020, 1, 1, 8), value_gj=Decimal("100"))
    rows = [
        [meter.serial, "2020-01-01 08:00", "100.000", "", "", "", ""],  # already stored
        [meter.serial, "2020-01-02 08:00", "100.5", "", "", "", ""],
        [meter.serial, "2020-01-02 08:00", "100.5", "", "", "", ""],  # twice in the file
    ]

    result = run(company, alice, rows, commit=True)

    assert result.committed and result.error_count == 0
    assert (result.summary["good"], result.summary["duplicates"]) == (1, 2)
    assert result.summary["duplicate_rows"] == [2, 4]
    assert Reading.objects.filter(meter=meter).count() == 2


def test_units_are_converted_to_gj(company, alice, meters):
    a, b, c = (m.serial for m in meters(3))
    rows = [
        [a, "2020-01-01 08:00", "10", "MWh", "", "", ""],
        [b, "2020-01-01 08:00", "1000", "kwh", "", "", ""],
        [c, "2020-01-01 08:00", "1.5", "吉焦", "", "", ""],
    ]

    assert run(company, alice, rows, commit=True).committed

    values = dict(Reading.objects.values_list("meter__serial", "value_gj"))
    assert values == {a: Decimal("36.000000"), b: Decimal("3.600000"), c: Decimal("1.500000")}


def test_a_value_that_cannot_be_stored_exactly_is_refused(company, alice, meters):
    [meter] = meters(1)
    rows = [[meter.serial, "2020-01-01 08:00", "0.0000001", "MWh", "", "", ""]]

    result = run(company, alice, rows, commit=True)

    [error] = result.errors
    assert error["column"] == "读数" and "6 位小数" in error["message"]
    assert Reading.objects.count() == 0


def test_a_time_without_offset_is_county_time_and_with_offset_is_kept(company, alice, meters):
    a, b = (m.serial for m in meters(2))
    rows = [
        [a, "2020-01-01 08:00", "1", "", "", "", ""],
        [b, "2020-01-01T00:00:00Z", "1", "", "", "", ""],
    ]

    assert run(company, alice, rows, commit=True).committed

    times = dict(Reading.objects.values_list("meter__serial", "read_at"))
    assert times[a] == times[b] == aware(2020, 1, 1, 8)


def test_every_cell_error_is_listed_with_row_and_column(company, alice, meters):
    [meter] = meters(1)
    rows = [
        ["", "2020-01-01", "x", "J", "猜的", "", ""],
        [meter.serial, "2099-01-01 08:00", "1", "", "", "", ""],
    ]

    result = run(company, alice, rows, commit=False)

    found = {(e["row"], e["column"]) for e in result.errors}
    assert found == {(2, "表号"), (2, "抄表时间"), (2, "读数"), (2, "单位"), (2, "类型"), (3, "抄表时间")}
    future = next(e for e in result.errors if e["row"] == 3)
    assert "晚于当前时间" in future["message"]


def test_english_headers_and_types_are_understood(company, alice, meters):
    [meter] = meters(1)
    header = ["Meter", "read_at", "Value", "unit", "type", "reading_id", "note"]
    rows = [[meter.serial, "2020-01-01T08:00:00+08:00", "5", "GJ", "estimated", "r-1", "n"]]

    assert run(company, alice, rows, header=header, commit=True).committed

    reading = Reading.objects.get()
    assert (reading.kind, reading.client_id, reading.note) == ("estimated", "r-1", "n")


def test_csv_with_bom_gb18030_and_xlsx_all_work(company, alice, meters):
    a, b, c = (m.serial for m in meters(3))
    row_a = [a, "2020-01-01 08:00", "1", "", "实抄", "", "备注"]
    row_b = [b, "2020-01-01 08:00", "1", "", "估抄", "", "备注"]
    with_bom = run(company, alice, [row_a], commit=True, bom=True)
    gbk = run(company, alice, [row_b], commit=True, encoding="gb18030")
    data = xlsx_bytes([HEADER, [c, datetime.datetime(2020, 1, 1, 8), 1.25, "GJ", "换表", None, None]])
    xlsx = import_readings_file(company=company, user=alice, file_name="r.xlsx", data=data, commit=True)

    assert with_bom.committed and gbk.committed and xlsx.committed
    kinds = dict(Reading.objects.values_list("meter__serial", "kind"))
    assert kinds == {a: "actual", b: "estimated", c: "exchange"}
    assert Reading.objects.get(meter__serial=c).value_gj == Decimal("1.25")
    assert Reading.objects.get(meter__serial=c).read_at == aware(2020, 1, 1, 8)


def test_another_companys_meters_are_unknown(company, other_company, alice, bob, meters):
    [meter] = meters(1)  # company A's

    result = run(other_company, bob, [[meter.serial, "2020-01-01 08:00", "1", "", "", "", ""]], commit=True)

    assert Reading.objects.count() == 0
    [error] = result.errors
    assert error == {"row": 2, "column": "表号", "message": f"本公司没有表号为“{meter.serial}”的热量表"}


def test_commit_false_writes_nothing(company, alice, meters):
    serials = [m.serial for m in meters(2)]

    result = run(company, alice, good_rows(serials), commit=False)

    assert result.ok and not result.committed
    assert Reading.objects.count() == 0
    assert ImportBatch.objects.get().status == ImportBatch.Status.PREVIEWED


def test_an_implausible_reading_is_counted_as_flagged(company, alice, meters):
    [meter] = meters(1)  # 80 m²: more than 0.8 GJ a day is implausible
    rows = [
        [meter.serial, "2020-01-01 08:00", "100", "", "", "", ""],
        [meter.serial, "2020-01-02 08:00", "150", "", "", "", ""],
    ]

    result = run(company, alice, rows, commit=True)

    assert result.committed and result.summary["flagged"] == 1
    assert result.summary["flagged_rows"][0]["row"] == 3
    assert Reading.objects.get(read_at=aware(2020, 1, 2, 8)).status == Reading.Status.FLAGGED


def test_a_conflicting_reading_id_is_refused(company, alice, meters):
    a, b = (m.serial for m in meters(2))
    rows = [
        [a, "2020-01-01 08:00", "1", "", "", "k-1", ""],
        [b, "2020-01-01 08:00", "1", "", "", "k-1", ""],
    ]

    result = run(company, alice, rows, commit=True)

    [error] = result.errors
    assert (error["row"], error["column"]) == (3, "编号") and "k-1" in error["message"]


def test_a_file_that_cannot_be_read_is_recorded_as_rejected(company, alice):
    data = b"a,b\n1,2\n"

    result = import_readings_file(company=company, user=alice, file_name="x.csv", data=data, commit=True)

    assert result.error_count == 1 and "无法识别的表头" in result.errors[0]["message"]
    batch = ImportBatch.objects.get()
    assert batch.status == "rejected" and batch.errors[0]["row"] is None


def test_too_many_rows_are_refused(company, alice, monkeypatch):
    monkeypatch.setattr("heating.imports.files.MAX_ROWS", 3)
    rows = [["M0", "2020-01-01 08:00", "1", "", "", "", ""]] * 4

    result = run(company, alice, rows, commit=True)

    assert "超过 3 行" in result.errors[0]["message"]


def test_too_large_a_file_is_refused(company, alice, monkeypatch):
    monkeypatch.setattr("heating.imports.files.MAX_BYTES", 100)
    rows = [["M0", "2020-01-01 08:00", "1", "", "", "", ""]] * 10

    result = run(company, alice, rows, commit=True)

    assert "MB" in result.errors[0]["message"] and "拆分" in result.errors[0]["message"]


def test_a_reading_before_the_meters_installation_names_the_time_column(company, alice, meters):
    [meter] = meters(1)
    meter.installed_on = datetime.date(2020, 1, 5)
    meter.save()
    rows = [
        [meter.serial, "2020-01-04 23:59", "1", "", "", "", ""],
        [meter.serial, "2020-01-04T16:30:00Z", "2", "", "", "", ""],  # 00:30 on the 5th, county time
    ]

    result = run(company, alice, rows, commit=True)

    assert not result.committed and Reading.objects.count() == 0
    assert result.errors == [
        {
            "row": 2,
            "column": "抄表时间",
            "message": f"表 {meter.serial} 于 2020-01-05 安装，读数早于安装日期",
        }
    ]


def test_a_reading_after_the_meters_removal_names_the_time_column(company, alice, meters):
    [meter] = meters(1)
    meter.removed_on = datetime.date(2020, 1, 10)
    meter.save()
    rows = [
        [meter.serial, "2020-01-10 23:59", "1", "", "", "", ""],
        [meter.serial, "2020-01-11 00:00", "2", "", "", "", ""],
    ]

    result = run(company, alice, rows, commit=False)

    assert result.errors == [
        {
            "row": 3,
            "column": "抄表时间",
            "message": f"表 {meter.serial} 已于 2020-01-10 拆除，读数晚于拆除日期",
        }
    ]
    assert result.batch.status == "rejected" and Reading.objects.count() == 0


def test_a_second_value_for_the_same_moment_names_the_other_row(company, alice, meters):
    [meter] = meters(1)
    rows = [
        [meter.serial, "2020-01-01 08:00", "1", "", "", "", ""],
        [meter.serial, "2020-01-01 08:00", "2", "", "", "", ""],
    ]

    result = run(company, alice, rows, commit=True)

    assert result.errors == [
        {
            "row": 3,
            "column": "读数",
            "message": "该表在 2020-01-01 08:00 已有读数 1.0 GJ，本条为 2.0 GJ（本文件第 2 行）",
        }
    ]


def test_a_conflicting_reading_id_names_both_readings(company, alice, meters):
    a, b = (m.serial for m in meters(2))
    rows = [
        [a, "2020-01-01 08:00", "1", "", "", "k-1", ""],
        [b, "2020-01-02 09:30", "1.5", "", "", "k-1", ""],
    ]

    result = run(company, alice, rows, commit=True)

    assert result.errors == [
        {
            "row": 3,
            "column": "编号",
            "message": "编号“k-1”已用于 2020-01-01 08:00 的读数 1.0 GJ，本条为 2020-01-02 09:30 的 1.5 GJ",
        }
    ]


def test_a_reading_in_the_future_names_its_time(company, alice, meters):
    [meter] = meters(1)

    result = run(company, alice, [[meter.serial, "2099-01-01T00:00:00Z", "1", "", "", "", ""]], commit=False)

    assert result.errors == [
        {"row": 2, "column": "抄表时间", "message": "抄表时间 2099-01-01 08:00 晚于当前时间"}
    ]
