"""The compliance check of one slot of statements (one company's accounts with ids in [lo, hi)): every
issued statement of the season recomputed from its stored inputs under the published policy, and
compared with what was charged and collected; and the season's refunds against the bureau's deadline.

Two forms of the statement comparison give the same candidates: `statement_candidates_sql`, one
PostgreSQL statement through heating's SQL form of the engine (heating.selectors.bills_sql), and
`statement_candidates_python`, the pure engine over the same rows (other databases, and the reference
tests/supervision/test_differential.py holds the SQL form to). Only reads: nothing here writes."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Q, Sum

from heating.billing import RESIDENTIAL, PriceTerms
from heating.billing.money import money
from heating.models import Account, LedgerEntry, LowIncomeCertificate, Refund, Statement
from heating.models.policy import season_days
from heating.selectors.bills_sql import billing_area_sql, bills_sql, part_share_sql, terms_params
from heating.selectors.facts import certificate_in_force
from heating.selectors.statements import breakdown_from_inputs
from supervision.models import Finding

Kind = Finding.Kind
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Slot:
    company_id: int
    season_year: int
    lo: int
    hi: int


@dataclass(frozen=True)
class Candidate:
    """A rule broken: what was charged or collected, and what the policy allows."""

    account_id: int
    kind: str
    charged: Decimal
    allowed: Decimal
    statement_id: int | None = None
    refund_id: int | None = None


def _in_slot(slot: Slot, prefix: str = "") -> dict:
    return {
        f"{prefix}account__company_id": slot.company_id,
        f"{prefix}account_id__gte": slot.lo,
        f"{prefix}account_id__lt": slot.hi,
    }


def issued_statements(slot: Slot):
    return Statement.objects.filter(
        season_year=slot.season_year, status=Statement.Status.ISSUED, **_in_slot(slot)
    )


def certified_accounts(slot: Slot) -> list[int]:
    """Accounts holding a certificate that gives the season the low-income rate (POLICY.md §5),
    decided at any time: an approval after settlement is owed to the household too."""
    first_day, last_day = season_days(slot.season_year)
    return list(
        LowIncomeCertificate.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=first_day),
            certificate_in_force(first_day),
            valid_from__lte=last_day,
            **_in_slot(slot),
        )
        .values_list("account_id", flat=True)
        .distinct()
    )


def prepayments_demanded(slot: Slot) -> dict[int, Decimal]:
    """The prepayment each account was charged for the season (its prepayment-due entries other than
    the ones a settlement writes to carry it over)."""
    rows = (
        LedgerEntry.objects.filter(
            season_year=slot.season_year,
            kind=LedgerEntry.Kind.PREPAYMENT_DUE,
            statement__isnull=True,
            **_in_slot(slot),
        )
        .values_list("account_id")
        .annotate(total=Sum("amount"))
    )
    return {account_id: money(total) for account_id, total in rows}


def _judge(row: dict, allowed_due: Decimal, prepayment: Decimal, prepaid: Decimal, demanded: Decimal):
    """The candidates of one statement: the fee against what the policy allows (with the low-income
    rate when the household holds it), and the prepayment collected against the area fee."""
    found = []
    if row["charged"] > allowed_due:
        low_income = row["low_income"] or row["certified"]
        kind = Kind.LOW_INCOME_FULL_RATE if low_income and row["discount"] == 0 else Kind.FEE_ABOVE_POLICY
        found.append(Candidate(row["account_id"], kind, row["charged"], allowed_due, row["id"]))
    collected = min(demanded, prepaid)
    if collected > prepayment:
        found.append(
            Candidate(row["account_id"], Kind.PREPAYMENT_ABOVE_AREA_FEE, collected, prepayment, row["id"])
        )
    return found


def statement_candidates_python(slot: Slot, terms: PriceTerms) -> list[Candidate]:
    """The pure engine (heating.billing.bill) over the slot's statements: the reference form."""
    certified = set(certified_accounts(slot))
    demanded = prepayments_demanded(slot)
    found = []
    rows = issued_statements(slot).values("id", "account_id", "inputs", "amount_due", "low_income_discount")
    for row in rows.iterator(chunk_size=2000):
        inputs = row["inputs"]
        allowed = breakdown_from_inputs(inputs, terms)
        owed_rate = inputs["price_class"] == RESIDENTIAL and row["account_id"] in certified
        allowed_due = allowed.amount_due
        if owed_rate and not inputs["low_income"]:
            allowed_due = money(allowed.gross_fee * terms.low_income_rate)
        judged = {
            "id": row["id"],
            "account_id": row["account_id"],
            "charged": row["amount_due"],
            "discount": row["low_income_discount"],
            "low_income": inputs["low_income"],
            "certified": owed_rate,
        }
        found += _judge(
            judged, allowed_due, allowed.prepayment, allowed.prepaid, demanded.get(row["account_id"], ZERO)
        )
    return found


def _billing_area() -> str:
    """The billing area from the stored parts, as the engine resolves it; a home of one part (most)
    without unpacking the list into rows."""
    parts, first = "st.inputs->'parts'", "st.inputs->'parts'->0"
    return f"""COALESCE(CAST(st.inputs->>'area_decision' AS numeric),
               CASE WHEN jsonb_array_length({parts}) = 1
                    THEN ROUND(CAST({first}->>'area' AS numeric) * {part_share_sql(f"({first}->>'kind')")}, 2)
                    ELSE (SELECT {billing_area_sql("p.kind", "p.area")}
                          FROM jsonb_to_recordset({parts}) AS p(kind text, area text)) END)"""


