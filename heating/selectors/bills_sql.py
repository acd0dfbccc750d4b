"""The billing rules as one set-based SQL statement (PostgreSQL only): the engine's bill for many
accounts at once, to the fen, for settling or checking a whole company in the database.

`heating.billing.bill` is the source of truth; tests/billing/test_sql_form.py proves this equal to it.
PostgreSQL only: every term is `numeric` (never float) and SQLite has no exact decimal arithmetic
(its ROUND works on binary floats). Every figure and flag of the price terms is a bound parameter.

Rounding follows heating/billing/money.py: half up to 0.01 at every money term; a term charged for the
days open is rounded once from the exact product × days open ÷ days of the season (`div` truncates
exactly, so floor(x·d·100/s + ½) is computed without a rounded quotient).
"""

from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal

from django.db import connection

from heating.billing import (
    ATTIC_WITHOUT_CERTIFICATE,
    DUPLEX_SINGLE_FLOOR_HEATED,
    INSTITUTION,
    METERED,
    NON_RESIDENTIAL,
    NOTICE_2019,
    RESIDENTIAL,
    AccountFacts,
    PriceTerms,
    area,
    billing_area,
)
from heating.models.statements import FIGURES

# The Breakdown's figures, in the order the statement's SELECT gives them after account_id: a
# statement's FIGURES, with the money received before the refund and balance it gives.
_BEFORE_PREPAID = FIGURES.index("refund")
BILL_COLUMNS = (*FIGURES[:_BEFORE_PREPAID], "prepaid", *FIGURES[_BEFORE_PREPAID:])


@dataclass(frozen=True)
class BillRow:
    """One account's facts as the SQL form takes them. `area` is the billing area already resolved:
    the area decision when there is one, else the parts' area rounded (`billing_area_sql`)."""

    account_id: int
    price_class: str
    method: str
    area: Decimal
    heat_gj: Decimal | None
    exchangers: int
    low_income: bool
    days_open: int | None
    season_days: int | None
    prepaid: Decimal | None


FACT_COLUMNS = tuple(f.name for f in fields(BillRow))


def terms_params(terms: PriceTerms) -> dict[str, object]:
    """Every figure and flag of the price terms, as the statement's named parameters."""
    return {f"t_{f.name}": getattr(terms, f.name) for f in fields(PriceTerms) if f.name != "code"}


def _t(name: str) -> str:
    kind = "boolean" if isinstance(getattr(NOTICE_2019, name), bool) else "numeric"
    return f"CAST(%(t_{name})s AS {kind})"


def part_share_sql(kind: str) -> str:
    """The share of a part's area that counts (heating.billing.areas.part_share), for a kind column."""
    return (
        f"CASE {kind} WHEN '{DUPLEX_SINGLE_FLOOR_HEATED}' THEN {_t('duplex_single_floor_share')} "
        f"WHEN '{ATTIC_WITHOUT_CERTIFICATE}' THEN {_t('attic_without_certificate_share')} ELSE 1 END"
    )


def billing_area_sql(kind: str, area: str) -> str:
    """The aggregate giving the billing area of grouped parts: Σ area × share, then rounded (POLICY §2)."""
    return f"ROUND(SUM(CAST({area} AS numeric) * {part_share_sql(kind)}), 2)"


def _by_days(x: str) -> str:
    """money_share: x × d ÷ s rounded half up to 0.01 once (d = s = 1 for the whole season)."""
    return f"(div(200 * ({x}) * d + s, 2 * s) * 0.01)"


