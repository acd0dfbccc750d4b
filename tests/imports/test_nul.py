"""NUL and other control characters, which PostgreSQL will not store in text, are refused in words."""
import pytest

from heating.models import ImportBatch

from .conftest import csv_bytes
from .test_readings import HEADER
from .test_views import upload

KINDS = ["import-readings", "import-onboarding"]


@pytest.mark.parametrize(
    "data",
    [
        b"serial,read_at\n\x00HM-1,2020\n",
        csv_bytes([HEADER, ["HM\x00-1", "2020-01-01 08:00", "1\x00"]]),
        "表号\x00,时间\n".encode(),
    ],
)
@pytest.mark.parametrize("kind", KINDS)
def test_a_control_character_in_a_cell_refuses_the_file_naming_where(company, alice, client_for, kind, data):
    response = upload(client_for(alice), "r.csv", data, kind)

    assert response.status_code == 302
    [error] = ImportBatch.objects.get().errors
    assert "列含有不可见的控制字符" in error["message"] and "\x00" not in str(error)


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_name_keeps_no_control_character(company, alice, client_for, kind):
    upload(client_for(alice), "r\x00\x1b.csv", b"x", kind)

    assert ImportBatch.objects.get().file_name == "r.csv"
