import re

import pytest
from hypothesis import given

from heating.billing import (
    AREA,
    ATTIC_WITHOUT_CERTIFICATE,
    BUILDING,
    DUPLEX_SINGLE_FLOOR_HEATED,
    FLAT,
    LINE_KEYS,
    METERED,
    METHOD_LABELS,
    METHODS,
    NON_RESIDENTIAL,
    NOTICE_2019,
    PART_KIND_LABELS,
    PART_KINDS,
    PRICE_CLASS_LABELS,
    PRICE_CLASSES,
    RESIDENTIAL,
    Line,
    bill,
    render,
)

from .helpers import D, account, bills

# Between them these bills emit every line key.
SHOWCASE = [
    bill(account(RESIDENTIAL, AREA, (FLAT, "80")), NOTICE_2019),
    bill(
        account(
            RESIDENTIAL,
            AREA,
            (DUPLEX_SINGLE_FLOOR_HEATED, "70"),
            (ATTIC_WITHOUT_CERTIFICATE, "70"),
            exchangers=2,
            low_income=True,
            area_decision=D("120.00"),
        ),
        NOTICE_2019,
        prepaid=D("0"),
    ),
    bill(account(RESIDENTIAL, METERED, (FLAT, "100")), NOTICE_2019, D("10")),
    bill(account(RESIDENTIAL, METERED, (FLAT, "100")), NOTICE_2019, D("20")),
    bill(account(RESIDENTIAL, METERED, (FLAT, "100")), NOTICE_2019, D("60")),
    bill(account(NON_RESIDENTIAL, METERED, (BUILDING, "500")), NOTICE_2019, D("300")),
    # Open part of the season (POLICY.md §4).
    bill(account(RESIDENTIAL, AREA, (FLAT, "80"), days_open=61, season_days=122), NOTICE_2019),
    bill(account(RESIDENTIAL, AREA, (FLAT, "80"), exchangers=1, days_open=61, season_days=122), NOTICE_2019),
    bill(account(RESIDENTIAL, METERED, (FLAT, "100"), days_open=61, season_days=122), NOTICE_2019, D("20")),
]
SHOWCASE_LINES = [line for result in SHOWCASE for line in result.lines]


def test_the_showcase_emits_every_line_key():
    assert {line.key for line in SHOWCASE_LINES} == set(LINE_KEYS)
    assert len(set(LINE_KEYS)) == len(LINE_KEYS)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("line", SHOWCASE_LINES, ids=lambda line: line.key)
def test_every_line_renders_in_both_languages(line, lang):
    text = render(line, lang)
    assert line.section in text
    assert not re.search(r"[{}]", text), text
    if lang == "zh-hans":
        assert text.endswith(f"（源政办字〔2019〕54号 {line.section}）")
    else:
        assert text.endswith(f" (notice {line.section})")
        assert not re.search(r"[一-鿿]", text.split(" (notice")[0].split("(")[0])


@given(bills())
def test_every_generated_bill_renders(result):
    for line in result.lines:
        assert line.key in LINE_KEYS
        assert render(line, "zh-hans") and render(line, "en")


def line(key, section="§二", **params):
    return Line(key, section, None, (("policy", NOTICE_2019.code), *params.items()))


def test_the_basic_fee_reads_like_the_notice():
    basic = line("basic_fee", area="100.00", area_price="21.00", basic_share="30%")
    assert (
        render(basic, "zh-hans")
        == "基本热费：计费面积 100.00 m² × 21.00 元/m² × 30%（源政办字〔2019〕54号 §二）"
    )
    assert render(basic, "en") == "Basic fee: billing area 100.00 m² × ¥21.00/m² × 30% (notice §二)"


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("zh-hans", "zh"),
        ("zh-Hans", "zh"),
        ("zh-cn", "zh"),
        ("fr", "zh"),
        ("", "zh"),
        ("en", "en"),
        ("en-US", "en"),
    ],
)
def test_language_falls_back_to_simplified_chinese(lang, expected):
    text = render(line("no_cap"), lang)
    assert (
        text
        == {"zh": "不设结算上限（源政办字〔2019〕54号 §二）", "en": "No settlement cap (notice §二)"}[
            expected
        ]
    )


