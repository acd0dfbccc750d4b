"""The OpenAPI schema documents what the endpoints answer. Each answer here comes from the live
server and is judged by schemathesis against the schema the server serves, so the two cannot drift."""
import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

QUOTE = {"price_class": "residential", "method": "area", "parts": [{"kind": "flat", "area": "80"}]}


# The checks that judge an answer alone (the generating ones live in test_schema_live.py).
ANSWER_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def served(live_server, live_key):
    return schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")


@pytest.fixture
def ask(live_server, served):
    """Send one request through schemathesis and have it judge the answer against the served schema:
    a documented status, and a body and headers that match what is documented for it."""

    def ask(method, path, *, key=None, body=None, query=None):
        case = served[path][method].Case(
            headers={"Authorization": f"Token {key}"} if key else {},
            query=query,
            **({} if body is None else {"body": body, "media_type": "application/json"}),
        )
        response = case.call(base_url=live_server.url)
        case.validate_response(response, checks=ANSWER_CHECKS)
        return response

    return ask


@pytest.fixture(scope="module")
def document():
    return SchemaGenerator().get_schema(request=None, public=True)


def component(document, name):
    return document["components"]["schemas"][name]


def test_request_strings_that_must_not_be_blank_say_so(document):
    reading = component(document, "ReadingIn")["properties"]
    assert reading["meter"]["minLength"] == 1
    assert reading["reading_id"]["minLength"] == 1
    assert component(document, "QuoteRequest")["properties"]["season"]["minLength"] == 1


def test_the_quote_needs_one_part_and_takes_at_most_fifty(document):
    parts = component(document, "QuoteRequest")["properties"]["parts"]
    assert (parts["minItems"], parts["maxItems"]) == (1, 50)


def test_amounts_are_strings_or_integers_never_floats(document):
    area = component(document, "Part")["properties"]["area"]
    assert {branch["type"] for branch in area["oneOf"]} == {"string", "integer"}


def test_a_quote_refused_is_a_documented_400(ask):
    response = ask("POST", "/api/v1/quote", body={**QUOTE, "parts": []})

    assert response.status_code == 400


def test_the_quote_throttle_answers_a_documented_429(ask):
    statuses = [ask("POST", "/api/v1/quote", body=QUOTE).status_code for _ in range(120)]
    throttled = ask("POST", "/api/v1/quote", body=QUOTE)

    assert statuses == [200] * 120
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"][0]) > 0


@pytest.mark.parametrize("number", ["2", "0", "abc", "-1", "", "last", " 1", "\uff11", ["1", "1"]])
def test_a_page_past_the_list_or_not_a_number_is_a_documented_404(ask, live_key, number):
    response = ask("GET", "/api/v1/meters", key=live_key, query={"page": number})

    assert response.status_code == 404


TOKEN_ENDPOINTS = [("GET", "/api/v1/meters", None), ("POST", "/api/v1/readings/batch", {"readings": []})]


@pytest.mark.parametrize("method, path, body", TOKEN_ENDPOINTS)
@pytest.mark.parametrize("key", [None, "not-a-token"])
def test_a_token_endpoint_without_a_valid_token_is_a_documented_401(ask, method, path, body, key):
    response = ask(method, path, key=key, body=body)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == ["Token"]


def test_an_oversized_body_is_a_documented_400(ask, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = ask("POST", "/api/v1/quote", body={**QUOTE, "pad": "x" * 1000})

    assert response.status_code == 400


@pytest.mark.parametrize("exchangers", ["\u2028 1\x1e", "\x1c2", "3\x1f", " 4 "])
def test_an_integer_padded_with_any_whitespace_is_read_not_a_500(ask, exchangers):
    """Found by schemathesis: text that str.strip() cleans but int() refuses was a 500."""
    response = ask("POST", "/api/v1/quote", body={**QUOTE, "exchangers": exchangers})

    assert response.status_code == 200
    assert response.json()["exchanger_fee"] != "0.00"
