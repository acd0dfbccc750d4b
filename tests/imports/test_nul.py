"""NUL and other control characters, which PostgreSQL will not store in text, are refused in words."""
import pytest

from heating.models import ImportBatch

from .conftest import csv_bytes
from .test_onboarding import HEADER as BOOK_HEADER
from .test_readings import HEADER as READING_HEADER
from .test_views import upload

HEADERS = {"import-readings": READING_HEADER, "import-onboarding": BOOK_HEADER}


def with_nul_in_the_header(header):
    return csv_bytes([[header[0] + "\x00", *header[1:]]])


def with_nul_in_a_cell(header):
    return csv_bytes([header, ["HM\x00-1", *["x\x1b"] * (len(header) - 1)]])


@pytest.mark.parametrize("make", [with_nul_in_the_header, with_nul_in_a_cell])
@pytest.mark.parametrize("kind", HEADERS)
def test_a_control_character_in_a_cell_refuses_the_file_naming_where(company, alice, client_for, kind, make):
    response = upload(client_for(alice), "r.csv", make(HEADERS[kind]), kind)

    assert response.status_code == 302
    [error] = ImportBatch.objects.get().errors
    assert "A 列含有不可见的控制字符" in error["message"] and "\x00" not in str(error)

