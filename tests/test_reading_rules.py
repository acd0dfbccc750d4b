"""The reading rules of POLICY.md §7 and CONTRACTS.md (readings batch) as pure functions: no database.

`to_gj` converts a register value to GJ exactly or refuses it; `judge` decides, for readings sent
together, which are stored, which are duplicates and which are refused, given what the database holds
around them (`Stored`: the meters' valid readings, every live value by moment, the known client ids).
A refusal carries a stable `code` and its `params`; `reason` is the remote API's English wording.
"""

import datetime
import itertools
from decimal import Decimal, localcontext
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heating.reading_rules import (
    DUPLICATE,
    FIELDS,
    IMPLAUSIBLE,
    REASONS,
    REJECTED,
    STORED,
    UNIT_FACTORS,
    Candidate,
    Limits,
    Outcome,
    Point,
    ReadingError,
    Stored,
    daily_use,
    gj_text,
    judge,
    to_gj,
)

D = Decimal
TZ = ZoneInfo("Asia/Shanghai")
METER = 1
LIMITS = Limits(max_daily_gj_per_m2=D("0.01"), history_factor=D("4"))
# 100 m² × 0.01 GJ/m²/day: more than 1 GJ a day since the previous reading is "a lot" by area.
AREA = D("100")
# Where plausibility is not the point: 100 GJ a day is never "a lot".
BIG = D("10000")
NOTHING = Stored()


def t(day: int, hour: int = 0) -> datetime.datetime:
    """Day `day` counted from 1 November 2019 (day 31 is 1 December), local time."""
    return datetime.datetime(2019, 11, 1, hour, tzinfo=TZ) + datetime.timedelta(days=day - 1)


def p(day: int, value: str, hour: int = 0) -> Point:
    return Point(t(day, hour), D(value))


def c(index, day, value, client=None, *, meter=METER, hour=0, area=BIG) -> Candidate:
    return Candidate(
        index=index,
        meter_id=meter,
        read_at=t(day, hour),
        value_gj=D(value),
        client_id=client,
        area_m2=area,
    )


def db(*valid: Point, flagged: tuple[Point, ...] = (), meter=METER, client_ids=None) -> Stored:
    """What the database holds for one meter, as the service gathers it: its valid readings (the
    neighbours) and every live value by moment, the flagged ones included."""
    return Stored(
        valid={meter: list(valid)},
        live={(meter, q.read_at): q.value for q in (*valid, *flagged)},
        client_ids=client_ids or {},
    )


def statuses(outcomes):
    return [o.status for o in outcomes]


def codes(outcomes):
    return [o.code for o in outcomes]


# to_gj --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, unit, gj",
    [
        ("123.4567", "GJ", "123.4567"),
        ("123.4567", "MWh", "444.44412"),
        ("1", "MWh", "3.6"),
        ("1", "kWh", "0.0036"),
        ("0.01", "kWh", "0.000036"),
        ("1000", "kWh", "3.6"),
        ("0", "GJ", "0"),
        ("0", "kWh", "0"),
        ("-0", "GJ", "0"),
        ("-0.000000", "GJ", "0"),
        ("0E-10", "GJ", "0"),
        ("0.000001", "GJ", "0.000001"),
        ("120.500000", "GJ", "120.5"),
        ("120.50000000", "GJ", "120.5"),  # more than six decimals, all zero: exact
        ("1E+3", "GJ", "1000"),
        ("9999999999.999999", "GJ", "9999999999.999999"),
        ("2777777777.77777", "MWh", "9999999999.999972"),
    ],
)
def test_to_gj_converts_exactly_to_six_decimals(value, unit, gj):
    result = to_gj(D(value), unit)
    assert result == D(gj)
    assert result.as_tuple().exponent == -6  # stored with six decimals
    assert not result.is_signed()


