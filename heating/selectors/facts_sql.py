"""A season's facts and a statement's inputs in SQL (PostgreSQL only), for the accounts whose season
is plain: what heating.selectors.facts, .consumption and .statements give in Python, for many
accounts in one statement.

Plain means: no statement for the season yet, facts the engine bills (no problem
`heating.billing.problems` would find), and, when metered, both endpoint readings of each meter found
and settling (POLICY.md §7). Every other account — a missing, flagged or unconfirmed reading, facts
the engine refuses, a re-settlement — is left to the Python path, which says why it cannot be settled
or compares it with its statement.
tests/settlement/test_set_based.py proves both paths issue the same statements.
"""

from django.utils import timezone

from heating.billing import AREA, BUILDING, INSTITUTION, METERED, NON_RESIDENTIAL, PART_KINDS, RESIDENTIAL
from heating.billing.engine import LIMIT
from heating.models import (
    Account,
    AccountTerms,
    AreaDecision,
    HeatedPart,
    InstitutionApproval,
    LedgerEntry,
    LowIncomeCertificate,
    Meter,
    Reading,
    Statement,
)
from heating.models.accounts import Decision
from heating.models.policy import season_days, season_length

from .bills_sql import FACT_COLUMNS, billing_area_sql
from .ledger import CHARGES

# Readings that settle without a person confirming them (heating.selectors.consumption).
SETTLING_KINDS = (Reading.Kind.ACTUAL, Reading.Kind.EXCHANGE)
ENDPOINT_COLUMNS = ("id", "read_at", "value_gj", "kind", "status", "confirmed")
# A decision counts only with the duty it was decided under (heating.selectors.facts).
DECIDER_KNOWN = "AND decided_duty IS NOT NULL"


def _quoted(values) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _offset_minutes(column: str) -> str:
    local = f"({column} AT TIME ZONE %(tz)s)"
    return f"EXTRACT(EPOCH FROM {local} - ({column} AT TIME ZONE 'UTC'))"


def _iso(column: str) -> str:
    """`timezone.localtime(t).isoformat()` in SQL: local time, microseconds when there are any, and
    the offset as ±HH:MM (an offset with seconds, before 1901, is left to Python: `_settles`)."""
    local = f"({column} AT TIME ZONE %(tz)s)"
    minutes = f"(CAST({_offset_minutes(column)} AS integer) / 60)"
    return (
        f"to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN EXTRACT(MICROSECONDS FROM {column}) %% 1000000 <> 0"
        f" THEN to_char({local}, '.US') ELSE '' END"
        f" || CASE WHEN {minutes} < 0 THEN '-' ELSE '+' END"
        f" || lpad(CAST(abs({minutes}) / 60 AS text), 2, '0') || ':'"
        f" || lpad(CAST(abs({minutes}) %% 60 AS text), 2, '0')"
    )


def _reading_json(end: str) -> str:
    return (
        f"jsonb_build_object('id', {end}_id, 'read_at', {_iso(f'{end}_read_at')}, "
        f"'value_gj', CAST({end}_value_gj AS text))"
    )


def _settles(end: str) -> str:
    """The endpoint was found, is not held for review, and is an actual reading or one confirmed."""
    return (
        f"({end}_id IS NOT NULL AND {end}_status <> '{Reading.Status.FLAGGED}'"
        f" AND ({end}_kind IN ({_quoted(SETTLING_KINDS)}) OR {end}_confirmed)"
        f" AND CAST({_offset_minutes(f'{end}_read_at')} AS integer) %% 60 = 0)"
    )


def _endpoint(where: str, order: str) -> str:
    return (
        f"SELECT {', '.join(ENDPOINT_COLUMNS)} FROM {Reading._meta.db_table} r"
        f" WHERE r.meter_id = hm.id AND r.status <> '{Reading.Status.VOID}' AND {where}"
        f" ORDER BY r.read_at {order} LIMIT 1"
    )


def _either(end: str, *lookups: str) -> str:
    """An endpoint's columns, prefixed: the first of the lookups that found a reading."""
    return ", ".join(
        f"COALESCE({', '.join(f'{lookup}.{c}' for lookup in lookups)}) AS {end}_{c}" for c in ENDPOINT_COLUMNS
    )


def _midnight(day: str) -> str:
    """The local midnight starting a day (a date expression), as `timezone.make_aware` gives it."""
    return f"(CAST({day} AS timestamp) AT TIME ZONE %(tz)s)"


def _on_day(day: str) -> str:
    return f"r.read_at >= {_midnight(day)} AND r.read_at < {_midnight(f'{day} + 1')}"


