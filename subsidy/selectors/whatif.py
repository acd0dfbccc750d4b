"""A season's issued statements re-billed under other price terms, and what changes: each account's
figures before (as issued) and after, then summed a chunk at a time into mergeable totals.

The facts come from each statement's stored inputs (what it was computed from), so the what-if bills
exactly the accounts and facts the settlement billed. On PostgreSQL a chunk is re-billed by the
settlement's own set-based form (heating.selectors.bills_sql) in one statement; elsewhere by the engine
account by account (tests/subsidy_whatif proves both give the same figures). Nothing is written."""

import math
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from heating.batching import chunks
from heating.billing import PriceTerms
from heating.models import Account, Statement
from heating.selectors.bills_sql import billing_area_sql, bills_sql, terms_params
from heating.selectors.season_totals import RESIDENTIAL_PRICE
from heating.selectors.statements import breakdown_from_inputs

# Accounts per chunk (a job's slot): one set-based statement each, like the settlement's.
CHUNK = 5000
# The most affected households a chunk keeps, and so the what-if shows.
TOP = 20
# The statement-borne terms of POLICY.md §8 a what-if changes (subsidy.formula.ClaimInputs).
TERMS = ("revenue", "hardship", "cap", "area", "res_area", "res_revenue")
# A line's figures, before and after: billing area, amount due, low-income discount, cap loss, prepayment.
FIGURES = ("billing_area", "amount_due", "low_income_discount", "cap_loss", "prepayment")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Line:
    """One account re-billed: its statement's figures and the same figures under the other terms."""

    account_id: int
    company_id: int
    price_class: str
    method: str
    before: tuple[Decimal, ...]
    after: tuple[Decimal, ...]

    @property
    def change(self) -> Decimal:
        return self.after[1] - self.before[1]


def issued_statements(start_year: int):
    return Statement.objects.filter(season_year=start_year, status=Statement.Status.ISSUED)


def account_ranges(start_year: int, size: int = CHUNK) -> list[tuple[int, int, int]]:
    """The season's settled accounts cut into (first id, last id, count) of `size` accounts each."""
    ids = list(issued_statements(start_year).order_by("account_id").values_list("account_id", flat=True))
    return [(part[0], part[-1], len(part)) for part in chunks(ids, size)]


def _lines_sql() -> str:
    statement, account = Statement._meta.db_table, Account._meta.db_table
    stored = ", ".join(f"s.{name}" for name in FIGURES)
    rebilled = ", ".join(f"b.{name}" for name in FIGURES)

    def text(key: str, kind: str) -> str:
        return f"CAST(inputs->>'{key}' AS {kind})"

    return f"""
WITH s AS MATERIALIZED (
    SELECT account_id, inputs, {", ".join(FIGURES)} FROM {statement}
    WHERE season_year = %(year)s AND status = '{Statement.Status.ISSUED}'
      AND account_id BETWEEN %(first)s AND %(last)s
), facts AS (
    SELECT account_id, inputs->>'price_class' AS price_class, inputs->>'method' AS method,
           COALESCE({text("area_decision", "numeric")},
                    (SELECT {billing_area_sql("p->>'kind'", "p->>'area'")}
                     FROM jsonb_array_elements(inputs->'parts') AS p)) AS area,
           {text("heat_gj", "numeric")} AS heat_gj, {text("exchangers", "integer")} AS exchangers,
           {text("low_income", "boolean")} AS low_income, {text("days_open", "integer")} AS days_open,
           {text("season_days", "integer")} AS season_days, {text("prepaid", "numeric")} AS prepaid
    FROM s
), b AS ({bills_sql("facts")}
)
SELECT s.account_id, a.company_id, f.price_class, f.method, {stored}, {rebilled}
FROM s JOIN facts f ON f.account_id = s.account_id JOIN b ON b.account_id = s.account_id
JOIN {account} a ON a.id = s.account_id
ORDER BY s.account_id
"""


