"""reading_confirm, reading_void and reading_correct: never a deleted row, always a history row."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from heating.models import Reading
from heating.services.reading_review import reading_confirm, reading_correct, reading_void
from tests.factories import HeatedPartFactory, MeterFactory, ReadingFactory, aware

from .helpers import staff

pytestmark = pytest.mark.django_db

VALID, FLAGGED, VOID = Reading.Status.VALID, Reading.Status.FLAGGED, Reading.Status.VOID


@pytest.fixture
def meter():
    """A meter in a 100 m² home: up to 1 GJ a day is plausible with the default limits."""
    meter = MeterFactory()
    HeatedPartFactory(premises=meter.account.premises, area=Decimal("100"))
    return meter


@pytest.fixture
def clerk(meter):
    return staff(meter.company)


def reading(meter, day, value, status=VALID, **fields):
    return ReadingFactory(
        meter=meter, read_at=aware(2023, 12, day, 8), value_gj=Decimal(value), status=status, **fields
    )


def snapshot(meter):
    """Every reading of the meter as stored, and how many history rows each has."""
    rows = Reading.objects.filter(meter=meter).order_by("pk")
    return [
        (r.pk, r.read_at, r.value_gj, r.status, r.confirmed, r.void_reason, r.corrects_id, r.history.count())
        for r in rows
    ]


def changes(reading):
    """The kinds of history rows of a reading, oldest first: "+" created, "~" changed."""
    return list(reading.history.order_by("history_id").values_list("history_type", flat=True))


def codes(excinfo):
    return [error.code for error in excinfo.value.error_list]


# --- confirm ------------------------------------------------------------------------------------


def test_confirming_a_flagged_reading_makes_it_valid_and_confirmed(meter, clerk):
    reading(meter, 1, "100")
    flagged = reading(meter, 2, "180", FLAGGED, flags=["implausible_use"])
    assert changes(flagged) == ["+"]  # the factory saves; readings_ingest's bulk insert does not

    confirmed = reading_confirm(reading=flagged, user=clerk, reason="  户主确认家中装了地暖  ")

    flagged.refresh_from_db()
    assert confirmed.pk == flagged.pk
    assert (flagged.status, flagged.confirmed, flagged.reviewed_by) == (VALID, True, clerk)
    assert (flagged.confirm_reason, flagged.confirmed_by) == ("户主确认家中装了地暖", clerk)
    assert flagged.confirmed_at is not None and flagged.confirmed_at == flagged.reviewed_at
    assert flagged.flags == ["implausible_use"]  # why it was held stays on record
    assert changes(flagged) == ["+", "~"]
    assert flagged.history.latest().history_user == clerk
    assert flagged.history.latest().status == VALID
    assert flagged.history.latest().confirm_reason == "户主确认家中装了地暖"


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_confirming_needs_a_reason(meter, clerk, reason):
    reading(meter, 1, "100")
    flagged = reading(meter, 2, "5100", FLAGGED, flags=["implausible_use"])
    before = snapshot(meter)

    with pytest.raises(ValidationError) as excinfo:
        reading_confirm(reading=flagged, user=clerk, reason=reason)

    assert codes(excinfo) == ["reason_required"]
    assert snapshot(meter) == before


def test_a_later_void_keeps_who_confirmed_when_and_why(meter, clerk):
    reading(meter, 1, "100")
    flagged = reading(meter, 2, "180", FLAGGED, flags=["implausible_use"])
    reading_confirm(reading=flagged, user=clerk, reason="核实无误")
    other = staff(meter.company, "manager")

    reading_void(reading=flagged, user=other, reason="表坏了")

    flagged.refresh_from_db()
    assert (flagged.reviewed_by, flagged.confirmed_by, flagged.confirm_reason) == (other, clerk, "核实无误")


def test_confirming_is_refused_when_a_later_valid_reading_is_lower(meter, clerk):
    # The flagged 500 was not a neighbour when the later 200 was stored; confirming it now would
    # make the meter run backwards.
    reading(meter, 1, "100")
    flagged = reading(meter, 2, "500", FLAGGED, flags=["implausible_use"])
    reading(meter, 3, "200")
    before = snapshot(meter)

    with pytest.raises(ValidationError) as excinfo:
        reading_confirm(reading=flagged, user=clerk, reason="核实无误")

    assert codes(excinfo) == ["out_of_order"]
    assert excinfo.value.messages == [
        "高于此后 2023-12-03 08:00 的读数 200.0 GJ：不能确认，请作废或更正该读数"
    ]
    assert snapshot(meter) == before


def test_confirming_is_refused_when_an_earlier_valid_reading_is_higher(meter, clerk):
    flagged = reading(meter, 2, "150", FLAGGED, flags=["implausible_use"])
    reading(meter, 1, "160")
    before = snapshot(meter)

    with pytest.raises(ValidationError) as excinfo:
        reading_confirm(reading=flagged, user=clerk, reason="核实无误")

    assert codes(excinfo) == ["out_of_order"]
    assert excinfo.value.messages == [
        "低于此前 2023-12-01 08:00 的读数 160.0 GJ：不能确认，请作废或更正该读数"
    ]
    assert snapshot(meter) == before


def test_an_estimated_reading_can_be_staff_confirmed_once(meter, clerk):
    estimate = reading(meter, 1, "100", kind=Reading.Kind.ESTIMATED)

    reading_confirm(reading=estimate, user=clerk, reason="核实无误")
    with pytest.raises(ValidationError) as excinfo:
        reading_confirm(reading=estimate, user=clerk, reason="核实无误")

    estimate.refresh_from_db()
    assert (estimate.status, estimate.confirmed) == (VALID, True)
    assert codes(excinfo) == ["not_pending"]
    assert changes(estimate) == ["+", "~"]


def test_a_void_reading_cannot_be_confirmed(meter, clerk):
    void = reading(meter, 1, "100", VOID, void_reason="typo")

    with pytest.raises(ValidationError) as excinfo:
        reading_confirm(reading=void, user=clerk, reason="核实无误")

    assert codes(excinfo) == ["not_pending"]
    void.refresh_from_db()
    assert void.status == VOID


# --- void ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_voiding_needs_a_reason(meter, clerk, reason):
    target = reading(meter, 1, "100")
    before = snapshot(meter)

    with pytest.raises(ValidationError) as excinfo:
        reading_void(reading=target, user=clerk, reason=reason)

    assert codes(excinfo) == ["reason_required"]
    assert snapshot(meter) == before


def test_a_too_long_reason_is_refused(meter, clerk):
    target = reading(meter, 1, "100")

    with pytest.raises(ValidationError) as excinfo:
        reading_void(reading=target, user=clerk, reason="x" * 201)

    assert codes(excinfo) == ["reason_too_long"]


def test_voiding_keeps_the_row_with_its_reason_and_history(meter, clerk):
    target = reading(meter, 1, "100", FLAGGED, flags=["implausible_use"])

    reading_void(reading=target, user=clerk, reason="  抄错了  ")

    target.refresh_from_db()
    assert Reading.objects.filter(meter=meter).count() == 1
    assert (target.status, target.void_reason, target.reviewed_by) == (VOID, "抄错了", clerk)
    assert target.value_gj == Decimal("100")
    assert changes(target) == ["+", "~"]
    assert target.history.latest().status == VOID
    assert target.history.earliest().status == FLAGGED


def test_a_void_reading_cannot_be_voided_again(meter, clerk):
    target = reading(meter, 1, "100")
    reading_void(reading=target, user=clerk, reason="重复")

    with pytest.raises(ValidationError) as excinfo:
        reading_void(reading=target, user=clerk, reason="again")

    assert codes(excinfo) == ["already_void"]
    target.refresh_from_db()
    assert target.void_reason == "重复"
    assert changes(target) == ["+", "~"]


# --- correct ------------------------------------------------------------------------------------


def test_a_correction_voids_the_old_reading_and_stores_the_new_one_at_the_same_time(meter, clerk):
    reading(meter, 1, "100")
    wrong = reading(meter, 2, "1008", FLAGGED, flags=["implausible_use"])
    reading(meter, 3, "101.5")

    new = reading_correct(reading=wrong, user=clerk, value=Decimal("100.8"), reason="漏了小数点")

    wrong.refresh_from_db()
    assert (wrong.status, wrong.void_reason, wrong.reviewed_by) == (VOID, "漏了小数点", clerk)
    assert (new.read_at, new.value_gj, new.status) == (wrong.read_at, Decimal("100.8"), VALID)
    assert new.corrects == wrong
    assert (new.kind, new.source, new.created_by) == (Reading.Kind.ACTUAL, Reading.Source.MANUAL, clerk)
    assert list(wrong.corrections.all()) == [new]
    assert Reading.objects.filter(meter=meter).count() == 4  # nothing deleted
    assert changes(wrong) == ["+", "~"]
    assert changes(new) == ["~"]  # inserted in bulk, then linked to the old one
    assert new.history.latest().corrects_id == wrong.pk
    assert wrong.history.earliest().value_gj == Decimal("1008")  # history keeps both values


def test_a_correction_in_mwh_is_stored_in_gj(meter, clerk):
    wrong = reading(meter, 1, "1000")

    new = reading_correct(reading=wrong, user=clerk, value=Decimal("30"), unit="MWh", reason="单位录错")

    assert new.value_gj == Decimal("108")


def test_a_refused_correction_changes_nothing(meter, clerk):
    reading(meter, 1, "100")
    wrong = reading(meter, 2, "1008", FLAGGED, flags=["implausible_use"])
    before = snapshot(meter)

    with pytest.raises(ValidationError) as excinfo:
        reading_correct(reading=wrong, user=clerk, value=Decimal("90"), reason="改小")

    assert codes(excinfo) == ["rejected"]
    assert excinfo.value.messages == ["更正值未保存：低于此前 2023-12-01 08:00 的读数 100.0 GJ"]
    assert snapshot(meter) == before


def test_a_correction_that_is_still_implausible_waits_for_review_again(meter, clerk):
    reading(meter, 1, "100")
    wrong = reading(meter, 2, "5000", FLAGGED, flags=["implausible_use"])

    new = reading_correct(reading=wrong, user=clerk, value=Decimal("4000"), reason="重抄")

    assert (new.status, new.flags, new.corrects) == (FLAGGED, ["implausible_use"], wrong)


def test_a_correction_needs_a_reason_and_a_live_reading(meter, clerk):
    target = reading(meter, 1, "100")
    with pytest.raises(ValidationError) as excinfo:
        reading_correct(reading=target, user=clerk, value=Decimal("101"), reason="")
    assert codes(excinfo) == ["reason_required"]

    reading_void(reading=target, user=clerk, reason="作废")
    with pytest.raises(ValidationError) as excinfo:
        reading_correct(reading=target, user=clerk, value=Decimal("101"), reason="更正")
    assert codes(excinfo) == ["already_void"]
    assert Reading.objects.filter(meter=meter).count() == 1


def test_an_inexact_correction_is_refused(meter, clerk):
    target = reading(meter, 1, "100")
    before = snapshot(meter)

    with pytest.raises(ValidationError) as excinfo:
        reading_correct(reading=target, user=clerk, value=Decimal("100.0000001"), reason="更正")

    assert codes(excinfo) == ["rejected"]
    assert snapshot(meter) == before
