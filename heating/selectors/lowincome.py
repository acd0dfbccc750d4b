"""Low-income certificates as each side sees them: the civil-affairs bureau's queue (personal data
masked), a household's applications and their state on /me/ and the bill, and who may open a scan."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _

from heating.models import Duty, LowIncomeCertificate, LowIncomeReminder, LowIncomeScan
from heating.models.accounts import Decision
from heating.models.policy import season_days

from .policy import NoPolicyInForce, policy_for_season
from .scope import bureau_duties, bureau_holding, resident_accounts

REMIND_DAYS = 30
QUEUE_APPROVED_SHOWN = 200


def bureau_landing(user) -> str | None:
    """settings.BUREAU_LANDINGS: the civil-affairs bureau starts from its queue."""
    return "lowincome-queue" if Duty.ELIGIBILITY_CIVIL_AFFAIRS in bureau_duties(user) else None


def civil_affairs_bureau(user):
    """The user's bureau holding the civil-affairs eligibility duty; PermissionDenied otherwise."""
    return bureau_holding(
        user, Duty.ELIGIBILITY_CIVIL_AFFAIRS, _("只有承担低保特困资格审定职责的民政部门才能查看。")
    )


def mask_name(name: str) -> str:
    """张建国 → 张*国, 张三 → 张*: enough for the bureau's list, not a name to copy."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_number(number: str) -> str:
    if len(number) <= 4:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 4) + number[-2:]


@dataclass(frozen=True)
class QueueRow:
    certificate: LowIncomeCertificate
    holder: str  # masked
    number: str  # masked


def _rows(certificates) -> list[QueueRow]:
    return [QueueRow(c, mask_name(c.account.customer.name), mask_number(c.number)) for c in certificates]


def bureau_queue(user, *, today: datetime.date) -> dict:
    """Pending applications, oldest first, and the approvals still in force (newest decision first, at
    most QUEUE_APPROVED_SHOWN), in a fixed number of queries."""
    civil_affairs_bureau(user)
    base = LowIncomeCertificate.objects.select_related("account__company", "account__customer")
    pending = base.filter(status=Decision.PENDING).order_by("id")
    approved = base.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today), status=Decision.APPROVED
    ).order_by("-decided_at", "-id")[:QUEUE_APPROVED_SHOWN]
    return {"pending": _rows(pending), "approved": _rows(approved)}


def bureau_certificate(user, pk: int) -> LowIncomeCertificate:
    """One certificate for the civil-affairs bureau, with its home and scans; 403 for anyone else."""
    civil_affairs_bureau(user)
    certificate = (
        LowIncomeCertificate.objects.select_related(
            "account__company", "account__customer", "account__premises__building", "decided_by", "applied_by"
        )
        .prefetch_related(Prefetch("scans", queryset=LowIncomeScan.objects.order_by("id")))
        .filter(pk=pk)
        .first()
    )
    if certificate is None:
        raise Http404
    return certificate


def scan_for(user, pk: int) -> LowIncomeScan:
    """A scan for the civil-affairs bureau or for the household that sent it; anyone else gets the same
    404 as a scan that does not exist."""
    scans = LowIncomeScan.objects.select_related("certificate")
    if Duty.ELIGIBILITY_CIVIL_AFFAIRS not in bureau_duties(user):
        if not user.is_authenticated:
            raise Http404
        scans = scans.filter(
            certificate__applied_by=user, certificate__account__in=resident_accounts(user)
        )
    scan = scans.filter(pk=pk).first()
    if scan is None:
        raise Http404
    return scan


def resident_certificates(user):
    """The user's applications and certificates for their own homes, newest first."""
    return (
        LowIncomeCertificate.objects.filter(account__in=resident_accounts(user))
        .select_related("account__company", "decided_by")
        .prefetch_related(Prefetch("scans", queryset=LowIncomeScan.objects.order_by("id")))
        .order_by("-id")
    )


@dataclass(frozen=True)
class LowIncomeState:
    """What a home's household should see of its low-income rate: the latest application or
    certificate, whether the rate holds today, and when it runs out if that is near."""

    certificate: LowIncomeCertificate
    in_force: bool
    expiring: bool
    reminded: bool


def home_states(accounts, *, today: datetime.date) -> dict[int, LowIncomeState]:
    """Per account id, in two queries: the certificate in force today if any, else the latest one."""
    ids = [a.id for a in accounts]
    if not ids:
        return {}
    latest: dict[int, LowIncomeCertificate] = {}
    current: dict[int, LowIncomeCertificate] = {}
    for certificate in LowIncomeCertificate.objects.filter(account_id__in=ids).order_by("id"):
        latest[certificate.account_id] = certificate
        if _in_force(certificate, today):
            current[certificate.account_id] = certificate
    shown = latest | current
    reminded = set(
        LowIncomeReminder.objects.filter(certificate__in=[c.id for c in shown.values()]).values_list(
            "certificate_id", "valid_until"
        )
    )
    states = {}
    for account_id, certificate in shown.items():
        in_force = account_id in current and current[account_id] is certificate
        until = certificate.valid_until
        expiring = in_force and until is not None and until <= today + datetime.timedelta(days=REMIND_DAYS)
        states[account_id] = LowIncomeState(
            certificate, in_force, expiring, (certificate.id, until) in reminded
        )
    return states


def _in_force(certificate, day: datetime.date) -> bool:
    return (
        certificate.status == Decision.APPROVED
        and certificate.valid_from <= day
        and (certificate.valid_until is None or certificate.valid_until >= day)
    )


@dataclass(frozen=True)
class SeasonLowIncome:
    """The bill's low-income line: the certificate that gives (or would give) the season its rate."""

    certificate: LowIncomeCertificate
    applies: bool  # approved and valid on some day of the season (POLICY.md §5)
    rate: Decimal | None


def season_low_income(account, start_year: int) -> SeasonLowIncome | None:
    """An approved certificate valid on some day of the season if there is one, else the latest
    application touching the season, else the latest one at all; None when the home has none."""
    first_day, last_day = season_days(start_year)
    certificates = list(LowIncomeCertificate.objects.filter(account=account).order_by("-id"))
    if not certificates:
        return None

    def touches(c):
        return c.valid_from <= last_day and (c.valid_until is None or c.valid_until >= first_day)

    approved = [c for c in certificates if c.status == Decision.APPROVED and touches(c)]
    certificate = (approved or [c for c in certificates if touches(c)] or certificates)[0]
    try:
        rate = policy_for_season(start_year).low_income_rate
    except NoPolicyInForce:
        rate = None
    return SeasonLowIncome(certificate, bool(approved), rate)
