"""The first settlement of plain accounts in one SQL statement (PostgreSQL): their statements and
ledger entries, exactly as `heating.services.settlement` writes them in Python for the same accounts.

`plain_statements_issue` is the one place the set-based form is used; on any other database it issues
nothing and every account takes the Python path (the portable fallback).
"""

from django.db import connection
from django.utils.translation import gettext_lazy as _

from heating.models import LedgerEntry, Statement
from heating.models.statements import FIGURES
from heating.selectors.bills_sql import bills_sql, terms_params
from heating.selectors.facts_sql import plain_facts_params, plain_facts_sql

Kind = LedgerEntry.Kind
# The memos of a first settlement's entries, on either path.
SETTLED_MEMO = _("结算")
CARRIED_MEMO = _("结算时结转预收")


def _sql() -> str:
    statement, entry = Statement._meta.db_table, LedgerEntry._meta.db_table
    figures = ", ".join(FIGURES)
    return f"""
WITH plain AS MATERIALIZED ({plain_facts_sql()}
), bills AS ({bills_sql("plain")}
), issued AS (
    INSERT INTO {statement} (account_id, season_year, version, status, supersedes_id, reason, policy_id,
                             inputs, {figures}, issued_at, issued_by_id)
    SELECT b.account_id, %(year)s, 1, '{Statement.Status.ISSUED}', NULL, '', %(policy)s, p.inputs,
           {", ".join(f"b.{name}" for name in FIGURES)}, now(), CAST(%(user)s AS bigint)
    FROM bills b JOIN plain p ON p.account_id = b.account_id
    ORDER BY b.account_id
    RETURNING id, account_id, amount_due
), due AS (
    SELECT account_id, SUM(amount) AS due FROM {entry}
    WHERE account_id = ANY(%(ids)s) AND season_year = %(year)s
      AND kind = '{Kind.PREPAYMENT_DUE}'
    GROUP BY account_id
), entries AS (
    INSERT INTO {entry} (account_id, season_year, kind, amount, statement_id, created_at,
                         created_by_id, memo)
    SELECT account_id, %(year)s, '{Kind.SETTLEMENT}', amount_due, id, now(), CAST(%(user)s AS bigint),
           %(settled)s
    FROM issued WHERE amount_due <> 0
    UNION ALL
    SELECT i.account_id, %(year)s, '{Kind.PREPAYMENT_DUE}', 0 - due.due, i.id, now(),
           CAST(%(user)s AS bigint), %(carried)s
    FROM issued i JOIN due ON due.account_id = i.account_id WHERE due.due <> 0
)
SELECT account_id FROM issued
"""


def plain_statements_issue(*, account_ids: list[int], start_year: int, policy, user=None) -> set[int]:
    """Issue version 1 of the statement of each plain account among `account_ids` (locked by the
    caller), with its ledger entries; the ids of the accounts settled. None on other databases."""
    if connection.vendor != "postgresql" or not account_ids:
        return set()
    params = {
        **plain_facts_params(account_ids, start_year),
        **terms_params(policy.terms()),
        "policy": policy.pk,
        "user": None if user is None else user.pk,
        "settled": str(SETTLED_MEMO),
        "carried": str(CARRIED_MEMO),
    }
    with connection.cursor() as cursor:
        # As the tables grow, the planner's cost for a slot passes jit_above_cost, and compiling the
        # statement (~0.4 s at a million accounts) then takes about as long as running it (~0.5 s).
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(_sql(), params)
        return {row[0] for row in cursor.fetchall()}