@pytest.mark.parametrize(
    "value, unit, code",
    [
        ("0.0001", "kWh", "inexact"),  # 3.6e-7 GJ
        ("0.001", "kWh", "inexact"),  # 3.6e-6 GJ
        ("0.0000001", "GJ", "inexact"),
        ("1.0000001", "GJ", "inexact"),
        ("0.0000001", "MWh", "inexact"),
        # 29+ significant digits: the product must not be rounded to a "clean" six-decimal value.
        ("1.0000000000000000000000000000278", "MWh", "inexact"),
        ("100.00000000000000000000000000001", "GJ", "inexact"),
        ("-1", "GJ", "negative"),
        ("-0.000001", "GJ", "negative"),
        ("-5", "kWh", "negative"),
        ("NaN", "GJ", "not_finite"),
        ("-NaN", "GJ", "not_finite"),
        ("sNaN", "GJ", "not_finite"),
        ("Infinity", "GJ", "not_finite"),
        ("-Infinity", "MWh", "not_finite"),
        ("10000000000", "GJ", "too_large"),
        ("10000000000.000000", "GJ", "too_large"),
        ("1E+10", "GJ", "too_large"),
        ("2777777777.7778", "MWh", "too_large"),
        ("1E+30", "GJ", "too_large"),
        ("1", "gj", "unknown_unit"),
        ("1", "J", "unknown_unit"),
        ("1", "TJ", "unknown_unit"),
        ("1", "", "unknown_unit"),
        ("1", "kwh", "unknown_unit"),
    ],
)
def test_to_gj_refuses(value, unit, code):
    with pytest.raises(ReadingError) as refused:
        to_gj(D(value), unit)
    assert refused.value.code == code
    assert str(refused.value) == REASONS[code].format(**refused.value.params)


@pytest.mark.parametrize(
    "value, unit, params, reason",
    [
        ("1", "BTU", {"unit": "BTU"}, "unknown unit 'BTU'; expected GJ, MWh or kWh"),
        ("NaN", "GJ", {}, "the value must be a finite number"),
        ("-1.5", "GJ", {"value": "-1.5"}, "a cumulative register cannot be negative (-1.5)"),
        (
            "0.0001",
            "kWh",
            {"value": "0.0001", "unit": "kWh", "gj": "0.00000036"},
            "0.0001 kWh = 0.00000036 GJ cannot be stored exactly in six decimals",
        ),
        ("1E+11", "GJ", {"value": "1E+11", "unit": "GJ"}, "the value 1E+11 GJ is too large"),
    ],
)
def test_to_gj_refusals_carry_params_and_the_apis_english_reason(value, unit, params, reason):
    with pytest.raises(ReadingError) as refused:
        to_gj(D(value), unit)
    assert (refused.value.params, str(refused.value)) == (params, reason)


def test_an_unknown_unit_is_named_before_the_value_is_looked_at():
    with pytest.raises(ReadingError) as refused:
        to_gj(D("NaN"), "BTU")
    assert (refused.value.code, refused.value.params) == ("unknown_unit", {"unit": "BTU"})


def _exact_gj(value: Decimal, unit: str) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 200
        return value * UNIT_FACTORS[unit]


@settings(max_examples=300)
@given(
    value=st.decimals(min_value=0, max_value=D("1e11"), allow_nan=False, allow_infinity=False, places=8),
    unit=st.sampled_from(sorted(UNIT_FACTORS)),
)
def test_to_gj_is_exact_or_refuses(value, unit):
    """Whatever is returned equals the true value; whatever six decimals can hold is accepted."""
    exact = _exact_gj(value, unit)
    fits = exact == exact.quantize(D("0.000001")) and exact < D("1e10")
    if fits:
        assert to_gj(value, unit) == exact
    else:
        with pytest.raises(ReadingError):
            to_gj(value, unit)


@settings(max_examples=300)
@given(
    places=st.integers(-3, 6),  # 1E+3 … 0.000001
    value=st.decimals(min_value=0, max_value=D("1.2e10"), allow_nan=False, allow_infinity=False),
)
def test_gj_with_at_most_six_decimals_takes_the_fast_path_to_the_same_answer(places, value):
    """GJ values with ≤ 6 decimals skip the exact multiplication: same value, same refusals."""
    value = value.quantize(D(1).scaleb(-places))
    if value < D("1e10"):
        result = to_gj(value, "GJ")
        assert result == value and result.as_tuple().exponent == -6 and not result.is_signed()
    else:
        with pytest.raises(ReadingError) as refused:
            to_gj(value, "GJ")
        assert refused.value.code == "too_large"


@given(value=st.decimals(min_value=0, max_value=D("2e6"), places=3))
def test_one_mwh_is_a_thousand_kwh(value):
    assert to_gj(value, "MWh") == to_gj(value * 1000, "kWh")


@pytest.mark.parametrize(
    "value, text",
    [("120.500000", "120.5"), ("0.000000", "0.0"), ("100.000000", "100.0"), ("0.000001", "0.000001")],
)
def test_gj_text_shows_what_a_person_reads(value, text):
    assert gj_text(D(value)) == text


