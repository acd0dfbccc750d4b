"""meter_replace: the old meter's final reading and the new meter's first one, at one moment."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from heating.models import Meter, Reading
from heating.services.meters import meter_replace
from tests.factories import HeatedPartFactory, MeterFactory, ReadingFactory, aware

from .helpers import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def old():
    meter = MeterFactory(serial="OLD-1", installed_on=datetime.date(2019, 10, 1))
    HeatedPartFactory(premises=meter.account.premises, area=Decimal("80"))
    ReadingFactory(meter=meter, read_at=aware(2023, 11, 15, 8), value_gj=Decimal("200"))
    return meter


@pytest.fixture
def clerk(old):
    return staff(old.company)


def replace(old, clerk, **overrides):
    args = {
        "old_meter": old,
        "new_serial": "NEW-1",
        # Half past midnight in the portal's zone is still the previous day in UTC.
        "at": aware(2024, 1, 5, 0, 30),
        "old_final_value": Decimal("230.5"),
        "new_first_value": Decimal("0"),
        "user": clerk,
    }
    return meter_replace(**{**args, **overrides})


def state(company):
    meters = list(Meter.objects.filter(company=company).order_by("pk").values_list("serial", "removed_on"))
    readings = list(Reading.objects.filter(company=company).order_by("pk").values_list("pk", "value_gj"))
    return meters, readings, Meter.history.count()


def test_replacing_a_meter_records_both_readings_at_the_same_moment(old, clerk):
    at = aware(2024, 1, 5, 0, 30)

    new = replace(old, clerk)

    old.refresh_from_db()
    assert old.removed_on == datetime.date(2024, 1, 5)
    assert (new.serial, new.account, new.company, new.installed_on) == (
        "NEW-1",
        old.account,
        old.company,
        datetime.date(2024, 1, 5),
    )
    final = Reading.objects.get(meter=old, read_at=at)
    first = Reading.objects.get(meter=new)
    assert (final.value_gj, final.kind, final.status) == (Decimal("230.5"), Reading.Kind.EXCHANGE, "valid")
    assert (first.value_gj, first.kind, first.read_at) == (Decimal("0"), Reading.Kind.EXCHANGE, at)
    assert (final.created_by, first.created_by, final.source) == (clerk, clerk, Reading.Source.MANUAL)
    assert old.history.latest().removed_on == datetime.date(2024, 1, 5)
    assert old.history.latest().history_user == clerk
    assert list(new.history.values_list("history_type", "history_user")) == [("+", clerk.pk)]


def test_a_new_meter_in_mwh_starts_in_gj(old, clerk):
    new = replace(old, clerk, old_final_value=Decimal("64"), new_first_value=Decimal("0.5"), unit="MWh")

    assert Reading.objects.get(meter=new).value_gj == Decimal("1.8")
    assert Reading.objects.get(meter=old, kind=Reading.Kind.EXCHANGE).value_gj == Decimal("230.4")


def test_a_final_value_below_the_previous_reading_writes_nothing(old, clerk):
    before = state(old.company)

    with pytest.raises(ValidationError) as excinfo:
        replace(old, clerk, old_final_value=Decimal("199.9"))

    assert [e.code for e in excinfo.value.error_list] == ["rejected"]
    assert excinfo.value.messages == ["OLD-1：低于此前 2023-11-15 08:00 的读数 200.0 GJ"]
    assert state(old.company) == before
    assert not Meter.objects.filter(serial="NEW-1").exists()


def test_a_refused_new_first_value_writes_nothing_either(old, clerk):
    before = state(old.company)

    with pytest.raises(ValidationError) as excinfo:
        replace(old, clerk, new_first_value=Decimal("-1"))

    assert "NEW-1" in excinfo.value.messages[0]
    assert state(old.company) == before


@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"new_serial": "OLD-1"}, "serial_taken"),
        ({"new_serial": "  "}, "serial"),
        ({"at": datetime.datetime(2024, 1, 5, 8)}, "naive_time"),
        ({"at": aware(2019, 9, 30, 8)}, "before_install"),
        ({"at": aware(2023, 11, 1, 8)}, "later_reading"),
    ],
)
def test_impossible_exchanges_are_refused(old, clerk, overrides, code):
    before = state(old.company)

    with pytest.raises(ValidationError) as excinfo:
        replace(old, clerk, **overrides)

    assert [e.code for e in excinfo.value.error_list] == [code]
    assert state(old.company) == before


def test_a_removed_meter_cannot_be_replaced_again(old, clerk):
    replace(old, clerk)

    with pytest.raises(ValidationError) as excinfo:
        replace(old, clerk, new_serial="NEW-2", at=aware(2024, 1, 6, 8))

    assert [e.code for e in excinfo.value.error_list] == ["removed"]
    assert not Meter.objects.filter(serial="NEW-2").exists()


def test_a_serial_of_another_company_is_free(old, clerk):
    MeterFactory(serial="NEW-1")  # another company's meter

    new = replace(old, clerk)

    assert new.company == old.company