def whatif_lines(start_year: int, first: int, last: int, terms: PriceTerms) -> list[Line]:
    """Each account with an issued statement of the season among ids first…last, re-billed."""
    n = len(FIGURES)
    if connection.vendor == "postgresql":
        params = {"year": start_year, "first": first, "last": last, **terms_params(terms)}
        with connection.cursor() as cursor:
            # As in the settlement: compiling the statement would cost about as long as running it.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(_lines_sql(), params)
            return [
                Line(row[0], row[1], row[2], row[3], tuple(row[4 : 4 + n]), tuple(row[4 + n :]))
                for row in cursor.fetchall()
            ]
    rows = (
        issued_statements(start_year)
        .filter(account_id__gte=first, account_id__lte=last)
        .values_list("account_id", "account__company_id", "inputs", *FIGURES)
        .order_by("account_id")
    )
    lines = []
    for account_id, company_id, inputs, *before in rows:
        after = breakdown_from_inputs(inputs, terms)
        lines.append(
            Line(
                account_id,
                company_id,
                inputs["price_class"],
                inputs["method"],
                tuple(before),
                tuple(getattr(after, name) for name in FIGURES),
            )
        )
    return lines


def _terms(figures: tuple[Decimal, ...], price_class: str) -> dict[str, Decimal]:
    """A line's contribution to §8's statement-borne terms (heating.selectors.season_totals)."""
    area, due, discount, cap_loss, _prepayment = figures
    residential = price_class in RESIDENTIAL_PRICE
    return {
        "revenue": due,
        "hardship": discount,
        "cap": cap_loss,
        "area": area,
        "res_area": area if residential else ZERO,
        "res_revenue": due + discount + cap_loss if residential else ZERO,
    }


def _add(into: dict[str, Decimal], terms: dict[str, Decimal]) -> None:
    for name, value in terms.items():
        into[name] = into.get(name, ZERO) + value


def _company() -> dict:
    return {"accounts": 0, "before": {}, "after": {}}


def _as_json(companies: dict[str, dict]) -> dict[str, dict]:
    return {
        key: {
            **company,
            **{side: {k: str(v) for k, v in company[side].items()} for side in ("before", "after")},
        }
        for key, company in companies.items()
    }


def _sign(change: Decimal) -> int:
    return 0 if change > 0 else 1 if change < 0 else 2  # more, less, same


def lines_summary(lines: list[Line]) -> dict:
    """A chunk's totals, as JSON that `summaries_merge` adds up: the change per account in whole
    yuan (floor) for the histogram, more/less/same by price class and method, §8's terms before and
    after per company, and the most affected accounts."""
    histogram: Counter[int] = Counter()
    groups: dict[str, list[int]] = {}
    companies: dict[str, dict] = {}
    for line in lines:
        change = line.change
        histogram[math.floor(change)] += 1
        groups.setdefault(f"{line.price_class}|{line.method}", [0, 0, 0])[_sign(change)] += 1
        company = companies.setdefault(str(line.company_id), _company())
        company["accounts"] += 1
        _add(company["before"], _terms(line.before, line.price_class))
        _add(company["after"], _terms(line.after, line.price_class))
    top = sorted(lines, key=lambda line: (-abs(line.change), line.account_id))[:TOP]
    return {
        "accounts": len(lines),
        "histogram": {str(k): v for k, v in histogram.items()},
        "groups": groups,
        "companies": _as_json(companies),
        "top": [[line.account_id, str(line.change), str(line.before[1]), str(line.after[1])] for line in top],
    }


def summaries_merge(summaries) -> dict:
    total = {"accounts": 0, "histogram": {}, "groups": {}, "companies": {}, "top": []}
    for part in summaries:
        total["accounts"] += part["accounts"]
        for key, count in part["histogram"].items():
            total["histogram"][key] = total["histogram"].get(key, 0) + count
        for key, counts in part["groups"].items():
            into = total["groups"].setdefault(key, [0, 0, 0])
            for i, count in enumerate(counts):
                into[i] += count
        for key, company in part["companies"].items():
            into = total["companies"].setdefault(key, _company())
            into["accounts"] += company["accounts"]
            for side in ("before", "after"):
                _add(into[side], {name: Decimal(value) for name, value in company[side].items()})
        total["top"] = sorted(total["top"] + part["top"], key=lambda row: (-abs(Decimal(row[1])), row[0]))[
            :TOP
        ]
    return {**total, "companies": _as_json(total["companies"])}


def chunk_summaries(start_year: int, first: int, last: int, terms: list[PriceTerms]) -> list[dict]:
    """One chunk's summary under each of the terms (a what-if of one or two policies)."""
    return [lines_summary(whatif_lines(start_year, first, last, t)) for t in terms]
