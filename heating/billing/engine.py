"""The bill of one account for one season (POLICY §2, §4, §5, §6), with the lines that explain it."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from .areas import (
    AREA,
    BUILDING,
    INSTITUTION,
    METERED,
    METHODS,
    NON_RESIDENTIAL,
    PART_KINDS,
    PRICE_CLASSES,
    RESIDENTIAL,
    Part,
    billing_area,
    counted_area,
    part_share,
)
from .money import CENT, area, money, percent, plain, product
from .terms import PriceTerms

__all__ = [
    "LINE_KEYS",
    "AccountFacts",
    "BillingError",
    "Breakdown",
    "Line",
    "Part",
    "bill",
]

ZERO = Decimal("0.00")
# Far beyond any home, building, season's heat or payment; keeps the arithmetic small and exact.
LIMIT = Decimal(10) ** 12

_CLASS_SECTION = {RESIDENTIAL: "§一.1", INSTITUTION: "§一.2", NON_RESIDENTIAL: "§一.3"}

LINE_KEYS = (
    "part",
    "part_scaled",
    "billing_area",
    "area_decision",
    "price_class",
    "area_fee",
    "basic_fee",
    "metered_fee",
    "metered_fee_two_part",
    "cap",
    "no_cap",
    "heating_fee_basic",
    "heating_fee_metered",
    "heating_fee_two_part",
    "heating_fee_cap",
    "cap_loss",
    "exchangers",
    "gross_fee",
    "low_income",
    "amount_due",
    "prepayment",
    "prepayment_exchangers",
    "prepayment_low_income",
    "prepaid",
    "prepaid_assumed",
    "refund",
    "balance_due",
    "settled",
)


@dataclass(frozen=True)
class AccountFacts:
    price_class: str
    method: str
    parts: tuple[Part, ...]
    exchangers: int = 0
    low_income: bool = False
    # The property-management authority's decision on a disputed area; replaces the computed one (§三).
    area_decision: Decimal | None = None


class BillingError(ValueError):
    """Facts the policy cannot bill; `field` names the request field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Line:
    """One step of the explanation: the figure it shows (the low-income discount as a negative amount)
    and, in `params`, the preformatted strings `explain.render` puts into words."""

    key: str
    section: str
    amount: Decimal | None
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Breakdown:
    billing_area: Decimal
    basic_fee: Decimal | None
    metered_fee: Decimal | None
    cap: Decimal | None
    cap_loss: Decimal
    heating_fee: Decimal
    exchanger_fee: Decimal
    gross_fee: Decimal
    low_income_discount: Decimal
    amount_due: Decimal
    prepayment: Decimal
    prepaid: Decimal
    refund: Decimal
    balance_due: Decimal
    lines: tuple[Line, ...]
    policy_code: str


def _number(number: object, field: str, what: str, *, cents: bool, zero_ok: bool) -> Decimal:
    """`number` checked to be a finite Decimal >= 0 (> 0 unless `zero_ok`), with -0 made 0."""
    if not isinstance(number, Decimal):
        raise BillingError(field, f"{what} must be a Decimal, not {type(number).__name__}")
    if not number.is_finite():
        raise BillingError(field, f"{what} must be a finite number, not {number}")
    if number < 0 or (number == 0 and not zero_ok):
        least = "at least 0" if zero_ok else "greater than 0"
        raise BillingError(field, f"{what} must be {least}, not {number}")
    if number >= LIMIT:
        raise BillingError(field, f"{what} must be less than {LIMIT:,}, not {number}")
    if cents and number != number.quantize(CENT):
        raise BillingError(field, f"{what} must have at most two decimals, not {number}")
    return number.copy_abs()  # turns -0 into 0


def _check_parts(price_class: str, parts: Sequence[Part]) -> None:
    if not parts:
        raise BillingError("parts", "at least one heated part is required")
    for index, part in enumerate(parts):
        where = f"parts[{index}]"
        if part.kind not in PART_KINDS:
            kinds = ", ".join(PART_KINDS)
            raise BillingError("parts", f"{where}: unknown kind {part.kind!r}; expected one of {kinds}")
        if price_class == RESIDENTIAL and part.kind == BUILDING:
            raise BillingError(
                "parts",
                f"{where}: a residential home is billed on the 套内建筑面积 of its parts, "
                "not on a 'building'",
            )
        if price_class != RESIDENTIAL and part.kind != BUILDING:
            raise BillingError(
                "parts",
                f"{where}: a {price_class} account is billed on the building's 建筑面积: use kind 'building'",
            )
        _number(part.area, "parts", f"{where} area", cents=True, zero_ok=False)


