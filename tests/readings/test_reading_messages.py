"""Reading refusals in the reader's language (heating/reading_messages.py), from the rules' codes."""

import re
import string

import pytest
from django.utils import translation

from heating.reading_messages import MESSAGES, local_time_text, refusal_field, refusal_text
from heating.reading_rules import FIELDS, REASONS, Outcome

TIMES = ("read_at", "new_read_at")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def sample_params(code: str) -> dict[str, str]:
    """Every parameter the rule gives for `code` (the fields of its English reason), with a value."""
    names = {name for _, name, _, _ in string.Formatter().parse(REASONS[code]) if name}
    return {name: "2023-12-01T00:00:00+00:00" if name in TIMES else f"<{name}>" for name in names}


def test_every_code_has_a_message_a_reason_and_a_field():
    assert set(MESSAGES) == set(REASONS) == set(FIELDS)
    assert all(refusal_field(code) == FIELDS[code] for code in REASONS)
    assert refusal_field(None) is None and refusal_field("no_such_code") is None


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("code", sorted(REASONS))
def test_every_refusal_renders_with_the_rules_params(code, language):
    params = sample_params(code)
    outcome = Outcome.refused(0, code, **params)
    with translation.override(language):
        text = refusal_text(outcome.code, outcome.params, outcome.reason)
        shown = str(MESSAGES[code])
    assert text and "%(" not in text
    assert (language == "en") == (CJK.search(text) is None)
    for name, value in params.items():
        if f"%({name})s" not in shown:
            continue
        if name in TIMES:
            assert "2023-12-01 08:00" in text and value not in text  # local time, to the minute
        else:
            assert value in text


def test_times_are_shown_local_to_the_minute():
    params = {"value": "100.0", "read_at": "2023-12-01T00:00:59.999999+00:00"}
    assert refusal_text("below_earlier", params) == "低于此前 2023-12-01 08:00 的读数 100.0 GJ"
    conflict = {
        "client_id": "k-1",
        "value": "1.0",
        "read_at": "2023-12-01T08:00:00+08:00",
        "new_value": "1.5",
        "new_read_at": "2023-12-01T16:30:00+00:00",
    }
    assert refusal_text("conflict_client_id", conflict) == (
        "编号“k-1”已用于 2023-12-01 08:00 的读数 1.0 GJ，本条为 2023-12-02 00:30 的 1.5 GJ"
    )


@pytest.mark.parametrize(
    "code, params, text",
    [
        ("unknown_meter", {"serial": "HM-1"}, "本公司没有表号为“HM-1”的热量表"),
        ("future", {"read_at": "2099-01-01T00:00:00+00:00"}, "抄表时间 2099-01-01 08:00 晚于当前时间"),
        (
            "before_installation",
            {"serial": "HM-1", "installed_on": "2024-01-05"},
            "表 HM-1 于 2024-01-05 安装，读数早于安装日期",
        ),
        (
            "after_removal",
            {"serial": "HM-1", "removed_on": "2024-01-05"},
            "表 HM-1 已于 2024-01-05 拆除，读数晚于拆除日期",
        ),
        (
            "above_later",
            {"value": "200.0", "read_at": "2023-12-03T00:00:00+00:00"},
            "高于此后 2023-12-03 08:00 的读数 200.0 GJ",
        ),
    ],
)
def test_the_words_staff_read(code, params, text):
    assert refusal_text(code, params) == text


def test_the_words_in_english():
    with translation.override("en"):
        text = refusal_text("below_earlier", {"value": "100.0", "read_at": "2023-12-01T00:00:00+00:00"})
    assert "100.0" in text and "2023-12-01 08:00" in text and "低于" not in text


def test_an_unknown_code_falls_back_to_the_reason():
    assert refusal_text("no_such_code", {}, "something else") == "something else"
    assert refusal_text(None, {}, "an old reason") == "an old reason"
    assert refusal_text(None, {}) == ""


def test_a_time_that_is_not_iso_is_shown_as_it_is():
    assert local_time_text("yesterday") == "yesterday"
    assert local_time_text("2023-12-01T00:00:00+00:00") == "2023-12-01 08:00"