def bills_sql(source: str) -> str:
    """A SELECT of account_id and BILL_COLUMNS over `source` (a table name or a parenthesised
    subquery with FACT_COLUMNS), taking `terms_params` as its parameters."""
    prorate = f"{_t('prorate_partial_seasons')} AND days_open IS NOT NULL"
    return f"""
WITH f AS (
    SELECT account_id, method, CAST(area AS numeric) AS a, CAST(heat_gj AS numeric) AS heat,
           exchangers, low_income, CAST(prepaid AS numeric) AS paid_in,
           CASE WHEN price_class = '{NON_RESIDENTIAL}' THEN {_t("non_residential_area_price")}
                ELSE {_t("residential_area_price")} END AS pa,
           CASE WHEN price_class = '{NON_RESIDENTIAL}' THEN {_t("non_residential_heat_price")}
                ELSE {_t("residential_heat_price")} END AS ph,
           CASE WHEN price_class = '{RESIDENTIAL}' THEN TRUE
                WHEN price_class = '{INSTITUTION}' THEN {_t("institution_phased")} ELSE FALSE END AS phased,
           CASE WHEN price_class = '{RESIDENTIAL}' THEN TRUE
                WHEN price_class = '{INSTITUTION}' THEN {_t("institution_cap")} ELSE FALSE END AS capped,
           CASE WHEN {prorate} THEN days_open ELSE 1 END AS d,
           CASE WHEN {prorate} THEN season_days ELSE 1 END AS s
    FROM {source} AS facts
), fees AS (
    SELECT f.*,
           {_by_days("a * pa")} AS area_fee,
           CASE WHEN method = '{METERED}' THEN {_by_days(f"a * pa * {_t('basic_share')}")} END AS basic,
           CASE WHEN method = '{METERED}' THEN
                CASE WHEN phased THEN ROUND(heat * ph, 2)
                     ELSE ROUND(heat * ph * {_t("heat_share")}, 2) END END AS metered,
           ROUND({_t("exchanger_fee")} * exchangers, 2) AS exchanger_fee
    FROM f
), heating AS (
    SELECT fees.*,
           CASE WHEN method = '{METERED}' AND capped THEN area_fee END AS cap,
           CASE WHEN method <> '{METERED}' THEN area_fee
                WHEN phased THEN GREATEST(basic, metered) ELSE basic + metered END AS uncapped
    FROM fees
), capped_fee AS (
    SELECT heating.*, COALESCE(LEAST(uncapped, cap), uncapped) AS heating_fee,
           COALESCE(GREATEST(uncapped - cap, 0.00), 0.00) AS cap_loss
    FROM heating
), gross AS (
    SELECT capped_fee.*, heating_fee + exchanger_fee AS gross_fee FROM capped_fee
), due AS (
    SELECT gross.*,
           CASE WHEN low_income THEN ROUND(gross_fee * {_t("low_income_rate")}, 2) ELSE gross_fee END
               AS amount_due,
           CASE WHEN low_income THEN ROUND((area_fee + exchanger_fee) * {_t("low_income_rate")}, 2)
                ELSE area_fee + exchanger_fee END AS prepayment
    FROM gross
), paid AS (
    SELECT due.*, COALESCE(ROUND(paid_in, 2), prepayment) AS prepaid FROM due
)
SELECT account_id, a AS billing_area, basic AS basic_fee, metered AS metered_fee, cap, cap_loss,
       heating_fee, exchanger_fee, gross_fee, gross_fee - amount_due AS low_income_discount,
       amount_due, prepayment, prepaid, GREATEST(0.00, prepaid - amount_due) AS refund,
       GREATEST(0.00, amount_due - prepaid) AS balance_due
FROM paid
"""


_FACT_TYPES = (
    "bigint",
    "text",
    "text",
    "numeric",
    "numeric",
    "integer",
    "boolean",
    "integer",
    "integer",
    "numeric",
)


def values_sql(rows: list[BillRow]) -> tuple[str, dict[str, object]]:
    """A VALUES relation of the rows with FACT_COLUMNS, and its named parameters."""
    params, tuples = {}, []
    for i, row in enumerate(rows):
        cells = []
        for name, kind in zip(FACT_COLUMNS, _FACT_TYPES, strict=True):
            params[f"v{i}_{name}"] = getattr(row, name)
            cells.append(f"CAST(%(v{i}_{name})s AS {kind})")
        tuples.append("(" + ", ".join(cells) + ")")
    return f"(SELECT * FROM (VALUES {', '.join(tuples)}) AS v ({', '.join(FACT_COLUMNS)}))", params


def postgres_bills(rows: Iterable[BillRow], terms: PriceTerms) -> dict[int, dict[str, Decimal | None]]:
    """The SQL form's figures per account id, for rows given in Python (one statement)."""
    rows = list(rows)
    if not rows:
        return {}
    source, params = values_sql(rows)
    with connection.cursor() as cursor:
        cursor.execute(bills_sql(source), {**params, **terms_params(terms)})
        return {row[0]: dict(zip(BILL_COLUMNS, row[1:], strict=True)) for row in cursor.fetchall()}


def bill_row(
    account_id: int, facts: AccountFacts, terms: PriceTerms, heat_gj: Decimal | None, prepaid: Decimal | None
) -> BillRow:
    """The SQL form's row of an account's facts, its billing area resolved by the engine's rule."""
    resolved = billing_area(facts.parts, terms) if facts.area_decision is None else area(facts.area_decision)
    return BillRow(
        account_id=account_id,
        price_class=facts.price_class,
        method=facts.method,
        area=resolved,
        heat_gj=heat_gj,
        exchangers=facts.exchangers,
        low_income=facts.low_income,
        days_open=facts.days_open,
        season_days=facts.season_days,
        prepaid=prepaid,
    )