def _within_the_cuts() -> str:
    """heating.selectors.consumption's limits on an endpoint: a meter's installation reading taken by
    the end of its installation day and its removal reading on or after its removal day; at an
    account's opening or closing inside the season, only the neighbouring day's reading will do."""
    return f"""(
        CASE WHEN installed_in_span THEN o_read_at < {_midnight("installed_on + 1")}
             WHEN since > %(first)s THEN o_read_at >= {_midnight("since - 1")} ELSE TRUE END
        AND CASE WHEN removed_in_span THEN c_read_at >= {_midnight("removed_on")}
                 WHEN until < %(last)s THEN c_read_at < {_midnight("until + 2")} ELSE TRUE END)"""


def _latest(model, columns: str, where: str = "") -> str:
    """Per account, the row of the latest season up to this one (the last one wins, as in Python)."""
    return (
        f"SELECT DISTINCT ON (account_id) account_id, {columns} FROM {model._meta.db_table}"
        f" WHERE account_id = ANY(%(ids)s) AND from_year <= %(year)s {where}"
        f" ORDER BY account_id, from_year DESC"
    )


def plain_facts_params(account_ids: list[int], start_year: int) -> dict[str, object]:
    first_day, last_day = season_days(start_year)
    return {
        "ids": list(account_ids),
        "year": start_year,
        "first": first_day,
        "last": last_day,
        "length": season_length(start_year),
        "tz": timezone.get_current_timezone_name(),
    }


