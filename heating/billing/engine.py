"""The bill of one account for one season (POLICY §2, §4, §5, §6), with the lines that explain it."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
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
from .money import CENT, area, money, money_share, percent, plain, product
from .terms import PriceTerms

__all__ = [
    "ERROR_CODES",
    "LINE_KEYS",
    "AccountFacts",
    "BillingError",
    "Breakdown",
    "Line",
    "Part",
    "bill",
    "problems",
]

ZERO = Decimal("0.00")
# Far beyond any home, building, season's heat or payment; keeps the arithmetic small and exact.
LIMIT = Decimal(10) ** 12

_CLASS_SECTION = {RESIDENTIAL: "§一.1", INSTITUTION: "§一.2", NON_RESIDENTIAL: "§一.3"}
# POLICY.md §3: 15 November to 15 March inclusive.
SEASON_LENGTHS = (121, 122)
# POLICY.md §4 reads billing by days open out of the notice's settlement (§二) and prepayment (§四).
_PARTIAL_SECTION = "§二、§四"

LINE_KEYS = (
    "part",
    "part_scaled",
    "billing_area",
    "area_decision",
    "price_class",
    "partial_season",
    "area_fee",
    "area_fee_partial",
    "basic_fee",
    "basic_fee_partial",
    "metered_fee",
    "metered_fee_two_part",
    "cap",
    "cap_partial",
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
    "prepayment_partial",
    "prepayment_exchangers",
    "prepayment_exchangers_partial",
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
    # Days the account was open in the season, and the season's days (POLICY §4); None: the whole season.
    days_open: int | None = None
    season_days: int | None = None


class BillingError(ValueError):
    """Facts the policy cannot bill. `field` names the request field at fault, `code` (one of
    ERROR_CODES) and `params` say what is wrong so that the edge can put it into the reader's words;
    `message` is the same in English, for logs."""

    def __init__(self, field: str, code: str, message: str, **params: object) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.code = code
        self.message = message
        self.params = params


ERROR_CODES = (
    "unknown_price_class",
    "unknown_method",
    "no_parts",
    "unknown_part_kind",
    "building_for_residential",
    "not_building",
    "not_decimal",
    "not_finite",
    "negative",
    "not_positive",
    "too_large",
    "too_many_decimals",
    "heat_missing",
    "heat_not_for_area",
    "exchangers_not_whole",
    "exchangers_negative",
    "exchangers_not_applicable",
    "low_income_not_bool",
    "low_income_not_applicable",
    "days_incomplete",
    "season_days_invalid",
    "days_open_not_whole",
    "days_open_out_of_range",
)


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


def _number_problem(
    number: object, field: str, what: str, *, cents: bool, zero_ok: bool, **where: object
) -> BillingError | None:
    """Why `number` is not a finite Decimal >= 0 (> 0 unless `zero_ok`) below LIMIT; None when it is."""
    if not isinstance(number, Decimal):
        kind = type(number).__name__
        return BillingError(field, "not_decimal", f"{what} must be a Decimal, not {kind}", type=kind, **where)
    if not number.is_finite():
        return BillingError(field, "not_finite", f"{what} must be a finite number, not {number}", **where)
    if number < 0 and zero_ok:
        return BillingError(field, "negative", f"{what} must be at least 0, not {number}", **where)
    if number <= 0 and not zero_ok:
        return BillingError(field, "not_positive", f"{what} must be greater than 0, not {number}", **where)
    if number >= LIMIT:
        message = f"{what} must be less than {LIMIT:,}, not {number}"
        return BillingError(field, "too_large", message, limit=LIMIT, **where)
    if cents and number != number.quantize(CENT):
        message = f"{what} must have at most two decimals, not {number}"
        return BillingError(field, "too_many_decimals", message, places=2, **where)
    return None


def _part_problems(price_class: str, parts: Sequence[Part]) -> Iterator[BillingError]:
    if not parts:
        yield BillingError("parts", "no_parts", "at least one heated part is required")
        return
    for index, part in enumerate(parts):
        where = f"parts[{index}]"
        if part.kind not in PART_KINDS:
            kinds = ", ".join(PART_KINDS)
            message = f"{where}: unknown kind {part.kind!r}; expected one of {kinds}"
            yield BillingError("parts", "unknown_part_kind", message, index=index, kind=part.kind)
        elif price_class == RESIDENTIAL and part.kind == BUILDING:
            message = (
                f"{where}: a residential home is billed on the 套内建筑面积 of its parts, not on a 'building'"
            )
            yield BillingError("parts", "building_for_residential", message, index=index)
        elif price_class in PRICE_CLASSES and price_class != RESIDENTIAL and part.kind != BUILDING:
            message = (
                f"{where}: a {price_class} account is billed on the building's 建筑面积: use kind 'building'"
            )
            yield BillingError("parts", "not_building", message, index=index, price_class=price_class)
        problem = _number_problem(part.area, "parts", f"{where} area", cents=True, zero_ok=False, index=index)
        if problem:
            yield problem


def _fact_problems(facts: AccountFacts) -> Iterator[BillingError]:
    if facts.price_class not in PRICE_CLASSES:
        message = f"unknown price class {facts.price_class!r}; expected {', '.join(PRICE_CLASSES)}"
        yield BillingError("price_class", "unknown_price_class", message, value=facts.price_class)
    if facts.method not in METHODS:
        message = f"unknown method {facts.method!r}; expected {', '.join(METHODS)}"
        yield BillingError("method", "unknown_method", message, value=facts.method)
    yield from _part_problems(facts.price_class, facts.parts)
    if facts.area_decision is not None:
        decided = _number_problem(
            facts.area_decision, "area_decision", "the decided billing area", cents=True, zero_ok=False
        )
        if decided:
            yield decided
    exchangers = facts.exchangers
    if isinstance(exchangers, bool) or not isinstance(exchangers, int):
        message = f"exchangers must be a whole number, not {exchangers!r}"
        yield BillingError("exchangers", "exchangers_not_whole", message, value=exchangers)
    elif exchangers < 0:
        message = f"exchangers must be at least 0, not {exchangers}"
        yield BillingError("exchangers", "exchangers_negative", message, value=exchangers)
    elif exchangers > 0 and (facts.price_class, facts.method) != (RESIDENTIAL, AREA):
        message = "the small heat exchanger fee applies only to area-billed residential homes (§一.4)"
        where = {"price_class": facts.price_class, "method": facts.method}
        yield BillingError("exchangers", "exchangers_not_applicable", message, **where)
    if not isinstance(facts.low_income, bool):
        message = f"low_income must be true or false, not {facts.low_income!r}"
        yield BillingError("low_income", "low_income_not_bool", message, value=facts.low_income)
    elif facts.low_income and facts.price_class != RESIDENTIAL:
        message = "the low-income rate applies only to residential households (§五)"
        yield BillingError("low_income", "low_income_not_applicable", message, price_class=facts.price_class)
    yield from _days_problems(facts.days_open, facts.season_days)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _days_problems(days_open: object, season_days: object) -> Iterator[BillingError]:
    if days_open is None and season_days is None:
        return
    if days_open is None or season_days is None:
        message = "days_open and season_days go together: give both or neither"
        yield BillingError("days_open", "days_incomplete", message)
        return
    season_ok = _whole(season_days) and season_days in SEASON_LENGTHS
    if not season_ok:
        message = f"a season has 121 or 122 days (15 November to 15 March), not {season_days!r}"
        yield BillingError("season_days", "season_days_invalid", message, value=season_days)
    if not _whole(days_open):
        message = f"days_open must be a whole number, not {days_open!r}"
        yield BillingError("days_open", "days_open_not_whole", message, value=days_open)
    elif season_ok and not 1 <= days_open <= season_days:
        message = f"days_open must be from 1 to {season_days}, not {days_open}"
        yield BillingError(
            "days_open", "days_open_out_of_range", message, value=days_open, season_days=season_days
        )


def problems(
    facts: AccountFacts, heat_gj: Decimal | None = None, prepaid: Decimal | None = None
) -> tuple[BillingError, ...]:
    """Every reason the policy cannot bill these facts, in field order; empty when `bill` bills them.
    The one source of the billing checks: the quote API and the imports ask it; `bill` raises the first."""
    found = list(_fact_problems(facts))
    if facts.method == METERED and heat_gj is None:
        message = "a metered account needs the heat used in the season (GJ)"
        found.append(BillingError("heat_gj", "heat_missing", message))
    elif facts.method == AREA and heat_gj is not None:
        message = "an area-billed account takes no heat reading; leave heat_gj out"
        found.append(BillingError("heat_gj", "heat_not_for_area", message))
    elif heat_gj is not None:
        found.append(_number_problem(heat_gj, "heat_gj", "heat used", cents=False, zero_ok=True))
    if prepaid is not None:
        found.append(_number_problem(prepaid, "prepaid", "prepaid", cents=True, zero_ok=True))
    return tuple(problem for problem in found if problem is not None)


def _rule(price_class: str, terms: PriceTerms) -> tuple[bool, bool]:
    """(phased rule?, capped?) for a metered account of this class (POLICY §4, §10.1)."""
    if price_class == RESIDENTIAL:
        return True, True
    if price_class == INSTITUTION:
        return terms.institution_phased, terms.institution_cap
    return False, False


def _share(facts: AccountFacts, terms: PriceTerms) -> Fraction | None:
    """The part of the season billed by area (POLICY §4), or None for the whole season."""
    if not terms.prorate_partial_seasons or facts.days_open is None or facts.days_open == facts.season_days:
        return None
    return Fraction(facts.days_open, facts.season_days)


class _Bill:
    """Collects the explanation lines while the bill is computed."""

    def __init__(self, terms: PriceTerms, facts: AccountFacts, share: Fraction | None) -> None:
        self.code = terms.code
        self.share = share
        self.days = {"days_open": str(facts.days_open), "season_days": str(facts.season_days)}
        self.lines: list[Line] = []

    def add(self, key: str, section: str, amount: Decimal | None, **params: str) -> None:
        self.lines.append(Line(key, section, amount, (("policy", self.code), *params.items())))

    def add_by_days(self, key: str, section: str, amount: Decimal, **params: str) -> None:
        """A term charged for the days open: its `_partial` line says so when the season was partial."""
        if self.share is None:
            self.add(key, section, amount, **params)
        else:
            self.add(f"{key}_partial", section, amount, **params, **self.days)


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
    basic = money_share(product(a, pa, terms.basic_share), out.share)
    by_area = {"area": plain(a), "area_price": plain(pa)}
    out.add_by_days("basic_fee", "§二", basic, basic_share=percent(terms.basic_share), **by_area)
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
    cap = money_share(product(a, pa), out.share) if capped else None
    if cap is None:
        out.add("no_cap", "§二", None)
    else:
        out.add_by_days("cap", "§二", cap, **by_area)
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
    found = problems(facts, heat_gj, prepaid)
    if found:
        raise found[0]
    heat = None if heat_gj is None else heat_gj.copy_abs()  # -0 becomes 0
    paid = None if prepaid is None else prepaid.copy_abs()
    out = _Bill(terms, facts, _share(facts, terms))
    if out.share is not None:
        out.add("partial_season", _PARTIAL_SECTION, None, **out.days)
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
    area_fee = money_share(product(a, pa), out.share)
    by_area = {"area": plain(a), "area_price": plain(pa)}
    if heat is None:
        heating = _Heating(None, None, None, ZERO, area_fee)
        out.add_by_days("area_fee", class_section, area_fee, **by_area)
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
        out.add_by_days(
            "prepayment_exchangers", "§四", prepayment, exchanger_fee=plain(exchanger_fee), **by_area
        )
    else:
        out.add_by_days("prepayment", "§四", prepayment, **by_area)
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


def prepayment_bill(facts: AccountFacts, terms: PriceTerms) -> Breakdown:
    """The bill a prepayment is read from: by area for every account, metered or not (§四), so a
    metered account's facts bill by area and heat used does not enter it."""
    return bill(replace(facts, method=AREA), terms)