def _validate(
    facts: AccountFacts, heat_gj: Decimal | None, prepaid: Decimal | None
) -> tuple[Decimal | None, Decimal | None]:
    """Refuse every combination the policy does not bill; return the heat and prepaid, normalised."""
    if facts.price_class not in PRICE_CLASSES:
        classes = ", ".join(PRICE_CLASSES)
        raise BillingError("price_class", f"unknown price class {facts.price_class!r}; expected {classes}")
    if facts.method not in METHODS:
        raise BillingError("method", f"unknown method {facts.method!r}; expected {', '.join(METHODS)}")
    _check_parts(facts.price_class, facts.parts)
    if facts.area_decision is not None:
        _number(facts.area_decision, "area_decision", "the decided billing area", cents=True, zero_ok=False)
    if facts.method == METERED and heat_gj is None:
        raise BillingError("heat_gj", "a metered account needs the heat used in the season (GJ)")
    if facts.method == AREA and heat_gj is not None:
        raise BillingError("heat_gj", "an area-billed account takes no heat reading; leave heat_gj out")
    if isinstance(facts.exchangers, bool) or not isinstance(facts.exchangers, int):
        raise BillingError("exchangers", f"exchangers must be a whole number, not {facts.exchangers!r}")
    if facts.exchangers < 0:
        raise BillingError("exchangers", f"exchangers must be at least 0, not {facts.exchangers}")
    if facts.exchangers > 0 and (facts.price_class, facts.method) != (RESIDENTIAL, AREA):
        raise BillingError(
            "exchangers", "the small heat exchanger fee applies only to area-billed residential homes (§一.4)"
        )
    if not isinstance(facts.low_income, bool):
        raise BillingError("low_income", f"low_income must be true or false, not {facts.low_income!r}")
    if facts.low_income and facts.price_class != RESIDENTIAL:
        raise BillingError("low_income", "the low-income rate applies only to residential households (§五)")
    heat = None if heat_gj is None else _number(heat_gj, "heat_gj", "heat used", cents=False, zero_ok=True)
    paid = None if prepaid is None else _number(prepaid, "prepaid", "prepaid", cents=True, zero_ok=True)
    return heat, paid


def _rule(price_class: str, terms: PriceTerms) -> tuple[bool, bool]:
    """(phased rule?, capped?) for a metered account of this class (POLICY §4, §10.1)."""
    if price_class == RESIDENTIAL:
        return True, True
    if price_class == INSTITUTION:
        return terms.institution_phased, terms.institution_cap
    return False, False


class _Bill:
    """Collects the explanation lines while the bill is computed."""

    def __init__(self, terms: PriceTerms) -> None:
        self.code = terms.code
        self.lines: list[Line] = []

    def add(self, key: str, section: str, amount: Decimal | None, **params: str) -> None:
        self.lines.append(Line(key, section, amount, (("policy", self.code), *params.items())))


class _Heating(NamedTuple):
    basic: Decimal | None
    metered: Decimal | None
    cap: Decimal | None
    cap_loss: Decimal
    fee: Decimal


def _billing_area(facts: AccountFacts, terms: PriceTerms, out: _Bill) -> Decimal:
    for part in facts.parts:
        share = part_share(part.kind, terms)
        shown = {"kind": part.kind, "area": plain(part.area), "counted": plain(counted_area(part, terms))}
        if share == 1:
            out.add("part", "§三", None, **shown)
        else:
            out.add("part_scaled", "§三", None, share=percent(share), **shown)
    computed = billing_area(facts.parts, terms)
    out.add("billing_area", "§三", None, area=plain(computed))
    if facts.area_decision is None:
        return computed
    decided = area(facts.area_decision)
    out.add("area_decision", "§三", None, decided=plain(decided), computed=plain(computed))
    return decided


def _metered(
    price_class: str, terms: PriceTerms, a: Decimal, heat: Decimal, pa: Decimal, ph: Decimal, out: _Bill
) -> _Heating:
    """The two-part settlement (§二): the phased rule with its cap, or the general rule."""
    phased, capped = _rule(price_class, terms)
    basic = money(product(a, pa, terms.basic_share))
    by_area = {"area": plain(a), "area_price": plain(pa)}
    out.add("basic_fee", "§二", basic, basic_share=percent(terms.basic_share), **by_area)
    if phased:
        metered = money(product(heat, ph))
        out.add("metered_fee", "§二", metered, heat_gj=plain(heat), heat_price=plain(ph))
        uncapped = max(basic, metered)
    else:
        metered = money(product(heat, ph, terms.heat_share))
        out.add(
            "metered_fee_two_part",
            "§二",
            metered,
            heat_gj=plain(heat),
            heat_price=plain(ph),
            heat_share=percent(terms.heat_share),
        )
        uncapped = basic + metered
    cap = money(product(a, pa)) if capped else None
    if cap is None:
        out.add("no_cap", "§二", None)
    else:
        out.add("cap", "§二", cap, **by_area)
    if cap is not None and uncapped > cap:
        out.add("heating_fee_cap", "§二", cap, uncapped=plain(uncapped), cap=plain(cap))
        out.add("cap_loss", "§二", uncapped - cap, uncapped=plain(uncapped), cap=plain(cap))
        return _Heating(basic, metered, cap, uncapped - cap, cap)
    if not phased:
        out.add("heating_fee_two_part", "§二", uncapped, basic=plain(basic), metered=plain(metered))
    elif metered <= basic:
        out.add("heating_fee_basic", "§二", basic, basic=plain(basic), metered=plain(metered))
    else:
        out.add("heating_fee_metered", "§二", metered, metered=plain(metered))
    return _Heating(basic, metered, cap, ZERO, uncapped)


