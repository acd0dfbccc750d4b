"""An identity number typed where a serial or a choice belongs is never answered back in full."""
import json

import pytest

from tests.pages.conftest import build_county

NUMBER = "11010519491231002X"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/company/readings/entry/check/", "/company/readings/entry/save/"])
def test_the_entry_message_does_not_repeat_an_id_number(client, url):
    client.force_login(build_county().clerk)
    body = {"read_at": "2024-01-01T10:00", "rows": [{"serial": NUMBER, "value": "1"}]}

    (row,) = client.post(url, json.dumps(body), content_type="application/json").json()["rows"]

    assert NUMBER[4:14] not in row["message"]


@pytest.mark.django_db
def test_the_quote_does_not_repeat_an_id_number(client):
    parts = [{"kind": NUMBER, "area": "1"}]
    body = {"season": "2019-2020", "price_class": NUMBER, "method": NUMBER, "parts": parts}

    response = client.post("/api/v1/quote", json.dumps(body), content_type="application/json")

    assert response.status_code == 400
    assert NUMBER[4:14] not in response.content.decode()

