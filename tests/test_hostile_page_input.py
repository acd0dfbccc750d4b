"""Never a 500 from a page endpoint (issue 6, item 4): whatever the body, a 4xx with a message.

The JSON endpoints of reading entry answer 400 {"error": …}; the forms (review actions, meter
exchange, tokens) answer 400/422 with the form's message, or go back with the message shown. On
PostgreSQL a NUL character cannot be stored and a lone surrogate cannot be encoded anywhere: both are
refused before they reach the database.
"""
import json
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heating.models import ApiToken, Reading, Role
from tests.factories import CompanyFactory, ReadingFactory, aware
from tests.readings.helpers import building_with_meters, staff

pytestmark = pytest.mark.django_db

SAVE = reverse("reading-entry-save")
CHECK = reverse("reading-entry-check")
HOSTILE_TEXT = ["\x00", "HM\x00X", "\ud800", "a\udfffb", "\u202e", "💥" * 50, " ", "9" * 5000]


@pytest.fixture
def company():
    return CompanyFactory()


@pytest.fixture
def meter(company):
    _, (meter,) = building_with_meters(company, 1)
    return meter


@pytest.fixture
def clerk_client(client, company):
    client.force_login(staff(company, "clerk"))
    return client


@pytest.fixture
def manager_client(client, company):
    client.force_login(staff(company, "boss", role=Role.MANAGER))
    return client


def post_json(client, url, text: str):
    return client.post(url, data=text.encode("utf-8", "surrogatepass"), content_type="application/json")


def post_form(client, url, fields: dict, **kwargs):
    """Fields sent as a browser would, byte for byte (a lone surrogate as its UTF-8 bytes)."""
    data = urlencode(fields, encoding="utf-8", errors="surrogatepass")
    return client.post(url, data=data, content_type="application/x-www-form-urlencoded", **kwargs)


def message_levels(response):
    return [m.level_tag for m in response.context["messages"]]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def body(read_at="2024-01-05T09:30", serial="M", value="1"):
    return json.dumps({"read_at": read_at, "rows": [{"serial": serial, "value": value}]})


ENTRY_BODIES = [
    body(read_at=5),
    body(read_at=None),
    body(read_at=["2024-01-05T09:30"]),
    body(read_at={"a": 1}),
    body(read_at=True),
    body(read_at="\ud800"),
    body(read_at="2024-01-05T09:30\x00"),
    body(serial="\ud800"),
    body(serial="HM\x00X"),
    body(serial="a" * 100000),
    '{"read_at": "2024-01-05T09:30", "rows": [{"serial": "\\ud800", "value": "1"}]}',
    '{"\\ud800": 1}',
    nested(100000),
    '{"a":' * 50000 + "1" + "}" * 50000,
    '{"read_at": "2024-01-05T09:30", "rows": ' + nested(100000) + "}",
]


@pytest.mark.parametrize("url", [CHECK, SAVE])
@pytest.mark.parametrize("text", ENTRY_BODIES, ids=lambda t: repr(t[:40]))
def test_the_entry_endpoints_answer_a_hostile_body_with_400_and_a_message(clerk_client, meter, url, text):
    response = post_json(clerk_client, url, text)

    assert response.status_code == 400
    assert response.json()["error"]
    assert not Reading.objects.exclude(pk__in=meter.readings.values("pk")).exists()


@pytest.mark.parametrize("url", [CHECK, SAVE])
@pytest.mark.parametrize("serial", HOSTILE_TEXT)
def test_a_hostile_serial_is_refused_not_a_500(clerk_client, meter, url, serial):
    response = post_json(clerk_client, url, body(serial=serial, read_at="2024-01-05T09:30"))

    assert response.status_code in (400, 422) if url == SAVE else (200, 400)
    answer = response.json()
    assert answer.get("error") or answer["rows"][0]["message"]


@pytest.mark.parametrize("url", [CHECK, SAVE])
@pytest.mark.parametrize(
    "value", ["\ud800", "1\x00", {"x": []}, [1], True, "1e-999999999", "1e999999999", "NaN", "9" * 100000]
)
def test_a_value_that_is_no_plain_number_is_refused_in_its_row(clerk_client, meter, url, value):
    response = post_json(clerk_client, url, body(serial=meter.serial, value=value))

    assert response.status_code == 422 if url == SAVE else 200
    assert response.json()["rows"][0]["message"] == "读数须为数字"
    assert meter.readings.count() == 1