def plain_facts_sql() -> str:
    """A SELECT of the plain accounts among `%(ids)s` with FACT_COLUMNS (heating.selectors.bills_sql)
    and `inputs`, the statement's inputs as jsonb; its parameters are `plain_facts_params`."""
    decided = _quoted((Decision.APPROVED, Decision.REJECTED))
    return f"""
WITH acc AS (
    -- Accounts with a statement are left out at the end, not here: the planner cannot guess how
    -- many they are, and a wrong guess (a few rows, not thousands) costs nested loops over all.
    SELECT a.id, a.premises_id, GREATEST(a.opened_on, %(first)s) AS since,
           LEAST(COALESCE(a.closed_on, %(last)s), %(last)s) AS until, s.settled IS NOT NULL AS settled
    FROM {Account._meta.db_table} a
    -- One index probe per account, however the table has grown since it was last analysed.
    LEFT JOIN LATERAL (SELECT 1 AS settled FROM {Statement._meta.db_table} s
                       WHERE s.account_id = a.id AND s.season_year = %(year)s LIMIT 1) s ON TRUE
    WHERE a.id = ANY(%(ids)s)
), t AS ({_latest(AccountTerms, "price_class, exchangers")}
), d AS ({_latest(AreaDecision, "area", DECIDER_KNOWN)}
), ia AS ({_latest(InstitutionApproval, "status", f"AND status IN ({decided}) {DECIDER_KNOWN}")}
), li AS (
    SELECT DISTINCT account_id FROM {LowIncomeCertificate._meta.db_table}
    WHERE account_id = ANY(%(ids)s) {DECIDER_KNOWN}
      AND (status = '{Decision.APPROVED}'
           OR (status = '{Decision.REVOKED}' AND revoked_from > %(first)s AND revoked_from > valid_from))
      AND valid_from <= %(last)s AND (valid_until IS NULL OR valid_until >= %(first)s)
), hp AS (
    SELECT premises_id,
           jsonb_agg(jsonb_build_object('kind', kind, 'area', CAST(area AS text)) ORDER BY id) AS parts,
           {billing_area_sql("kind", "area")} AS area,
           bool_and(kind = '{BUILDING}') AS all_building, bool_or(kind = '{BUILDING}') AS any_building,
           bool_and(kind IN ({_quoted(PART_KINDS)})) AS kinds_known
    FROM {HeatedPart._meta.db_table}
    WHERE premises_id IN (SELECT premises_id FROM acc) AND from_year <= %(year)s
      AND (until_year IS NULL OR until_year > %(year)s)
    GROUP BY premises_id
), home_meters AS (
    SELECT acc.id AS account_id, acc.since, acc.until, m.id, m.serial, m.installed_on, m.removed_on
    FROM acc
    JOIN {Account._meta.db_table} ma ON ma.premises_id = acc.premises_id
    JOIN {Meter._meta.db_table} m ON m.account_id = ma.id
    WHERE (m.removed_on IS NULL OR m.removed_on > %(first)s) AND m.installed_on <= %(last)s
), metering AS (
    SELECT account_id,
           bool_or(installed_on <= since AND (removed_on IS NULL OR removed_on > since)) AS metered
    FROM home_meters
    GROUP BY account_id
), pairs AS (
    -- The home's meters in place while the account was open, and whether each was installed or
    -- removed inside that span (its own first or last reading is then the endpoint).
    SELECT hm.*, hm.installed_on > hm.since AS installed_in_span,
           hm.removed_on IS NOT NULL AND hm.removed_on < hm.until AS removed_in_span
    FROM home_meters hm JOIN metering mt ON mt.account_id = hm.account_id AND mt.metered
    WHERE NOT (hm.installed_on > hm.until OR (hm.removed_on IS NOT NULL AND hm.removed_on <= hm.since))
), spans AS (
    SELECT hm.account_id, hm.installed_on, hm.id AS meter_id, hm.serial,
           {_either("o", "o0", "o1", "o2")}, {_either("c", "c0", "c1", "c2")},
           hm.installed_in_span, hm.removed_in_span, hm.since, hm.until, hm.removed_on
    FROM pairs hm
    LEFT JOIN LATERAL ({_endpoint("TRUE", "ASC")}) o0 ON hm.installed_in_span
    LEFT JOIN LATERAL ({_endpoint(_on_day("hm.since"), "ASC")}) o1 ON NOT hm.installed_in_span
    LEFT JOIN LATERAL ({_endpoint(f"r.read_at < {_midnight('hm.since')}", "DESC")})
        o2 ON NOT hm.installed_in_span AND o1.id IS NULL
    LEFT JOIN LATERAL ({_endpoint("TRUE", "DESC")}) c0 ON hm.removed_in_span
    LEFT JOIN LATERAL ({_endpoint(_on_day("hm.until"), "DESC")}) c1 ON NOT hm.removed_in_span
    LEFT JOIN LATERAL ({_endpoint(f"r.read_at >= {_midnight('hm.until + 1')}", "ASC")})
        c2 ON NOT hm.removed_in_span AND c1.id IS NULL
), usage AS (
    SELECT account_id, bool_and({_settles("o")} AND {_settles("c")} AND {_within_the_cuts()}) AS settles,
           SUM(c_value_gj - o_value_gj) AS heat,
           jsonb_agg(jsonb_build_object('meter', serial, 'opening', {_reading_json("o")},
                                        'closing', {_reading_json("c")}) ORDER BY installed_on, meter_id)
               AS readings
    FROM spans
    GROUP BY account_id
), held AS (
    SELECT account_id, 0 - SUM(amount) AS prepaid FROM {LedgerEntry._meta.db_table}
    WHERE account_id = ANY(%(ids)s) AND season_year = %(year)s
      AND kind NOT IN ({_quoted(CHARGES)})
    GROUP BY account_id
), f AS (
    SELECT acc.id AS account_id, acc.since, acc.until,
           CASE WHEN t.price_class = '{INSTITUTION}' AND ia.status IS DISTINCT FROM '{Decision.APPROVED}'
                THEN '{NON_RESIDENTIAL}' ELSE t.price_class END AS price_class,
           COALESCE(mt.metered, FALSE) AS metered, t.exchangers AS terms_exchangers,
           d.area AS decided, li.account_id IS NOT NULL AS certified,
           hp.parts, hp.area AS parts_area, hp.all_building, hp.any_building, hp.kinds_known,
           u.settles, u.heat, u.readings, COALESCE(h.prepaid, 0.00) AS prepaid
    FROM acc
    JOIN t ON t.account_id = acc.id
    JOIN hp ON hp.premises_id = acc.premises_id
    LEFT JOIN d ON d.account_id = acc.id
    LEFT JOIN ia ON ia.account_id = acc.id
    LEFT JOIN li ON li.account_id = acc.id
    LEFT JOIN metering mt ON mt.account_id = acc.id
    LEFT JOIN usage u ON u.account_id = acc.id
    LEFT JOIN held h ON h.account_id = acc.id
    WHERE acc.until >= acc.since AND NOT acc.settled
), facts AS (
    SELECT account_id, price_class, CASE WHEN metered THEN '{METERED}' ELSE '{AREA}' END AS method,
           COALESCE(decided, parts_area) AS area, CASE WHEN metered THEN heat END AS heat_gj,
           CASE WHEN metered THEN 0 ELSE terms_exchangers END AS exchangers,
           price_class = '{RESIDENTIAL}' AND certified AS low_income,
           (until - since) + 1 AS days_open, %(length)s AS season_days, prepaid,
           decided, parts, metered, readings
    FROM f
    WHERE kinds_known
      AND CASE WHEN price_class = '{RESIDENTIAL}' THEN NOT any_building ELSE all_building END
      AND (decided IS NULL OR decided < {LIMIT})
      AND (NOT metered OR (settles AND heat >= 0 AND heat < {LIMIT}))
      AND (metered OR terms_exchangers = 0 OR price_class = '{RESIDENTIAL}')
      AND prepaid >= 0 AND prepaid < {LIMIT}
)
SELECT {", ".join(FACT_COLUMNS)},
       jsonb_build_object(
           'price_class', price_class, 'method', method, 'parts', parts,
           'area_decision', CAST(decided AS text), 'exchangers', exchangers, 'low_income', low_income,
           'heat_gj', CAST(heat_gj AS text), 'days_open', days_open, 'season_days', season_days,
           'prepaid', CAST(prepaid AS text),
           'readings', CASE WHEN metered THEN readings ELSE '[]'::jsonb END) AS inputs
FROM facts
"""
