from decimal import Decimal

import pytest

from heating.billing import (
    ATTIC_WITH_CERTIFICATE,
    ATTIC_WITHOUT_CERTIFICATE,
    BASEMENT,
    BUILDING,
    DUPLEX_BOTH_FLOORS_HEATED,
    DUPLEX_SINGLE_FLOOR_HEATED,
    FLAT,
    GARAGE,
    NOTICE_2019,
    PART_KINDS,
    RESIDENTIAL_KINDS,
    STORAGE,
    Part,
    billing_area,
    part_share,
)

D = Decimal


def parts(*pairs):
    return [Part(kind, D(size)) for kind, size in pairs]


@pytest.mark.parametrize(
    "kind, share",
    [
        (FLAT, "1"),
        (DUPLEX_SINGLE_FLOOR_HEATED, "1.30"),
        (DUPLEX_BOTH_FLOORS_HEATED, "1"),
        (ATTIC_WITH_CERTIFICATE, "1"),
        (ATTIC_WITHOUT_CERTIFICATE, "0.50"),
        (BASEMENT, "1"),
        (STORAGE, "1"),
        (GARAGE, "1"),
        (BUILDING, "1"),
    ],
)
def test_part_share_of_every_kind(kind, share):
    assert part_share(kind, NOTICE_2019) == D(share)


def test_kinds():
    assert len(PART_KINDS) == 9
    assert set(PART_KINDS) - set(RESIDENTIAL_KINDS) == {BUILDING}


def test_unknown_kind_has_no_share():
    with pytest.raises(ValueError, match="loft"):
        part_share("loft", NOTICE_2019)


@pytest.mark.parametrize(
    "pairs, expected",
    [
        ([(FLAT, "80")], "80.00"),
        ([(DUPLEX_SINGLE_FLOOR_HEATED, "70")], "91.00"),  # POLICY §9 #9
        ([(FLAT, "80"), (ATTIC_WITHOUT_CERTIFICATE, "80")], "120.00"),  # POLICY §9 #10
        ([(DUPLEX_SINGLE_FLOOR_HEATED, "100")], "130.00"),  # 130% even beyond the whole duplex (100 + 20)
        ([(DUPLEX_BOTH_FLOORS_HEATED, "70"), (BASEMENT, "12.5"), (STORAGE, "3"), (GARAGE, "18")], "103.50"),
        ([(ATTIC_WITHOUT_CERTIFICATE, "0.01")], "0.01"),  # 0.005 rounds up (banker's: 0.00)
        ([(ATTIC_WITHOUT_CERTIFICATE, "0.05")], "0.03"),  # 0.025 rounds up (banker's: 0.02)
        ([(DUPLEX_SINGLE_FLOOR_HEATED, "0.05")], "0.07"),  # 0.065 rounds up (banker's: 0.06)
        ([(DUPLEX_SINGLE_FLOOR_HEATED, "70.01")], "91.01"),  # 91.013
        ([(BUILDING, "500"), (BUILDING, "250.25")], "750.25"),
        ([], "0.00"),
    ],
)
def test_billing_area(pairs, expected):
    assert str(billing_area(parts(*pairs), NOTICE_2019)) == expected


@pytest.mark.parametrize(
    "pairs, expected, rounded_each",
    [
        ([(ATTIC_WITHOUT_CERTIFICATE, "0.01")] * 2, "0.01", "0.02"),
        ([(ATTIC_WITHOUT_CERTIFICATE, "0.01")] * 3, "0.02", "0.03"),
        ([(DUPLEX_SINGLE_FLOOR_HEATED, "10.05"), (ATTIC_WITHOUT_CERTIFICATE, "0.03")], "13.08", "13.09"),
    ],
)
def test_billing_area_is_rounded_after_adding_the_parts(pairs, expected, rounded_each):
    assert str(billing_area(parts(*pairs), NOTICE_2019)) == expected
    assert sum(billing_area([part], NOTICE_2019) for part in parts(*pairs)) == D(rounded_each)
