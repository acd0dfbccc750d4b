"""The reading rules of POLICY.md §7 and CONTRACTS.md (readings batch) as pure functions: no database.

`to_gj` converts a register value to GJ exactly or refuses it; `judge` decides, for readings sent
together, which are stored, which are duplicates and which are refused, given what the database holds
around each of them (the Candidate's context fields).
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
    IMPLAUSIBLE,
    REJECTED,
    STORED,
    UNIT_FACTORS,
    Candidate,
    Limits,
    Point,
    ReadingError,
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


def t(day: int, hour: int = 0) -> datetime.datetime:
    """Day `day` counted from 1 November 2019 (day 31 is 1 December), local time."""
    return datetime.datetime(2019, 11, 1, hour, tzinfo=TZ) + datetime.timedelta(days=day - 1)


def p(day: int, value: str, hour: int = 0) -> Point:
    return Point(t(day, hour), D(value))


def c(index, day, value, client=None, *, meter=METER, hour=0, area=BIG, **context) -> Candidate:
    return Candidate(
        index=index,
        meter_id=meter,
        read_at=t(day, hour),
        value_gj=D(value),
        client_id=client,
        area_m2=area,
        **context,
    )


def statuses(outcomes):
    return [o.status for o in outcomes]


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
        ("0.000001", "GJ", "0.000001"),
        ("120.500000", "GJ", "120.5"),
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
    "value, unit, words",
    [
        ("0.0001", "kWh", "cannot be stored exactly"),  # 3.6e-7 GJ
        ("0.001", "kWh", "cannot be stored exactly"),  # 3.6e-6 GJ
        ("0.0000001", "GJ", "cannot be stored exactly"),
        ("1.0000001", "GJ", "cannot be stored exactly"),
        ("0.0000001", "MWh", "cannot be stored exactly"),
        # 29+ significant digits: the product must not be rounded to a "clean" six-decimal value.
        ("1.0000000000000000000000000000278", "MWh", "cannot be stored exactly"),
        ("100.00000000000000000000000000001", "GJ", "cannot be stored exactly"),
        ("-1", "GJ", "negative"),
        ("-0.000001", "GJ", "negative"),
        ("-5", "kWh", "negative"),
        ("NaN", "GJ", "finite"),
        ("-NaN", "GJ", "finite"),
        ("sNaN", "GJ", "finite"),
        ("Infinity", "GJ", "finite"),
        ("-Infinity", "MWh", "finite"),
        ("10000000000", "GJ", "too large"),
        ("2777777777.7778", "MWh", "too large"),
        ("1E+30", "GJ", "too large"),
        ("1", "gj", "unknown unit"),
        ("1", "J", "unknown unit"),
        ("1", "TJ", "unknown unit"),
        ("1", "", "unknown unit"),
        ("1", "kwh", "unknown unit"),
    ],
)
def test_to_gj_refuses(value, unit, words):
    with pytest.raises(ReadingError, match=words):
        to_gj(D(value), unit)


def test_an_unknown_unit_is_named_before_the_value_is_looked_at():
    with pytest.raises(ReadingError, match="unknown unit 'BTU'"):
        to_gj(D("NaN"), "BTU")


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


@given(value=st.decimals(min_value=0, max_value=D("2e6"), places=3))
def test_one_mwh_is_a_thousand_kwh(value):
    assert to_gj(value, "MWh") == to_gj(value * 1000, "kWh")


@pytest.mark.parametrize(
    "value, text",
    [("120.500000", "120.5"), ("0.000000", "0.0"), ("100.000000", "100.0"), ("0.000001", "0.000001")],
)
def test_gj_text_shows_what_a_person_reads(value, text):
    assert gj_text(D(value)) == text


# judge: one reading against what the database holds ------------------------------------------------

JUDGED_ALONE = {
    "new reading, nothing around": (c(0, 10, "100"), STORED, None),
    "same client id, same reading: duplicate": (
        c(0, 10, "100.5", "r1", same_client=(METER, t(10), D("100.5"))),
        DUPLICATE,
        None,
    ),
    "same client id stored in other tz, same instant: duplicate": (
        c(0, 10, "100.5", "r1", same_client=(METER, t(10).astimezone(datetime.UTC), D("100.500000"))),
        DUPLICATE,
        None,
    ),
    "same client id, other value: conflict naming both": (
        c(0, 10, "101.25", "r1", same_client=(METER, t(10), D("100.5"))),
        REJECTED,
        ["conflict", "r1", "100.5 GJ", "101.25 GJ"],
    ),
    "same client id, other time: conflict": (
        c(0, 11, "100.5", "r1", same_client=(METER, t(10), D("100.5"))),
        REJECTED,
        ["conflict", "r1", t(10).isoformat(), t(11).isoformat()],
    ),
    "same client id, other meter: conflict": (
        c(0, 10, "100.5", "r1", same_client=(METER + 1, t(10), D("100.5"))),
        REJECTED,
        ["conflict", "r1"],
    ),
    "same meter and time, same value: duplicate": (c(0, 10, "100", same_time=D("100")), DUPLICATE, None),
    "same meter and time, same value, other client id: duplicate": (
        c(0, 10, "100", "new-id", same_time=D("100.000000")),
        DUPLICATE,
        None,
    ),
    "same meter and time, other value: conflict naming both": (
        c(0, 10, "100.75", same_time=D("100.5")),
        REJECTED,
        ["conflict", "100.5 GJ", "100.75 GJ"],
    ),
    "below the earlier reading": (
        c(0, 10, "99.9", before=p(5, "100")),
        REJECTED,
        ["below the earlier reading", "100.0 GJ", t(5).isoformat()],
    ),
    "above the later reading": (
        c(0, 10, "200.1", after=p(20, "200")),
        REJECTED,
        ["above the later reading", "200.0 GJ", t(20).isoformat()],
    ),
    "equal to the earlier reading": (c(0, 10, "100", before=p(5, "100")), STORED, None),
    "equal to the later reading": (c(0, 10, "200", after=p(20, "200")), STORED, None),
    "back-filled between its neighbours": (
        c(0, 10, "105", before=p(5, "100"), after=p(20, "120")),
        STORED,
        None,
    ),
    "back-filled above the later one": (
        c(0, 10, "121", before=p(5, "100"), after=p(20, "120")),
        REJECTED,
        ["above the later reading"],
    ),
    "back-filled below the earlier one": (
        c(0, 10, "99", before=p(5, "100"), after=p(20, "120")),
        REJECTED,
        ["below the earlier reading"],
    ),
}


@pytest.mark.parametrize("candidate, status, words", JUDGED_ALONE.values(), ids=JUDGED_ALONE.keys())
def test_judge_one_reading(candidate, status, words):
    [outcome] = judge([candidate], LIMITS)
    assert (outcome.index, outcome.status, outcome.flags) == (0, status, [])
    if words is None:
        assert outcome.reason is None
    else:
        for word in words:
            assert word in outcome.reason


# judge: implausibly high use --------------------------------------------------------------------

# 100 m² → 1 GJ/day by area; history × 4 when the interval before is known.
IMPLAUSIBLE_CASES = {
    "no history, at the area limit (1/day)": (dict(before=p(1, "0")), "20", []),
    "no history, above the area limit": (dict(before=p(1, "0")), "20.000001", [IMPLAUSIBLE]),
    "history explains it (3/day < 4 × 1/day)": (
        dict(before=p(11, "10"), before_that=p(1, "0")),
        "40",
        [],
    ),
    "history at the limit (4/day = 4 × 1/day)": (
        dict(before=p(11, "10"), before_that=p(1, "0")),
        "50",
        [],
    ),
    "above area and history (5/day)": (
        dict(before=p(11, "10"), before_that=p(1, "0")),
        "60",
        [IMPLAUSIBLE],
    ),
    "history small, area explains it": (
        dict(before=p(11, "0.1"), before_that=p(1, "0")),
        "10.1",
        [],
    ),
    "no use at all": (dict(before=p(1, "0")), "0", []),
    "no earlier reading: nothing to compare": (dict(after=p(30, "1000")), "500", []),
}


@pytest.mark.parametrize("context, value, flags", IMPLAUSIBLE_CASES.values(), ids=IMPLAUSIBLE_CASES.keys())
def test_implausible_use_is_flagged_only_above_both_limits(context, value, flags):
    [outcome] = judge([c(0, 21, value, area=AREA, **context)], LIMITS)
    assert (outcome.status, outcome.flags) == (STORED, flags)


def test_a_meter_with_more_area_may_use_more():
    context = dict(before=p(1, "0"))
    assert judge([c(0, 11, "15", area=D("100"), **context)], LIMITS)[0].flags == [IMPLAUSIBLE]
    assert judge([c(0, 11, "15", area=D("150"), **context)], LIMITS)[0].flags == []


def test_the_history_may_come_from_the_batch():
    """Readings of days 1 and 11 sent first are the history of the day-21 one."""
    outcomes = judge([c(0, 1, "0", area=AREA), c(1, 11, "10", area=AREA), c(2, 21, "40", area=AREA)], LIMITS)
    assert [(o.status, o.flags) for o in outcomes] == [(STORED, [])] * 3
    outcomes = judge([c(0, 1, "0", area=AREA), c(1, 11, "10", area=AREA), c(2, 21, "60", area=AREA)], LIMITS)
    assert outcomes[2].flags == [IMPLAUSIBLE]


def test_the_history_of_a_database_neighbour_may_be_a_back_filled_reading_of_the_batch():
    """The database holds day 11 only; the batch back-fills day 1 and then sends day 21. The
    interval day 1 → day 11 (1 GJ/day) is the history of day 11 → day 21 (3 GJ/day): not flagged."""
    outcomes = judge(
        [c(0, 1, "0", area=AREA, after=p(11, "10")), c(1, 21, "40", area=AREA, before=p(11, "10"))],
        LIMITS,
    )
    assert [(o.status, o.flags) for o in outcomes] == [(STORED, []), (STORED, [])]


def test_the_history_is_the_nearest_earlier_interval_wherever_it_was_found():
    """Database: day 1 (0) and day 11 (10). Batch: day 16 (15); then day 26: the interval before
    day 16 → 26 is day 11 → 16 (1 GJ/day), so 3.5 GJ/day is explained by history."""
    outcomes = judge(
        [
            c(0, 16, "15", area=AREA, before=p(11, "10"), before_that=p(1, "0")),
            c(1, 26, "50", area=AREA, before=p(11, "10"), before_that=p(1, "0")),
        ],
        LIMITS,
    )
    assert [(o.status, o.flags) for o in outcomes] == [(STORED, []), (STORED, [])]


def test_flagged_readings_are_no_neighbours_for_later_readings_of_the_batch():
    outcomes = judge(
        [
            c(0, 11, "500", area=AREA, before=p(1, "0")),  # 50 GJ/day: flagged
            c(1, 12, "11", area=AREA, before=p(1, "0")),  # below the flagged 500, fits the day-1 reading
            c(2, 13, "400", area=AREA, before=p(1, "0")),  # judged against day 12, not day 11
        ],
        LIMITS,
    )
    assert [(o.status, o.flags) for o in outcomes] == [
        (STORED, [IMPLAUSIBLE]),
        (STORED, []),
        (STORED, [IMPLAUSIBLE]),
    ]


def test_a_flagged_reading_still_holds_its_moment():
    outcomes = judge([c(0, 11, "500", area=AREA, before=p(1, "0")), c(1, 11, "500"), c(2, 11, "12")], LIMITS)
    assert outcomes[0].flags == [IMPLAUSIBLE]
    assert statuses(outcomes) == [STORED, DUPLICATE, REJECTED]
    assert "conflict" in outcomes[2].reason and "500.0 GJ" in outcomes[2].reason


# judge: readings of the same batch -----------------------------------------------------------------


def test_a_second_identical_reading_in_the_batch_is_a_duplicate():
    outcomes = judge([c(0, 10, "100"), c(1, 10, "100")], LIMITS)
    assert statuses(outcomes) == [STORED, DUPLICATE]


def test_a_second_reading_at_the_same_moment_with_another_value_is_a_conflict():
    outcomes = judge([c(0, 10, "100"), c(1, 10, "100.5")], LIMITS)
    assert statuses(outcomes) == [STORED, REJECTED]
    assert "100.0 GJ" in outcomes[1].reason and "100.5 GJ" in outcomes[1].reason


def test_a_client_id_sent_twice_in_the_batch():
    outcomes = judge([c(0, 10, "100", "a"), c(1, 10, "100", "a"), c(2, 11, "101", "a")], LIMITS)
    assert statuses(outcomes) == [STORED, DUPLICATE, REJECTED]
    assert "conflict" in outcomes[2].reason
    assert "100.0 GJ" in outcomes[2].reason and "101.0 GJ" in outcomes[2].reason


def test_a_client_id_of_a_refused_reading_may_be_used_again():
    outcomes = judge(
        [c(0, 10, "99", "a", before=p(5, "100")), c(1, 10, "101", "a", before=p(5, "100"))], LIMITS
    )
    assert statuses(outcomes) == [REJECTED, STORED]


def test_readings_of_different_meters_do_not_meet():
    outcomes = judge([c(0, 10, "100", meter=1), c(1, 10, "50", meter=2), c(2, 11, "60", meter=1)], LIMITS)
    assert statuses(outcomes) == [STORED, STORED, REJECTED]


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_batch_neighbours_in_any_send_order_fitting(order):
    readings = [(10, "100"), (20, "110"), (15, "105")]
    outcomes = judge([c(i, *readings[i]) for i in order], LIMITS)
    assert statuses(outcomes) == [STORED] * 3
    assert [o.index for o in outcomes] == list(order)


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_batch_neighbours_in_any_send_order_not_fitting(order):
    """Day 15 at 115 cannot fit with day 20 at 110: whichever of the two comes second is refused and
    names the reading it contradicts; day 10 (100) fits either way."""
    readings = [(10, "100"), (20, "110"), (15, "115")]
    outcomes = judge([c(i, *readings[i]) for i in order], LIMITS)
    by_index = {o.index: o for o in outcomes}
    assert by_index[0].status == STORED
    if order.index(1) < order.index(2):
        assert (by_index[1].status, by_index[2].status) == (STORED, REJECTED)
        assert "above the later reading 110.0 GJ" in by_index[2].reason
    else:
        assert (by_index[1].status, by_index[2].status) == (REJECTED, STORED)
        assert "below the earlier reading 115.0 GJ" in by_index[1].reason


def test_batch_and_database_neighbours_together():
    """Database: day 1 (0) and day 30 (30). Batch: day 20 (20) narrows the window for day 10."""
    db = dict(before=p(1, "0"), after=p(30, "30"))
    outcomes = judge([c(0, 20, "20", **db), c(1, 10, "25", **db), c(2, 10, "10", **db)], LIMITS)
    assert statuses(outcomes) == [STORED, REJECTED, STORED]
    assert "above the later reading 20.0 GJ" in outcomes[1].reason


def test_the_outcomes_follow_the_send_order_and_indexes():
    outcomes = judge([c(7, 10, "1"), c(3, 11, "2"), c(5, 12, "3")], LIMITS)
    assert [o.index for o in outcomes] == [7, 3, 5]


# Properties ----------------------------------------------------------------------------------------


def _context(day, db: list[Point]) -> dict:
    """What the database gives a candidate: the live value at its moment and its live neighbours."""
    at = t(day)
    earlier = [point for point in db if point.read_at < at]
    later = [point for point in db if point.read_at > at]
    same = [point.value for point in db if point.read_at == at]
    return dict(
        same_time=same[0] if same else None,
        before=earlier[-1] if earlier else None,
        before_that=earlier[-2] if len(earlier) > 1 else None,
        after=later[0] if later else None,
    )


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
sent = st.lists(
    st.tuples(st.integers(1, 60), st.integers(0, 400), st.sampled_from([None, "a", "b", "c"])),
    max_size=25,
)


@settings(max_examples=300)
@given(db=database_points, readings=sent, area=st.sampled_from([D("0"), D("50"), D("100"), D("1000")]))
def test_stored_readings_of_a_meter_never_decrease_in_time_order(db, readings, area):
    candidates = [
        c(i, day, str(value), client, area=area, **_context(day, db))
        for i, (day, value, client) in enumerate(readings)
    ]
    outcomes = judge(candidates, LIMITS)
    assert [o.index for o in outcomes] == list(range(len(readings)))
    stored = [
        (candidates[o.index].read_at, candidates[o.index].value_gj) for o in outcomes if o.status == STORED
    ]
    live = [(point.read_at, point.value) for point in db]
    unflagged = [
        (candidates[o.index].read_at, candidates[o.index].value_gj)
        for o in outcomes
        if o.status == STORED and not o.flags
    ]
    # the valid readings (database and new) never decrease in time order
    assert _non_decreasing(live + unflagged)
    # one live reading per moment
    moments = [at for at, _ in live + stored]
    assert len(moments) == len(set(moments))
    # one reading per client id
    ids = [
        candidates[o.index].client_id
        for o in outcomes
        if o.status == STORED and candidates[o.index].client_id
    ]
    assert len(ids) == len(set(ids))
    for outcome in outcomes:
        assert (outcome.status == REJECTED) == (outcome.reason is not None)


@settings(max_examples=200)
@given(db=database_points, readings=sent)
def test_a_batch_sent_twice_in_one_go_stores_nothing_twice(db, readings):
    candidates = [
        c(i, day, str(value), client, **_context(day, db)) for i, (day, value, client) in enumerate(readings)
    ]
    twice = candidates + [
        Candidate(**{**candidate.__dict__, "index": candidate.index + len(candidates)})
        for candidate in candidates
    ]
    outcomes = judge(twice, LIMITS)
    assert all(o.status != STORED for o in outcomes[len(candidates) :])
    assert outcomes[: len(candidates)] == judge(candidates, LIMITS)