# Codes, reasons and fields -------------------------------------------------------------------------


def test_every_refusal_code_has_a_reason_and_a_field():
    assert set(FIELDS) == set(REASONS)
    assert set(FIELDS.values()) <= {"meter", "read_at", "value", "unit", "type", "reading_id"}


def test_a_refused_outcome_carries_code_params_and_the_english_reason():
    outcome = Outcome.refused(3, "below_earlier", value="100.0", read_at=t(5).isoformat())
    assert outcome == Outcome(
        3,
        REJECTED,
        "below the earlier reading 100.0 GJ at 2019-11-05T00:00:00+08:00",
        [],
        "below_earlier",
        {"value": "100.0", "read_at": "2019-11-05T00:00:00+08:00"},
    )


# judge: one reading against what the database holds ------------------------------------------------

CLIENT = {"r1": (METER, t(10), D("100.5"))}

# candidate, what is stored, status, code, params (None: nothing refused)
JUDGED_ALONE = {
    "new reading, nothing around": (c(0, 10, "100"), NOTHING, STORED, None, None),
    "same client id, same reading: duplicate": (
        c(0, 10, "100.5", "r1"),
        Stored(client_ids=CLIENT),
        DUPLICATE,
        None,
        None,
    ),
    "same client id stored in other tz, same instant: duplicate": (
        c(0, 10, "100.5", "r1"),
        Stored(client_ids={"r1": (METER, t(10).astimezone(datetime.UTC), D("100.500000"))}),
        DUPLICATE,
        None,
        None,
    ),
    "same client id, other value: conflict naming both": (
        c(0, 10, "101.25", "r1"),
        Stored(client_ids=CLIENT),
        REJECTED,
        "conflict_client_id",
        {
            "client_id": "r1",
            "value": "100.5",
            "read_at": t(10).isoformat(),
            "new_value": "101.25",
            "new_read_at": t(10).isoformat(),
        },
    ),
    "same client id, other time: conflict": (
        c(0, 11, "100.5", "r1"),
        Stored(client_ids=CLIENT),
        REJECTED,
        "conflict_client_id",
        {
            "client_id": "r1",
            "value": "100.5",
            "read_at": t(10).isoformat(),
            "new_value": "100.5",
            "new_read_at": t(11).isoformat(),
        },
    ),
    "same client id, other meter: conflict": (
        c(0, 10, "100.5", "r1"),
        Stored(client_ids={"r1": (METER + 1, t(10), D("100.5"))}),
        REJECTED,
        "conflict_client_id",
        {"client_id": "r1"},
    ),
    "same client id wins over the same moment": (
        c(0, 10, "100.5", "r1"),
        Stored(live={(METER, t(10)): D("100")}, client_ids=CLIENT),
        DUPLICATE,
        None,
        None,
    ),
    "same meter and time, same value: duplicate": (
        c(0, 10, "100"),
        db(p(10, "100")),
        DUPLICATE,
        None,
        None,
    ),
    "same meter and time, same value, other client id: duplicate": (
        c(0, 10, "100", "new-id"),
        db(p(10, "100.000000")),
        DUPLICATE,
        None,
        None,
    ),
    "same meter and time, other value: conflict naming both": (
        c(0, 10, "100.75"),
        db(p(10, "100.5")),
        REJECTED,
        "conflict_time",
        {"value": "100.5", "read_at": t(10).isoformat(), "new_value": "100.75"},
    ),
    "same meter and time stored in other tz: the same moment": (
        c(0, 10, "100.75"),
        Stored(live={(METER, t(10).astimezone(datetime.UTC)): D("100.5")}),
        REJECTED,
        "conflict_time",
        {"value": "100.5"},
    ),
    "a flagged reading at that moment holds it: duplicate": (
        c(0, 10, "500"),
        db(p(1, "0"), flagged=(p(10, "500"),)),
        DUPLICATE,
        None,
        None,
    ),
    "a flagged reading at that moment holds it: conflict": (
        c(0, 10, "12"),
        db(p(1, "0"), flagged=(p(10, "500"),)),
        REJECTED,
        "conflict_time",
        {"value": "500.0", "new_value": "12.0"},
    ),
    "another meter's reading at that moment is no conflict": (
        c(0, 10, "12"),
        db(p(10, "500"), meter=METER + 1),
        STORED,
        None,
        None,
    ),
    "below the earlier reading": (
        c(0, 10, "99.9"),
        db(p(5, "100")),
        REJECTED,
        "below_earlier",
        {"value": "100.0", "read_at": t(5).isoformat()},
    ),
    "above the later reading": (
        c(0, 10, "200.1"),
        db(p(20, "200")),
        REJECTED,
        "above_later",
        {"value": "200.0", "read_at": t(20).isoformat()},
    ),
    "equal to the earlier reading": (c(0, 10, "100"), db(p(5, "100")), STORED, None, None),
    "equal to the later reading": (c(0, 10, "200"), db(p(20, "200")), STORED, None, None),
    "back-filled between its neighbours": (
        c(0, 10, "105"),
        db(p(5, "100"), p(20, "120")),
        STORED,
        None,
        None,
    ),
    "back-filled above the later one": (
        c(0, 10, "121"),
        db(p(5, "100"), p(20, "120")),
        REJECTED,
        "above_later",
        {"value": "120.0", "read_at": t(20).isoformat()},
    ),
    "back-filled below the earlier one": (
        c(0, 10, "99"),
        db(p(5, "100"), p(20, "120")),
        REJECTED,
        "below_earlier",
        {"value": "100.0", "read_at": t(5).isoformat()},
    ),
    "the nearest neighbours count, not farther ones": (
        c(0, 10, "105"),
        db(p(1, "0"), p(5, "100"), p(20, "120"), p(30, "200")),
        STORED,
        None,
        None,
    ),
    "valid readings given out of time order": (
        c(0, 10, "99"),
        db(p(20, "120"), p(1, "0"), p(5, "100")),
        REJECTED,
        "below_earlier",
        {"value": "100.0", "read_at": t(5).isoformat()},
    ),
    "a flagged reading is no neighbour": (
        c(0, 12, "11"),
        db(p(1, "0"), flagged=(p(11, "500"),)),
        STORED,
        None,
        None,
    ),
    "another meter's readings are no neighbours": (
        c(0, 10, "1"),
        db(p(5, "100"), meter=METER + 1),
        STORED,
        None,
        None,
    ),
}


