"""A correction far too large for any meter is refused in words, not a 500."""
import pytest

from tests.pages.conftest import build_county


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["1e999999999", "9" * 60])
def test_correcting_with_an_enormous_value_is_refused_in_words(client, value):
    county = build_county()
    client.force_login(county.clerk)
    client.raise_request_exception = False
    response = client.post(
        f"/company/readings/{county.flagged.pk}/correct/",
        {"value": value, "unit": "MWh", "reason": "核实"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code in (302, 400, 422)
