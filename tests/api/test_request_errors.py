"""Bodies the API cannot read: too large, not JSON, not UTF-8. Each is a JSON 400 that says in words
what is wrong, in the request's language (CONTRACTS.md: errors are 400 with a JSON body)."""
import importlib
import inspect
import json
import pkgutil
from functools import cache as memoize

import pytest
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.test import APIClient

import heating.api
from heating.models import ApiToken
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db

# What a reader of the message must never see: Python's and DRF's own words.
INTERNALS = (
    "Expecting",
    "(char ",
    "JSON parse error",
    "codec",
    "decode",
    "Exceeds the limit",
    "set_int_max_str_digits",
    "Out of range float",
    "DATA_UPLOAD_MAX_MEMORY_SIZE",
    "%(",
    "{limit}",
)


@pytest.fixture
def api():
    client = APIClient()
    key = ApiToken.issue(company=CompanyFactory(), name="route 7")[1]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@memoize
def body_endpoints():
    """Every API operation that takes a request body, as the schema lists them."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return tuple(
        sorted(
            path
            for path, operations in schema["paths"].items()
            if path.startswith("/api/") and any("requestBody" in op for op in operations.values())
        )
    )


def post(api, url, raw, content_type="application/json", language=None):
    headers = {"Accept-Language": language} if language else {}
    return api.generic("POST", url, raw, content_type=content_type, headers=headers)


def messages(response) -> list[str]:
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert isinstance(body, dict) and body
    return [text for value in body.values() for text in (value if isinstance(value, list) else [value])]


def test_the_body_endpoints_include_the_quote_and_the_reading_batch():
    assert {"/api/v1/quote", "/api/v1/readings/batch"} <= set(body_endpoints())


@pytest.mark.parametrize("url", body_endpoints())
@pytest.mark.parametrize(
    "language, words", [(None, "请求体过大"), ("en", "The request body is too large")]
)
def test_a_body_over_the_limit_is_a_json_400_that_names_the_limit(api, url, language, words):
    oversized = b'{"pad": "' + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + b'"}'

    (message,) = messages(post(api, url, oversized, language=language))

    assert words in message
    assert str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) in message
    assert not any(text in message for text in INTERNALS)


def worst_case_batch() -> bytes:
    """1,000 readings with every text at its longest, in Chinese, escaped to ASCII and indented:
    the largest body a well-behaved client sends."""
    readings = [
        {
            "reading_id": f"{index:04d}" + "抄" * 96,
            "meter": "表" * 100,
            "read_at": "2020-03-15T08:00:00.123456+08:00",
            "value": "1" * 33 + "." + "1" * 6,
            "unit": "kWh",
            "type": "estimated",
        }
        for index in range(1000)
    ]
    return json.dumps({"readings": readings}, indent=4).encode()


def test_the_limit_takes_the_largest_batch_and_stays_bounded(api):
    body = worst_case_batch()
    assert len(body) <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 8 * 1024 * 1024

    response = post(api, "/api/v1/readings/batch", body)

    assert response.status_code == 200
    assert response.json()["rejected"] == 1000  # the company has no such meter: judged, not refused


@pytest.mark.parametrize(
    "raw, zh, en",
    [
        ("", None, None),  # an empty body is an empty object: the fields are missing
        ("   ", "第 1 行第 4 列", "line 1, column 4"),
        ("garbage", "应为一个值", "a value was expected"),
        ("{", "应为用双引号括起的字段名", "a field name in double quotes"),
        ('{"price_class": "residential",}', "应为用双引号括起的字段名", "a field name in double quotes"),
        ('{"price_class" "residential"}', "应为冒号", "a colon was expected"),
        ('{"parts": [1 2]}', "应为逗号", "a comma"),
        ('{"season": "2019', "字符串没有结束", "a string is not closed"),
        ('{"season": "\\x"}', "无效的转义", "an invalid escape"),
        ('{"season": "\t"}', "未转义的控制字符", "an unescaped control character"),
        ("{} {}", "多余的内容", "more after the JSON value"),
        ('{"a": NaN}', "NaN", "NaN"),
        ('{"a": -Infinity}', "Infinity", "Infinity"),
        ('{"a": ' + "1" * 5000 + "}", "位数过多", "too many digits"),
        ("[" * 100_000 + "]" * 100_000, "嵌套层数过多", "nested too deeply"),
    ],
)
@pytest.mark.parametrize("url", body_endpoints())
def test_a_body_that_is_not_json_says_what_is_wrong_in_words(api, url, raw, zh, en):
    chinese = messages(post(api, url, raw))
    english = messages(post(api, url, raw, language="en"))

    if zh is None:
        return
    assert any("请求体必须是 JSON 对象" in text and zh in text for text in chinese), chinese
    assert any("must be a JSON object" in text and en in text for text in english), english
    assert not any(text in message for message in chinese + english for text in INTERNALS)


@pytest.mark.parametrize("url", body_endpoints())
def test_a_body_that_is_not_utf8_says_so(api, url):
    (message,) = messages(post(api, url, b'{"season": "\xff\xfe"}', language="en"))

    assert "UTF-8" in message
    assert not any(text in message for text in INTERNALS)


@pytest.mark.parametrize("url", body_endpoints())
def test_a_charset_that_is_not_text_is_refused_in_words(api, url):
    (message,) = messages(post(api, url, b"{}", content_type="application/json; charset=bz2_codec"))

    assert "UTF-8" in message and "字符集" in message


@pytest.mark.parametrize("language, words", [(None, "最多 40 个字符"), ("en", "At most 40 characters")])
def test_a_value_too_long_names_its_limit(api, language, words):
    reading = {
        "reading_id": "r-1",
        "meter": "HM-1",
        "read_at": "2020-03-15T08:00:00+08:00",
        "value": "1" * 41,
        "unit": "GJ",
    }

    response = post(api, "/api/v1/readings/batch", json.dumps({"readings": [reading]}), language=language)

    assert response.status_code == 400
    assert response.json() == {"readings": {"0": {"value": [words + ("。" if language is None else ".")]}}}


def api_fields():
    """Every serializer field class the API defines for itself."""
    for module in pkgutil.iter_modules(heating.api.__path__):
        loaded = importlib.import_module(f"heating.api.{module.name}")
        for _name, value in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(value, serializers.Field) and value.__module__ == loaded.__name__:
                yield value


def test_field_messages_use_the_placeholders_drf_fills():
    """Field.fail() fills a message with str.format, so a %(name)s placeholder is shown as it is."""
    printf_style = [
        (field.__name__, key)
        for field in api_fields()
        for key, message in field.default_error_messages.items()
        if "%(" in str(message)
    ]

    assert list(api_fields())
    assert printf_style == []