@pytest.mark.parametrize(
    "candidate, stored, status, code, params", JUDGED_ALONE.values(), ids=JUDGED_ALONE.keys()
)
def test_judge_one_reading(candidate, stored, status, code, params):
    [outcome] = judge([candidate], stored, LIMITS)
    assert (outcome.index, outcome.status, outcome.flags, outcome.code) == (0, status, [], code)
    if code is None:
        assert outcome.reason is None and outcome.params == {}
    else:
        assert params.items() <= outcome.params.items()
        assert outcome.reason == REASONS[code].format(**outcome.params)


@pytest.mark.parametrize(
    "candidate, stored, reason",
    [
        (
            c(0, 10, "99.9"),
            db(p(5, "100")),
            "below the earlier reading 100.0 GJ at 2019-11-05T00:00:00+08:00",
        ),
        (
            c(0, 10, "200.1"),
            db(p(20, "200")),
            "above the later reading 200.0 GJ at 2019-11-20T00:00:00+08:00",
        ),
        (
            c(0, 10, "100.75"),
            db(p(10, "100.5")),
            "conflict: this meter already has 100.5 GJ at 2019-11-10T00:00:00+08:00; this one says 100.75 GJ",
        ),
        (
            c(0, 11, "101.25", "r1"),
            Stored(client_ids=CLIENT),
            "conflict: reading_id r1 was stored as 100.5 GJ at 2019-11-10T00:00:00+08:00; "
            "this one says 101.25 GJ at 2019-11-11T00:00:00+08:00",
        ),
    ],
)
def test_the_remote_apis_english_reasons_keep_their_wording(candidate, stored, reason):
    [outcome] = judge([candidate], stored, LIMITS)
    assert outcome.reason == reason


def test_judge_does_not_change_what_it_was_given():
    stored = db(p(5, "100"), client_ids=dict(CLIENT))
    before = (dict(stored.valid), list(stored.valid[METER]), dict(stored.live), dict(stored.client_ids))
    judge([c(0, 10, "110", "x"), c(1, 2, "50", "y"), c(2, 11, "120")], stored, LIMITS)
    assert (dict(stored.valid), stored.valid[METER], dict(stored.live), dict(stored.client_ids)) == before