def test_render_defaults_to_simplified_chinese():
    assert render(line("no_cap")) == render(line("no_cap"), "zh-hans")


def rendered(result, lang="zh-hans"):
    return "\n".join(render(line, lang) for line in result.lines)


@pytest.mark.parametrize(
    "result, words",
    [
        (
            SHOWCASE[0],
            ["住宅套内建筑面积：80.00 m²", "按面积收费：计费面积 80.00 m² × 21.00 元/m²", "居民用户"],
        ),
        (
            SHOWCASE[1],
            [
                "复式住宅单层采暖（采暖层面积）：70.00 m² × 130%，计入计费面积 91.00 m²",
                "阁楼无房产证（按下层住房面积）：70.00 m² × 50%，计入计费面积 35.00 m²",
                "计费面积：各部分合计 126.00 m²",
                "房产管理部门确定为 120.00 m²，取代按各部分计算的 126.00 m²",
                "小型换热设备：2 个 × 120.00 元",
                "城市低保/特困按实际取暖费的 75% 收取：2760.00 元 × 75% = 2070.00 元",
                "预交金额：计费面积 120.00 m² × 21.00 元/m² + 小型换热设备 240.00 元",
                "预交金额 2760.00 元 × 75%",
                "补缴：应收 2070.00 元 − 已交 0.00 元",
            ],
        ),
        (SHOWCASE[2], ["采暖热费 450.00 元小于等于基本热费，按基本热费 630.00 元结算", "退费"]),
        (SHOWCASE[4], ["结算费用 2700.00 元高于结算上限，按结算上限 2100.00 元结算", "结算上限：计费面积"]),
        (SHOWCASE[5], ["计量热费：用热量 300.00 GJ × 65.00 元/GJ × 70%", "非居民用户", "不设结算上限"]),
    ],
)
def test_chinese_uses_the_notices_names(result, words):
    text = rendered(result)
    for word in words:
        assert word in text


def test_english_explains_the_same_figures():
    text = rendered(SHOWCASE[1], "en")
    assert (
        "Duplex heated on one floor (area of the heated floor): 70.00 m² × 130%, counted as 91.00 m²" in text
    )
    assert "replacing the computed 126.00 m²" in text
    assert "Balance due: due ¥2070.00 − paid ¥0.00 (notice §四)" in text


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_label_dictionaries_cover_every_code(lang):
    assert set(PART_KIND_LABELS[lang]) == set(PART_KINDS)
    assert set(PRICE_CLASS_LABELS[lang]) == set(PRICE_CLASSES)
    assert set(METHOD_LABELS[lang]) == set(METHODS)
    labels = [
        *PART_KIND_LABELS[lang].values(),
        *PRICE_CLASS_LABELS[lang].values(),
        *METHOD_LABELS[lang].values(),
    ]
    assert all(labels) and len(set(labels)) == len(labels)


def test_a_partial_season_says_the_days_open_and_cites_settlement_and_prepayment():
    zh, en = rendered(SHOWCASE[6]), rendered(SHOWCASE[6], "en")

    assert "本供暖季共 122 天，本户开户 61 天" in zh
    assert "按 61/122 计收" in zh
    assert "（源政办字〔2019〕54号 §二、§四）" in zh
    assert "按面积收费：计费面积 80.00 m² × 21.00 元/m² × 61/122 天" in zh
    assert "Open 61 of the season's 122 days" in en
    assert "Prepayment: billing area 80.00 m² × ¥21.00/m² × 61/122 days (notice §四)" in en
    metered = rendered(SHOWCASE[8])
    assert "基本热费：计费面积 100.00 m² × 21.00 元/m² × 30% × 61/122 天" in metered
    assert "结算上限：计费面积 100.00 m² × 21.00 元/m² × 61/122 天" in metered
