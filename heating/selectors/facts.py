"""The facts a season's bill depends on, resolved for many accounts in a fixed number of queries.

Every fact is recorded with the season (or date) from which it holds, so that resolving the same
season again gives the same facts however the account has changed since (POLICY.md §1, §2, §5).
"""
import datetime
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from heating.billing import AREA, INSTITUTION, METERED, NON_RESIDENTIAL, RESIDENTIAL, AccountFacts, Part
from heating.models import (
    Account,
    AccountTerms,
    AreaDecision,
    HeatedPart,
    InstitutionApproval,
    LowIncomeCertificate,
    Meter,
    Season,
)
from heating.models.accounts import Decision
from heating.models.policy import season_days


class MissingFacts(LookupError):
    pass


def _latest_by_account(rows, key="account_id"):
    """Rows ordered by from_year: the last one per account wins."""
    latest = {}
    for row in rows:
        latest[row[key]] = row
    return latest


def facts_for_season(
    accounts: Iterable[Account], start_year: int, *, as_of: datetime.datetime | None = None
) -> dict[int, AccountFacts]:
    """AccountFacts per account id; accounts without price terms for the season, or not open during
    it, are left out.

    `as_of` is when the season was (or is being) settled: a low-income certificate counts when
    approved by then and valid at some time in the season (POLICY.md §5). Left out, it is the
    season's settlement time if the season is settled (so that a certificate approved afterwards
    cannot change a settled bill), else now.
    """
    accounts = list(accounts)
    ids = [a.id for a in accounts]
    first_day, last_day = season_days(start_year)
    if as_of is None:
        settled_at = (
            Season.objects.filter(start_year=start_year, settled_at__isnull=False)
            .values_list("settled_at", flat=True)
            .first()
        )
        as_of = settled_at or timezone.now()

    terms = _latest_by_account(
        AccountTerms.objects.filter(account_id__in=ids, from_year__lte=start_year)
        .order_by("from_year")
        .values("account_id", "price_class", "exchangers")
    )
    decisions = _latest_by_account(
        AreaDecision.objects.filter(account_id__in=ids, from_year__lte=start_year)
        .order_by("from_year")
        .values("account_id", "area")
    )
    # The latest decision from a season up to this one holds: a later rejection ends an approval.
    institution_decisions = _latest_by_account(
        InstitutionApproval.objects.filter(
            account_id__in=ids,
            from_year__lte=start_year,
            status__in=[Decision.APPROVED, Decision.REJECTED],
            decided_at__lte=as_of,
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
            account_id__in=ids,
            status=Decision.APPROVED,
            decided_at__lte=as_of,
            valid_from__lte=last_day,
        ).values_list("account_id", flat=True)
    )
    metered = set(
        Meter.objects.filter(
            Q(removed_on__isnull=True) | Q(removed_on__gt=first_day),
            account_id__in=ids,
            installed_on__lte=first_day,
        ).values_list("account_id", flat=True)
    )
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
        closed_before = account.closed_on is not None and account.closed_on < first_day
        if row is None or closed_before or account.opened_on > last_day:
            continue
        price_class = row["price_class"]
        if price_class == INSTITUTION and account.id not in approved_institutions:
            price_class = NON_RESIDENTIAL
        decision = decisions.get(account.id)
        is_metered = account.id in metered
        # Exchangers are charged to area-billed homes only; the rate only to households (§一.4, §五).
        facts[account.id] = AccountFacts(
            price_class=price_class,
            method=METERED if is_metered else AREA,
            parts=tuple(parts.get(account.premises_id, ())),
            exchangers=0 if is_metered else row["exchangers"],
            low_income=price_class == RESIDENTIAL and account.id in low_income,
            area_decision=decision["area"] if decision else None,
        )
    return facts


def account_facts(account: Account, start_year: int, **kwargs) -> AccountFacts:
    facts = facts_for_season([account], start_year, **kwargs)
    if account.id not in facts:
        raise MissingFacts(f"account {account.number} has no price terms for season {start_year}")
    return facts[account.id]