# judge: implausibly high use --------------------------------------------------------------------

# 100 m² → 1 GJ/day by area; history × 4 when the interval before is known.
IMPLAUSIBLE_CASES = {
    "no history, at the area limit (1/day)": ([p(1, "0")], "20", []),
    "no history, above the area limit": ([p(1, "0")], "20.000001", [IMPLAUSIBLE]),
    "history explains it (3/day < 4 × 1/day)": ([p(1, "0"), p(11, "10")], "40", []),
    "history at the limit (4/day = 4 × 1/day)": ([p(1, "0"), p(11, "10")], "50", []),
    "above area and history (5/day)": ([p(1, "0"), p(11, "10")], "60", [IMPLAUSIBLE]),
    "history small, area explains it": ([p(1, "0"), p(11, "0.1")], "10.1", []),
    "the history is the interval just before, not an older one": (
        [p(0, "0"), p(1, "0"), p(11, "10")],
        "40",
        [],
    ),
    "no use at all": ([p(1, "0")], "0", []),
    "no earlier reading: nothing to compare": ([p(30, "1000")], "500", []),
    "a later reading does not change the interval judged": ([p(1, "0"), p(30, "1000")], "500", [IMPLAUSIBLE]),
}


@pytest.mark.parametrize("valid, value, flags", IMPLAUSIBLE_CASES.values(), ids=IMPLAUSIBLE_CASES.keys())
def test_implausible_use_is_flagged_only_above_both_limits(valid, value, flags):
    [outcome] = judge([c(0, 21, value, area=AREA)], db(*valid), LIMITS)
    assert (outcome.status, outcome.flags, outcome.code) == (STORED, flags, None)


@pytest.mark.parametrize("value, flags", [("10", []), ("10.000001", [IMPLAUSIBLE])])
def test_use_exactly_at_the_history_limit_is_not_flagged_though_no_decimal_holds_it(value, flags):
    """8/9 GJ a day against 4 × 2/9: equal. Dividing first would round the two sides differently
    (0.888…889 against 4 × 0.222…222) and flag a reading that is exactly at the limit."""
    [outcome] = judge([c(0, 21, value, area=D("50"))], db(p(3, "0"), p(12, "2")), LIMITS)
    assert outcome.flags == flags


def test_a_meter_with_more_area_may_use_more():
    stored = db(p(1, "0"))
    assert judge([c(0, 11, "15", area=D("100"))], stored, LIMITS)[0].flags == [IMPLAUSIBLE]
    assert judge([c(0, 11, "15", area=D("150"))], stored, LIMITS)[0].flags == []


@pytest.mark.parametrize("value", ["0.000001", "1000", "100000"])
def test_a_meter_with_neither_area_nor_history_never_flags(value):
    """Limit 0 (no heated area, no earlier interval) means nothing to compare with: not implausible."""
    [outcome] = judge([c(0, 11, value, area=D("0"))], db(p(1, "0")), LIMITS)
    assert (outcome.status, outcome.flags) == (STORED, [])


def test_a_meter_without_area_is_judged_by_its_history_alone():
    stored = db(p(1, "0"), p(11, "10"))  # 1 GJ/day before
    assert judge([c(0, 21, "50", area=D("0"))], stored, LIMITS)[0].flags == []  # 4/day
    assert judge([c(0, 21, "50.000001", area=D("0"))], stored, LIMITS)[0].flags == [IMPLAUSIBLE]


def test_a_meter_with_a_flat_history_and_no_area_never_flags():
    """No use in the interval before makes a limit of 0: nothing to compare with either."""
    [outcome] = judge([c(0, 21, "500", area=D("0"))], db(p(1, "10"), p(11, "10")), LIMITS)
    assert outcome.flags == []


def test_the_history_may_come_from_the_batch():
    """Readings of days 1 and 11 sent first are the history of the day-21 one."""
    outcomes = judge(
        [c(0, 1, "0", area=AREA), c(1, 11, "10", area=AREA), c(2, 21, "40", area=AREA)], NOTHING, LIMITS
    )
    assert [(o.status, o.flags) for o in outcomes] == [(STORED, [])] * 3
    outcomes = judge(
        [c(0, 1, "0", area=AREA), c(1, 11, "10", area=AREA), c(2, 21, "60", area=AREA)], NOTHING, LIMITS
    )
    assert outcomes[2].flags == [IMPLAUSIBLE]


