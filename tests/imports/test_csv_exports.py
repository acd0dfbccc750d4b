"""Every CSV the portal hands out shows a formula-like cell as text (issue 6, item 11)."""
import csv
import importlib
import io

import pytest
from django.urls import reverse

from heating.imports import onboarding_template, readings_template
from heating.imports.files import csv_cell, csv_export
from heating.models import ImportBatch


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_starts_like_a_formula_gets_an_apostrophe(start):
    assert csv_cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("value", ["1+1", "a=b", "", None, 12, "'=already", " =1"])
def test_other_cells_are_left_alone(value):
    assert csv_cell(value) == ("" if value is None else str(value))


def test_the_export_is_utf8_with_a_bom_and_neutralised():
    data = csv_export(["列"], [["=HYPERLINK(\"http://x\")"], ["-2"], ["ok"]])

    assert data.startswith("\ufeff".encode())
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [
        ["列"], ["'=HYPERLINK(\"http://x\")"], ["'-2"], ["ok"]
    ]


def test_errors_csv_neutralises_every_cell(company, alice, client_for):
    batch = ImportBatch.objects.create(
        company=company, kind="readings", file_name="r.csv", file_sha256="0" * 64, status="rejected",
        created_by=alice, error_count=2,
        errors=[
            {"row": 2, "column": "=cmd|' /C calc'!A0", "message": "@SUM(1+1)*cmd"},
            {"row": 3, "column": "读数", "message": "+1 不是有效的读数"},
        ],
    )

    response = client_for(alice).get(reverse("import-errors", args=[batch.pk]))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1:] == [
        ["2", "'=cmd|' /C calc'!A0", "'@SUM(1+1)*cmd"],
        ["3", "读数", "'+1 不是有效的读数"],
    ]


@pytest.mark.parametrize(
    ("module", "make"),
    [("heating.imports.readings", readings_template), ("heating.imports.onboarding", onboarding_template)],
)
def test_the_csv_templates_are_neutralised_too(module, make, monkeypatch):
    width = len(importlib.import_module(module).COLUMNS)
    monkeypatch.setattr(f"{module}.EXAMPLES", [["=1+1", "-2", "@x"] + ["ok"] * (width - 3)])

    rows = list(csv.reader(io.StringIO(make("csv").decode("utf-8-sig"))))

    assert rows[1][:4] == ["'=1+1", "'-2", "'@x", "ok"]
