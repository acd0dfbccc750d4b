"""The figures of a price policy (POLICY §1, §10): data, so that a new notice is a data change."""

from dataclasses import dataclass, fields
from decimal import Decimal


@dataclass(frozen=True)
class PriceTerms:
    code: str
    residential_area_price: Decimal
    residential_heat_price: Decimal
    non_residential_area_price: Decimal
    non_residential_heat_price: Decimal
    basic_share: Decimal
    heat_share: Decimal
    exchanger_fee: Decimal
    low_income_rate: Decimal
    duplex_single_floor_share: Decimal
    attic_without_certificate_share: Decimal
    institution_phased: bool = True
    institution_cap: bool = True
    # Bill an account open only part of a season for the days it was open (POLICY §4); off, for all of it.
    prorate_partial_seasons: bool = True

    def __post_init__(self) -> None:
        """Refuse figures no notice could mean, so that a data-entry slip fails loudly, not in a bill."""
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type is Decimal and not (isinstance(value, Decimal) and value.is_finite() and value >= 0):
                raise ValueError(f"PriceTerms.{f.name} must be a finite Decimal >= 0, not {value!r}")
        for name in ("basic_share", "heat_share", "low_income_rate"):
            if getattr(self, name) > 1:
                raise ValueError(f"PriceTerms.{name} is a share and must not exceed 1")


NOTICE_2019 = PriceTerms(
    code="源政办字〔2019〕54号",
    residential_area_price=Decimal("21.00"),
    residential_heat_price=Decimal("45.00"),
    non_residential_area_price=Decimal("35.00"),
    non_residential_heat_price=Decimal("65.00"),
    basic_share=Decimal("0.30"),
    heat_share=Decimal("0.70"),
    exchanger_fee=Decimal("120.00"),
    low_income_rate=Decimal("0.75"),
    duplex_single_floor_share=Decimal("1.30"),
    attic_without_certificate_share=Decimal("0.50"),
)