def test_the_history_of_a_database_neighbour_may_be_a_back_filled_reading_of_the_batch():
    """The database holds day 11 only; the batch back-fills day 1 and then sends day 21. The
    interval day 1 → day 11 (1 GJ/day) is the history of day 11 → day 21 (3 GJ/day): not flagged."""
    outcomes = judge([c(0, 1, "0", area=AREA), c(1, 21, "40", area=AREA)], db(p(11, "10")), LIMITS)
    assert [(o.status, o.flags) for o in outcomes] == [(STORED, []), (STORED, [])]


def test_the_history_is_the_nearest_earlier_interval_wherever_it_was_found():
    """Database: day 1 (0) and day 11 (10). Batch: day 16 (15); then day 26: the interval before
    day 16 → 26 is day 11 → 16 (1 GJ/day), so 3.5 GJ/day is explained by history."""
    outcomes = judge(
        [c(0, 16, "15", area=AREA), c(1, 26, "50", area=AREA)], db(p(1, "0"), p(11, "10")), LIMITS
    )
    assert [(o.status, o.flags) for o in outcomes] == [(STORED, []), (STORED, [])]


def test_flagged_readings_are_no_neighbours_for_later_readings_of_the_batch():
    outcomes = judge(
        [
            c(0, 11, "500", area=AREA),  # 50 GJ/day: flagged
            c(1, 12, "11", area=AREA),  # below the flagged 500, fits the day-1 reading
            c(2, 13, "400", area=AREA),  # judged against day 12, not day 11
        ],
        db(p(1, "0")),
        LIMITS,
    )
    assert [(o.status, o.flags) for o in outcomes] == [
        (STORED, [IMPLAUSIBLE]),
        (STORED, []),
        (STORED, [IMPLAUSIBLE]),
    ]


def test_a_flagged_reading_still_holds_its_moment():
    outcomes = judge([c(0, 11, "500", area=AREA), c(1, 11, "500"), c(2, 11, "12")], db(p(1, "0")), LIMITS)
    assert outcomes[0].flags == [IMPLAUSIBLE]
    assert statuses(outcomes) == [STORED, DUPLICATE, REJECTED]
    assert (outcomes[2].code, outcomes[2].params["value"], outcomes[2].params["new_value"]) == (
        "conflict_time",
        "500.0",
        "12.0",
    )


# judge: readings of the same batch -----------------------------------------------------------------


def test_a_second_identical_reading_in_the_batch_is_a_duplicate():
    outcomes = judge([c(0, 10, "100"), c(1, 10, "100")], NOTHING, LIMITS)
    assert statuses(outcomes) == [STORED, DUPLICATE]


def test_a_second_reading_at_the_same_moment_with_another_value_is_a_conflict():
    outcomes = judge([c(0, 10, "100"), c(1, 10, "100.5")], NOTHING, LIMITS)
    assert statuses(outcomes) == [STORED, REJECTED]
    assert outcomes[1].code == "conflict_time"
    assert (outcomes[1].params["value"], outcomes[1].params["new_value"]) == ("100.0", "100.5")


def test_a_client_id_sent_twice_in_the_batch():
    outcomes = judge([c(0, 10, "100", "a"), c(1, 10, "100", "a"), c(2, 11, "101", "a")], NOTHING, LIMITS)
    assert statuses(outcomes) == [STORED, DUPLICATE, REJECTED]
    assert outcomes[2].code == "conflict_client_id"
    assert (outcomes[2].params["value"], outcomes[2].params["new_value"]) == ("100.0", "101.0")


def test_a_client_id_of_a_refused_reading_may_be_used_again():
    outcomes = judge([c(0, 10, "99", "a"), c(1, 10, "101", "a")], db(p(5, "100")), LIMITS)
    assert statuses(outcomes) == [REJECTED, STORED]
    assert codes(outcomes) == ["below_earlier", None]