def test_a_meter_whose_serial_cannot_exist_is_not_found(clerk_client, meter):
    for serial in ("HM\x00X", "HM%00X"):
        assert clerk_client.get(f"/company/meters/{serial}/").status_code == 404
    response = clerk_client.post(
        "/company/meters/HM%00X/replace/", {"new_serial": "N", "at": "2024-01-05T09:30"}
    )
    assert response.status_code == 404


@pytest.fixture
def held(meter):
    return ReadingFactory(
        meter=meter, read_at=aware(2024, 1, 5, 8), value_gj=meter.readings.get().value_gj + 500,
        status=Reading.Status.FLAGGED, flags=["implausible_use"],
    )


@pytest.mark.parametrize("text", ["\x00", "HM\x00X", " "])
@pytest.mark.parametrize("action", ["reading-confirm", "reading-void", "reading-correct"])
def test_review_actions_refuse_hostile_text_with_a_message(clerk_client, held, action, text):
    fields = {"reason": text, "value": text, "unit": text}

    response = post_form(clerk_client, reverse(action, args=[held.pk]), fields, follow=True)

    assert response.status_code == 200
    held.refresh_from_db()
    assert held.status == Reading.Status.FLAGGED
    assert message_levels(response) == ["error"]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_a_meter_exchange_refuses_hostile_text_with_a_message(clerk_client, meter, text):
    url = reverse("meter-replace", kwargs={"serial": meter.serial})
    fields = ["new_serial", "at", "old_final_value", "new_first_value", "unit"]

    response = post_form(clerk_client, url, dict.fromkeys(fields, text))

    assert response.status_code == 422
    assert response.context["replace_form"].errors


@pytest.mark.parametrize("name", ["HM\x00X", "\x00", "a\x1fb"])
def test_a_token_name_that_cannot_be_stored_is_refused_with_a_message(manager_client, name):
    response = post_form(manager_client, reverse("token-create"), {"name": name})

    assert response.status_code == 400
    assert response.context["name_error"]
    assert not ApiToken.objects.exists()


# Random bodies at every page endpoint that takes input ----------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
entry_rows = st.lists(
    st.fixed_dictionaries({}, optional={"serial": st.one_of(st.text(), json_values), "value": json_values}),
    max_size=4,
)
entry_bodies = st.one_of(
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    json_values.map(json.dumps),
    st.fixed_dictionaries(
        {}, optional={"read_at": json_values, "rows": st.one_of(entry_rows, json_values)}
    ).map(json.dumps),
)
form_text = st.text(max_size=60) | st.sampled_from(HOSTILE_TEXT)
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(text=entry_bodies)
@pytest.mark.parametrize("url", [CHECK, SAVE])
def test_random_bodies_at_the_entry_endpoints(clerk_client, meter, url, text):
    response = post_json(clerk_client, url, text)

    assert response.status_code in (200, 400, 422)
    answer = response.json()
    if response.status_code == 400:
        assert answer["error"]


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(["reason", "value", "unit", "next"]), form_text))
@pytest.mark.parametrize("action", ["reading-confirm", "reading-void", "reading-correct"])
def test_random_forms_at_the_review_actions(clerk_client, held, action, fields):
    response = post_form(clerk_client, reverse(action, args=[held.pk]), fields, follow=True)

    assert response.redirect_chain and response.status_code == 200
    assert len(message_levels(response)) == 1  # what came of it: done, or why not


@FUZZ
@given(
    fields=st.dictionaries(
        st.sampled_from(["new_serial", "at", "old_final_value", "new_first_value", "unit"]), form_text
    )
)
def test_random_forms_at_the_meter_exchange(clerk_client, meter, fields):
    response = post_form(clerk_client, reverse("meter-replace", kwargs={"serial": meter.serial}), fields)

    assert response.status_code in (302, 422)


@FUZZ
@given(name=form_text)
def test_random_token_names(manager_client, name):
    response = post_form(manager_client, reverse("token-create"), {"name": name})

    assert response.status_code in (200, 302, 400)


@FUZZ
@given(fields=st.dictionaries(st.text(max_size=8), form_text, max_size=3))
def test_random_forms_at_token_revoke(manager_client, company, fields):
    token, _key = ApiToken.issue(company=company, name="t")

    response = post_form(manager_client, reverse("token-revoke", args=[token.pk]), fields)

    assert response.status_code == 302


@pytest.mark.parametrize("target", ["0", "reading-review", "javascript:alert(1)", "//evil.example/"])
def test_a_next_that_is_not_a_path_here_goes_back_to_the_meter(clerk_client, held, target):
    url = reverse("reading-void", args=[held.pk])

    response = post_form(clerk_client, url, {"reason": "x", "next": target})

    assert response.status_code == 302
    assert response["Location"] == reverse("meter-detail", kwargs={"serial": held.meter.serial})