def bill(
    facts: AccountFacts, terms: PriceTerms, heat_gj: Decimal | None = None, prepaid: Decimal | None = None
) -> Breakdown:
    """Bill one account for one season under `terms`; raises BillingError for facts the policy cannot bill."""
    heat, paid = _validate(facts, heat_gj, prepaid)
    out = _Bill(terms)
    a = _billing_area(facts, terms, out)

    residential_price = facts.price_class != NON_RESIDENTIAL
    pa = terms.residential_area_price if residential_price else terms.non_residential_area_price
    ph = terms.residential_heat_price if residential_price else terms.non_residential_heat_price
    class_section = _CLASS_SECTION[facts.price_class]
    out.add(
        "price_class",
        class_section,
        None,
        price_class=facts.price_class,
        area_price=plain(pa),
        heat_price=plain(ph),
    )
    area_fee = money(product(a, pa))
    by_area = {"area": plain(a), "area_price": plain(pa)}
    if heat is None:
        heating = _Heating(None, None, None, ZERO, area_fee)
        out.add("area_fee", class_section, area_fee, **by_area)
    else:
        heating = _metered(facts.price_class, terms, a, heat, pa, ph, out)

    exchanger_fee = money(product(terms.exchanger_fee, facts.exchangers))
    gross_fee = heating.fee + exchanger_fee
    if facts.exchangers:
        unit_fee, shown = plain(terms.exchanger_fee), plain(exchanger_fee)
        out.add("exchangers", "§一.4", exchanger_fee, count=str(facts.exchangers), unit_fee=unit_fee)
        out.add("gross_fee", "§一.4", gross_fee, heating_fee=plain(heating.fee), exchanger_fee=shown)

    rate = percent(terms.low_income_rate)
    amount_due = money(product(gross_fee, terms.low_income_rate)) if facts.low_income else gross_fee
    if facts.low_income:
        discount = amount_due - gross_fee
        out.add("low_income", "§五", discount, gross=plain(gross_fee), rate=rate, due=plain(amount_due))
        out.add("amount_due", "§五", amount_due)
    else:
        out.add("amount_due", class_section if heat is None else "§二", amount_due)

    prepayment = area_fee + exchanger_fee
    if facts.exchangers:
        out.add("prepayment_exchangers", "§四", prepayment, exchanger_fee=plain(exchanger_fee), **by_area)
    else:
        out.add("prepayment", "§四", prepayment, **by_area)
    if facts.low_income:
        full, prepayment = prepayment, money(product(prepayment, terms.low_income_rate))
        out.add("prepayment_low_income", "§五", prepayment, full=plain(full), rate=rate)

    if paid is None:
        paid = prepayment
        out.add("prepaid_assumed", "§四", paid)
    else:
        paid = money(paid)
        out.add("prepaid", "§四", paid)
    refund = max(ZERO, paid - amount_due)
    balance_due = max(ZERO, amount_due - paid)
    if refund:
        out.add("refund", "§四", refund, prepaid=plain(paid), due=plain(amount_due))
    elif balance_due:
        out.add("balance_due", "§四", balance_due, prepaid=plain(paid), due=plain(amount_due))
    else:
        out.add("settled", "§四", None)

    return Breakdown(
        billing_area=a,
        basic_fee=heating.basic,
        metered_fee=heating.metered,
        cap=heating.cap,
        cap_loss=heating.cap_loss,
        heating_fee=heating.fee,
        exchanger_fee=exchanger_fee,
        gross_fee=gross_fee,
        low_income_discount=gross_fee - amount_due,
        amount_due=amount_due,
        prepayment=prepayment,
        prepaid=paid,
        refund=refund,
        balance_due=balance_due,
        lines=tuple(out.lines),
        policy_code=terms.code,
    )
