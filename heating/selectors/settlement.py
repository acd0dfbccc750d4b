"""What the settlement pages show of a company's season: its counts, and where each exception is fixed."""

from collections.abc import Iterable
from dataclasses import dataclass

from heating.models import Account, Meter, Statement

from .policy import policy_for_season
from .statements import Resettlement, change_reason, resettlements_due

# The figures the re-settlement page sets side by side, old and new.
COMPARED = ("billing_area", "heating_fee", "amount_due", "refund", "balance_due")


@dataclass(frozen=True)
class SeasonState:
    accounts: int
    issued: int


def season_state(company, start_year: int) -> SeasonState:
    return SeasonState(
        accounts=Account.objects.filter(company=company).count(),
        issued=Statement.objects.filter(
            account__company=company, season_year=start_year, status=Statement.Status.ISSUED
        ).count(),
    )


@dataclass(frozen=True)
class ExceptionFix:
    """An account that cannot be settled, why, and the meter whose readings are the cause, if one is
    (its page is where they are fixed); without one, the account's own facts are."""

    account_id: int
    number: str
    reason: str
    serial: str | None


def exception_fixes(company, exceptions: Iterable, limit: int) -> list[ExceptionFix]:
    """The first `limit` exceptions (SettleException) by account number, each with the meter to fix,
    if any, in one query: a reading problem names the meter of the account's home it concerns."""
    exceptions = sorted(exceptions, key=lambda e: e.number)[:limit]
    serials: dict[int, list[str]] = {}
    if exceptions:
        meters = Meter.objects.filter(
            company=company, account__premises__accounts__in=[e.account_id for e in exceptions]
        ).values_list("account__premises__accounts__id", "serial")
        for account_id, serial in meters:
            serials.setdefault(account_id, []).append(serial)
    return [
        ExceptionFix(
            e.account_id,
            e.number,
            e.reason,
            next((s for s in serials.get(e.account_id, ()) if s in e.reason), None),
        )
        for e in exceptions
    ]


@dataclass(frozen=True)
class ResettlementRow:
    """A re-settlement as the page shows it: what changed in words (or the problem), and for each
    compared figure its label, the issued value and the value re-settling would give."""

    resettlement: Resettlement
    changes: str
    figures: list[tuple[str, object, object]]


def resettlement_rows(company, start_year: int) -> list[ResettlementRow]:
    policy = policy_for_season(start_year)
    rows = []
    for due in resettlements_due(company, start_year):
        new = due.new_figures or {}
        rows.append(
            ResettlementRow(
                due,
                "" if due.new_inputs is None else change_reason(due.statement, due.new_inputs, policy),
                [
                    (Statement._meta.get_field(name).verbose_name, due.old_figures[name], new.get(name))
                    for name in COMPARED
                ],
            )
        )
    return rows
