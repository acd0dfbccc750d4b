from decimal import Decimal

import pytest

from heating.amount_words import amount_in_capitals


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1200.00", "壹仟贰佰元整"),
        ("1005", "壹仟零伍元整"),
        ("1010", "壹仟零壹拾元整"),
        ("100001", "壹拾万零壹元整"),
        ("100100000", "壹亿零壹拾万元整"),
        ("1680.05", "壹仟陆佰捌拾元零伍分"),
        ("1200.50", "壹仟贰佰元伍角整"),
        ("3.47", "叁元肆角柒分"),
        ("0.05", "伍分"),
        ("0", "零元整"),
    ],
)
def test_amounts_are_written_in_chinese_capitals(amount, words):
    assert amount_in_capitals(Decimal(amount)) == words


def test_a_negative_amount_is_refused():
    with pytest.raises(ValueError):
        amount_in_capitals(Decimal("-1"))
