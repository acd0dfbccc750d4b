"""heating/selectors/reading_entry.py and reading_review.py: what the entry page and the queue read."""
import datetime
from decimal import Decimal

import pytest

from heating.models import Reading
from heating.reading_rules import Point, daily_use
from heating.selectors.reading_entry import entry_meters
from heating.selectors.reading_review import review_page, review_queue
from tests.factories import CompanyFactory, ReadingFactory, aware

from .helpers import building_with_meters

pytestmark = pytest.mark.django_db

D = Decimal
FLAGGED = Reading.Status.FLAGGED


def test_entry_meters_are_the_companys_current_meters_with_their_last_valid_reading(company):
    building, (first, second) = building_with_meters(company, 2)
    second.removed_on = datetime.date.today()
    second.save()
    ReadingFactory(meter=first, read_at=aware(2023, 12, 2, 8), value_gj=D("250"), status=FLAGGED)
    building_with_meters(CompanyFactory(), 1)

    (meter,) = entry_meters(company, building=building)

    assert (meter, meter.prev_value, meter.pending) == (first, D("100"), True)
    assert list(entry_meters(CompanyFactory(), building=building)) == []


def test_the_queue_is_the_companys_flagged_readings_against_their_previous_valid_one(company):
    _, (meter,) = building_with_meters(company, 1, previous=None)
    ReadingFactory(meter=meter, read_at=aware(2023, 12, 1, 8), value_gj=D("100"))
    held = ReadingFactory(
        meter=meter, read_at=aware(2023, 12, 3, 8), value_gj=D("150"), status=Reading.Status.FLAGGED
    )
    _, (foreign,) = building_with_meters(CompanyFactory(), 1)
    ReadingFactory(meter=foreign, read_at=aware(2023, 12, 3, 8), value_gj=D("999"), status=FLAGGED)

    (row,) = review_queue(company)

    assert (row, row.prev_value, row.prev_at) == (held, D("100"), aware(2023, 12, 1, 8))


@pytest.mark.parametrize(
    "gap, used",
    [
        (datetime.timedelta(days=2), "50"),
        (datetime.timedelta(hours=7), "1"),
        # A remote meter's time carries microseconds; the rules count whole seconds.
        (datetime.timedelta(seconds=1, microseconds=500000), "1"),
        (datetime.timedelta(days=3), "0.0015"),
    ],
)
def test_the_queue_shows_daily_use_as_the_rules_define_it(company, gap, used):
    _, (meter,) = building_with_meters(company, 1, previous=None)
    before = Point(aware(2023, 12, 1, 8), D("100"))
    after = Point(before.read_at + gap, before.value + D(used))
    ReadingFactory(meter=meter, read_at=before.read_at, value_gj=before.value)
    ReadingFactory(meter=meter, read_at=after.read_at, value_gj=after.value, status=FLAGGED)

    (row,) = review_page(company, 1)

    assert row.daily_use == daily_use(before, after)


def test_a_flagged_reading_with_no_valid_one_before_has_no_daily_use(company):
    _, (meter,) = building_with_meters(company, 1, previous=None)
    ReadingFactory(meter=meter, read_at=aware(2023, 12, 1, 8), value_gj=D("100"), status=FLAGGED)

    (row,) = review_page(company, 1)

    assert (row.prev_at, row.daily_use) == (None, None)