def test_readings_of_different_meters_do_not_meet():
    outcomes = judge(
        [c(0, 10, "100", meter=1), c(1, 10, "50", meter=2), c(2, 11, "60", meter=1)], NOTHING, LIMITS
    )
    assert statuses(outcomes) == [STORED, STORED, REJECTED]
    assert outcomes[2].code == "below_earlier"


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_batch_neighbours_in_any_send_order_fitting(order):
    readings = [(10, "100"), (20, "110"), (15, "105")]
    outcomes = judge([c(i, *readings[i]) for i in order], NOTHING, LIMITS)
    assert statuses(outcomes) == [STORED] * 3
    assert [o.index for o in outcomes] == list(order)


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_batch_neighbours_in_any_send_order_not_fitting(order):
    """Day 15 at 115 cannot fit with day 20 at 110: whichever of the two comes second is refused and
    names the reading it contradicts; day 10 (100) fits either way."""
    readings = [(10, "100"), (20, "110"), (15, "115")]
    outcomes = judge([c(i, *readings[i]) for i in order], NOTHING, LIMITS)
    by_index = {o.index: o for o in outcomes}
    assert by_index[0].status == STORED
    if order.index(1) < order.index(2):
        assert (by_index[1].status, by_index[2].status) == (STORED, REJECTED)
        assert (by_index[2].code, by_index[2].params) == (
            "above_later",
            {"value": "110.0", "read_at": t(20).isoformat()},
        )
    else:
        assert (by_index[1].status, by_index[2].status) == (REJECTED, STORED)
        assert (by_index[1].code, by_index[1].params) == (
            "below_earlier",
            {"value": "115.0", "read_at": t(15).isoformat()},
        )


def test_batch_and_database_neighbours_together():
    """Database: day 1 (0) and day 30 (30). Batch: day 20 (20) narrows the window for day 10."""
    outcomes = judge([c(0, 20, "20"), c(1, 10, "25"), c(2, 10, "10")], db(p(1, "0"), p(30, "30")), LIMITS)
    assert statuses(outcomes) == [STORED, REJECTED, STORED]
    assert (outcomes[1].code, outcomes[1].params) == (
        "above_later",
        {"value": "20.0", "read_at": t(20).isoformat()},
    )


def test_the_outcomes_follow_the_send_order_and_indexes():
    outcomes = judge([c(7, 10, "1"), c(3, 11, "2"), c(5, 12, "3")], NOTHING, LIMITS)
    assert [o.index for o in outcomes] == [7, 3, 5]


# Properties ----------------------------------------------------------------------------------------


def _non_decreasing(points):
    values = [value for _, value in sorted(points)]
    return all(a <= b for a, b in zip(values, values[1:], strict=False))


database_points = st.lists(
    st.tuples(st.integers(1, 60), st.integers(0, 50)), max_size=6, unique_by=lambda x: x[0]
).map(
    # a valid history: sorted by day, values non-decreasing
    lambda pairs: [
        Point(t(day), D(total))
        for day, total in zip(
            sorted(day for day, _ in pairs),
            itertools.accumulate(sorted(step for _, step in pairs)),
            strict=True,
        )
    ]
)
# Flagged readings awaiting review: live at their moment (hour 12, apart from the valid ones), any value.
flagged_points = st.lists(
    st.tuples(st.integers(1, 60), st.integers(0, 1000)), max_size=3, unique_by=lambda x: x[0]
).map(lambda pairs: [Point(t(day, 12), D(value)) for day, value in pairs])
sent = st.lists(
    st.tuples(
        st.integers(1, 60),
        st.sampled_from([0, 12]),
        st.integers(0, 400),
        st.sampled_from([None, "a", "b", "c"]),
    ),
    max_size=25,
)


def _candidates(readings, area=BIG):
    return [
        c(i, day, str(value), client, hour=hour, area=area)
        for i, (day, hour, value, client) in enumerate(readings)
    ]


@settings(max_examples=300)
@given(
    valid=database_points,
    flagged=flagged_points,
    readings=sent,
    area=st.sampled_from([D("0"), D("50"), D("100"), D("1000")]),
)
def test_stored_readings_of_a_meter_never_decrease_in_time_order(valid, flagged, readings, area):
    candidates = _candidates(readings, area)
    outcomes = judge(candidates, db(*valid, flagged=tuple(flagged)), LIMITS)
    assert [o.index for o in outcomes] == list(range(len(readings)))
    stored = [
        (candidates[o.index].read_at, candidates[o.index].value_gj) for o in outcomes if o.status == STORED
    ]
    unflagged = [
        (candidates[o.index].read_at, candidates[o.index].value_gj)
        for o in outcomes
        if o.status == STORED and not o.flags
    ]
    # the valid readings (database and new) never decrease in time order
    assert _non_decreasing([(q.read_at, q.value) for q in valid] + unflagged)
    # one live reading per moment
    moments = [q.read_at for q in valid + flagged] + [at for at, _ in stored]
    assert len(moments) == len(set(moments))
    # one reading per client id
    ids = [
        candidates[o.index].client_id
        for o in outcomes
        if o.status == STORED and candidates[o.index].client_id
    ]
    assert len(ids) == len(set(ids))
    for outcome in outcomes:
        assert (outcome.status == REJECTED) == (outcome.reason is not None) == (outcome.code is not None)
        if outcome.code:
            assert outcome.reason == REASONS[outcome.code].format(**outcome.params)


