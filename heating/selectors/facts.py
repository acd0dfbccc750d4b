"""The facts a season's bill depends on, resolved for many accounts in a fixed number of queries.

Every fact is recorded with the season (or date) from which it holds, so that resolving the same
season again gives the same facts however the account has changed since (POLICY.md §1, §2, §5).
A decision about a season counts whenever it is given (§5): a settled season is frozen by its
statement (§11), not here. A decision counts only with the duty it was decided under recorded
(`decided_duty`, which the database accepts only from an organisation holding it): a row recorded
earlier by anyone else is ignored (migration 0024 marked it `needs_review`).
"""
import datetime
from collections.abc import Iterable

from django.db.models import F, Q

from heating.billing import AREA, INSTITUTION, METERED, NON_RESIDENTIAL, RESIDENTIAL, AccountFacts, Part
from heating.models import (
    Account,
    AccountTerms,
    AreaDecision,
    HeatedPart,
    InstitutionApproval,
    LowIncomeCertificate,
    Meter,
)
from heating.models.accounts import Decision
from heating.models.policy import season_days, season_length


class MissingFacts(LookupError):
    pass


def _latest_by_account(rows, key="account_id"):
    """Rows ordered by from_year: the last one per account wins."""
    latest = {}
    for row in rows:
        latest[row[key]] = row
    return latest


def certificate_in_force(day: datetime.date) -> Q:
    """Certificates approved, or revoked from a day after both `day` and their first day: a revocation
    leaves the seasons before it alone (POLICY.md §5)."""
    revoked_later = Q(status=Decision.REVOKED, revoked_from__gt=day) & Q(revoked_from__gt=F("valid_from"))
    return (Q(status=Decision.APPROVED) | revoked_later) & Q(decided_duty__isnull=False)


def open_days(account: Account, start_year: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day the account was open in the season (POLICY.md §4; the span of its meters,
    §7): the later of its opening day and the season's first day, the earlier of its closing day and the
    season's last day. An account not open in the season has the last before the first."""
    first_day, last_day = season_days(start_year)
    until = last_day if account.closed_on is None else min(account.closed_on, last_day)
    return max(account.opened_on, first_day), until


def facts_for_season(accounts: Iterable[Account], start_year: int) -> dict[int, AccountFacts]:
    """AccountFacts per account id; accounts without price terms for the season, or not open during
    it, are left out. A low-income certificate counts when approved and valid on some day of the
    season (POLICY.md §5)."""
    accounts = list(accounts)
    ids = [a.id for a in accounts]
    first_day, last_day = season_days(start_year)
    length = season_length(start_year)

    terms = _latest_by_account(
        AccountTerms.objects.filter(account_id__in=ids, from_year__lte=start_year)
        .order_by("from_year")
        .values("account_id", "price_class", "exchangers")
    )
    decisions = _latest_by_account(
        AreaDecision.objects.filter(account_id__in=ids, from_year__lte=start_year, decided_duty__isnull=False)
        .order_by("from_year")
        .values("account_id", "area")
    )
    # The latest decision from a season up to this one holds: a later rejection ends an approval.
    institution_decisions = _latest_by_account(
        InstitutionApproval.objects.filter(
            account_id__in=ids,
            from_year__lte=start_year,
            status__in=[Decision.APPROVED, Decision.REJECTED],
            decided_duty__isnull=False,
        )
        .order_by("from_year")
        .values("account_id", "status")
    )
    approved_institutions = {
        account_id for account_id, row in institution_decisions.items() if row["status"] == Decision.APPROVED
    }
    low_income = set(
        LowIncomeCertificate.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=first_day),
            certificate_in_force(first_day),
            account_id__in=ids,
            valid_from__lte=last_day,
        ).values_list("account_id", flat=True)
    )
    # A meter belongs to the home: the account opened after a closed one on the same premises is
    # metered by the meter left there (§7). It is metered when a meter was in place on its first day.
    meters: dict[int, list[tuple[datetime.date, datetime.date | None]]] = {}
    for premises_id, installed_on, removed_on in Meter.objects.filter(
        Q(removed_on__isnull=True) | Q(removed_on__gt=first_day),
        account__premises_id__in={a.premises_id for a in accounts},
        installed_on__lte=last_day,
    ).values_list("account__premises_id", "installed_on", "removed_on"):
        meters.setdefault(premises_id, []).append((installed_on, removed_on))
    parts: dict[int, list[Part]] = {}
    for premises_id, kind, area in (
        HeatedPart.objects.filter(
            Q(until_year__isnull=True) | Q(until_year__gt=start_year),
            premises_id__in={a.premises_id for a in accounts},
            from_year__lte=start_year,
        )
        .order_by("id")
        .values_list("premises_id", "kind", "area")
    ):
        parts.setdefault(premises_id, []).append(Part(kind=kind, area=area))

    facts = {}
    for account in accounts:
        row = terms.get(account.id)
        since, until = open_days(account, start_year)
        if row is None or until < since:
            continue
        price_class = row["price_class"]
        if price_class == INSTITUTION and account.id not in approved_institutions:
            price_class = NON_RESIDENTIAL
        decision = decisions.get(account.id)
        is_metered = any(
            installed_on <= since and (removed_on is None or removed_on > since)
            for installed_on, removed_on in meters.get(account.premises_id, ())
        )
        # Exchangers are charged to area-billed homes only; the rate only to households (§一.4, §五).
        facts[account.id] = AccountFacts(
            price_class=price_class,
            method=METERED if is_metered else AREA,
            parts=tuple(parts.get(account.premises_id, ())),
            exchangers=0 if is_metered else row["exchangers"],
            low_income=price_class == RESIDENTIAL and account.id in low_income,
            area_decision=decision["area"] if decision else None,
            days_open=(until - since).days + 1,
            season_days=length,
        )
    return facts


def account_facts(account: Account, start_year: int) -> AccountFacts:
    facts = facts_for_season([account], start_year)
    if account.id not in facts:
        raise MissingFacts(f"account {account.number} has no price terms for season {start_year}")
    return facts[account.id]
