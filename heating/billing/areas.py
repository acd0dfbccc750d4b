"""Heated parts, price classes, billing methods and the billing area (POLICY §1, §2; notice §三)."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .money import area, product
from .terms import PriceTerms

FLAT = "flat"
DUPLEX_SINGLE_FLOOR_HEATED = "duplex_single_floor_heated"
DUPLEX_BOTH_FLOORS_HEATED = "duplex_both_floors_heated"
ATTIC_WITH_CERTIFICATE = "attic_with_certificate"
ATTIC_WITHOUT_CERTIFICATE = "attic_without_certificate"
BASEMENT = "basement"
STORAGE = "storage"
GARAGE = "garage"
BUILDING = "building"

PART_KINDS = (
    FLAT,
    DUPLEX_SINGLE_FLOOR_HEATED,
    DUPLEX_BOTH_FLOORS_HEATED,
    ATTIC_WITH_CERTIFICATE,
    ATTIC_WITHOUT_CERTIFICATE,
    BASEMENT,
    STORAGE,
    GARAGE,
    BUILDING,
)
RESIDENTIAL_KINDS = tuple(kind for kind in PART_KINDS if kind != BUILDING)

RESIDENTIAL = "residential"
INSTITUTION = "institution"
NON_RESIDENTIAL = "non_residential"
PRICE_CLASSES = (RESIDENTIAL, INSTITUTION, NON_RESIDENTIAL)

AREA = "area"
METERED = "metered"
METHODS = (AREA, METERED)


@dataclass(frozen=True)
class Part:
    """A heated part of a home, or a heated building; `area` is the area its rule names (POLICY §2)."""

    kind: str
    area: Decimal


def part_share(kind: str, terms: PriceTerms) -> Decimal:
    """The share of a part's area that counts towards the billing area."""
    if kind == DUPLEX_SINGLE_FLOOR_HEATED:
        return terms.duplex_single_floor_share
    if kind == ATTIC_WITHOUT_CERTIFICATE:
        return terms.attic_without_certificate_share
    if kind in PART_KINDS:
        return Decimal(1)
    raise ValueError(f"unknown part kind {kind!r}")


def counted_area(part: Part, terms: PriceTerms) -> Decimal:
    """The part's area times its share, unrounded: only the total is rounded."""
    return product(part.area, part_share(part.kind, terms))


def billing_area(parts: Iterable[Part], terms: PriceTerms) -> Decimal:
    """Σ area × share, rounded to 0.01 m² half up after adding the parts (POLICY §2, §10.4)."""
    return area(sum((counted_area(part, terms) for part in parts), Decimal(0)))