@settings(max_examples=200)
@given(valid=database_points, flagged=flagged_points, readings=sent)
def test_a_batch_sent_twice_in_one_go_stores_nothing_twice(valid, flagged, readings):
    stored = db(*valid, flagged=tuple(flagged))
    candidates = _candidates(readings)
    twice = candidates + [
        candidate._replace(index=candidate.index + len(candidates)) for candidate in candidates
    ]
    outcomes = judge(twice, stored, LIMITS)
    assert all(o.status != STORED for o in outcomes[len(candidates) :])
    assert outcomes[: len(candidates)] == judge(candidates, stored, LIMITS)


@settings(max_examples=200)
@given(valid=database_points, flagged=flagged_points, readings=sent)
def test_what_the_batch_stored_is_judged_as_if_it_had_been_in_the_database(valid, flagged, readings):
    """Sending readings in two batches gives the second the same outcomes as sending them together,
    once the first batch's stored readings are in `Stored` as the service would gather them."""
    candidates = _candidates(readings)
    half = len(candidates) // 2
    stored = db(*valid, flagged=tuple(flagged))
    together = judge(candidates, stored, LIMITS)
    first = together[:half]
    kept = [(candidates[o.index], o) for o in first if o.status == STORED]
    after_first = Stored(
        valid={METER: valid + [Point(k.read_at, k.value_gj) for k, o in kept if not o.flags]},
        live={**stored.live, **{(METER, k.read_at): k.value_gj for k, _ in kept}},
        client_ids={k.client_id: (METER, k.read_at, k.value_gj) for k, _ in kept if k.client_id},
    )
    assert judge(candidates[half:], after_first, LIMITS) == together[half:]


# Daily use: one definition for the rules and the pages ------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    used=st.decimals(min_value=D("0.000001"), max_value=D("10000"), places=6),
    seconds=st.integers(min_value=1, max_value=200 * 86400),
    area=st.decimals(min_value=D("1"), max_value=D("500"), places=2),
)
def test_shown_daily_use_agrees_with_the_flag_on_the_area_limit(used, seconds, area):
    """A reading flagged on its area never shows a daily use below the area limit, nor one above it
    when it is not flagged (no history to compare with), whatever the interval."""
    before = Point(datetime.datetime(2023, 12, 1, 8, tzinfo=TZ), D("100"))
    after = Point(before.read_at + datetime.timedelta(seconds=seconds), before.value + used)
    limit = area * LIMITS.max_daily_gj_per_m2
    candidate = Candidate(0, METER, after.read_at, after.value, None, area)
    (outcome,) = judge([candidate], Stored(valid={METER: [before]}), LIMITS)
    shown = daily_use(before, after)
    if IMPLAUSIBLE in outcome.flags:
        assert shown >= limit.quantize(D("0.001"))
    else:
        assert shown <= limit.quantize(D("0.001"))


def test_daily_use_counts_whole_seconds_as_the_rules_do():
    before = Point(datetime.datetime(2023, 12, 1, 8, tzinfo=TZ), D("100"))
    after = Point(before.read_at + datetime.timedelta(seconds=1, microseconds=500000), D("101"))
    assert daily_use(before, after) == D("86400.000")
    assert daily_use(before, before) is None


@pytest.mark.parametrize("unit", ["GJ", "MWh", "kWh"])
@pytest.mark.parametrize("value", ["1e999999999", "9" * 60, "1e15"])
def test_a_value_too_long_for_any_unit_is_too_large_not_an_overflow(value, unit):
    with pytest.raises(ReadingError) as refused:
        to_gj(Decimal(value), unit)

    assert refused.value.code == "too_large"


def test_a_long_kwh_register_below_the_limit_still_converts():
    assert to_gj(Decimal("2000000000000"), "kWh") == Decimal("7200000000.000000")