def _statement_sql() -> str:
    """One row per rule broken. `facts` is keyed by statement id (the SQL form's `account_id`) and
    carries what was charged beside the stored inputs; the SQL form gives what the policy allows."""
    statement, account = Statement._meta.db_table, Account._meta.db_table
    return f"""
WITH facts AS MATERIALIZED (
    SELECT st.id AS account_id, st.account_id AS holder, st.amount_due AS charged,
           st.low_income_discount AS discount,
           st.inputs->>'price_class' AS price_class, st.inputs->>'method' AS method,
           {_billing_area()} AS area,
           CAST(st.inputs->>'heat_gj' AS numeric) AS heat_gj,
           CAST(st.inputs->>'exchangers' AS integer) AS exchangers,
           CAST(st.inputs->>'low_income' AS boolean) AS low_income,
           CAST(st.inputs->>'days_open' AS integer) AS days_open,
           CAST(st.inputs->>'season_days' AS integer) AS season_days,
           CAST(st.inputs->>'prepaid' AS numeric) AS prepaid
    FROM {statement} st JOIN {account} a ON a.id = st.account_id
    WHERE st.account_id >= %(lo)s AND st.account_id < %(hi)s AND a.company_id = %(company)s
      AND st.season_year = %(year)s AND st.status = '{Statement.Status.ISSUED}'
), b AS ({bills_sql("facts")}
), judged AS MATERIALIZED (
    SELECT f.account_id AS id, f.holder, f.charged, f.discount, f.low_income, b.prepayment,
           f.price_class = '{RESIDENTIAL}' AND c.account_id IS NOT NULL AS certified,
           CASE WHEN f.price_class = '{RESIDENTIAL}' AND c.account_id IS NOT NULL AND NOT f.low_income
                THEN ROUND(b.gross_fee * CAST(%(t_low_income_rate)s AS numeric), 2) ELSE b.amount_due END
               AS allowed_due,
           LEAST(COALESCE(d.amount, 0.00), b.prepaid) AS collected
    FROM facts f JOIN b ON b.account_id = f.account_id
    -- Joined, not `= ANY(array)`: that compares every statement with every certificate.
    LEFT JOIN unnest(CAST(%(certified)s AS bigint[])) AS c(account_id) ON c.account_id = f.holder
    LEFT JOIN unnest(CAST(%(demanded_ids)s AS bigint[]), CAST(%(demanded)s AS numeric[]))
        AS d(account_id, amount) ON d.account_id = f.holder
)
SELECT id, holder,
       CASE WHEN (low_income OR certified) AND discount = 0 THEN '{Kind.LOW_INCOME_FULL_RATE}'
            ELSE '{Kind.FEE_ABOVE_POLICY}' END,
       charged, allowed_due
FROM judged WHERE charged > allowed_due
UNION ALL
SELECT id, holder, '{Kind.PREPAYMENT_ABOVE_AREA_FEE}', collected, prepayment
FROM judged WHERE collected > prepayment
"""


def statement_candidates_sql(slot: Slot, terms: PriceTerms) -> list[Candidate]:
    """The same candidates as `statement_candidates_python`, from one PostgreSQL statement."""
    demanded = prepayments_demanded(slot)
    params = {
        **terms_params(terms),
        "company": slot.company_id,
        "year": slot.season_year,
        "lo": slot.lo,
        "hi": slot.hi,
        "certified": certified_accounts(slot),
        "demanded_ids": list(demanded),
        "demanded": list(demanded.values()),
    }
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")  # compiling costs more than the statement saves
        cursor.execute("SET LOCAL work_mem = '64MB'")  # a slot's rows hashed and sorted in memory
        cursor.execute(_statement_sql(), params)
        return [
            Candidate(account_id, kind, charged, allowed, statement_id)
            for statement_id, account_id, kind, charged, allowed in cursor.fetchall()
        ]


def statement_candidates(slot: Slot, terms: PriceTerms) -> list[Candidate]:
    if connection.vendor == "postgresql":
        return statement_candidates_sql(slot, terms)
    return statement_candidates_python(slot, terms)


def refund_candidates(slot: Slot, deadline: datetime.date, as_of: datetime.date) -> list[Candidate]:
    """Refunds not paid by the deadline: still open once it has passed, or paid out or credited
    after it (a cancelled refund was not owed)."""
    late = Q(state=Refund.State.PAID, paid_on__gt=deadline)
    late |= Q(state=Refund.State.CREDITED, changed_at__date__gt=deadline)
    if as_of > deadline:
        late |= Q(state__in=Refund.OPEN)
    rows = Refund.objects.filter(
        late, kind=Refund.Kind.REFUND, season_year=slot.season_year, **_in_slot(slot)
    ).values_list("id", "account_id", "amount")
    return [
        Candidate(account_id, Kind.REFUND_OVERDUE, amount, ZERO, refund_id=pk)
        for pk, account_id, amount in rows
    ]
