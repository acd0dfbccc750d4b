"""The pages of a company's season inputs: its cost declarations with their files, and the connection
fees the finance bureau has recorded. Who may see an attachment is decided here, in one place."""

from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from django.http import Http404

from heating.models import Membership, Organisation
from heating.selectors.scope import bureau_duties
from subsidy.models import ConnectionFee, CostAttachment, CostDeclaration
from subsidy.selectors.claims import SUBSIDY_DUTIES


def cost_declarations(company, start_year: int) -> list[CostDeclaration]:
    """Every declaration of the company's season, newest (the current one) first, with its files."""
    return list(
        CostDeclaration.objects.filter(company=company, season_year=start_year)
        .select_related("declared_by")
        .prefetch_related("attachments")
        .order_by("-id")
    )


def cost_attachment_for(user, pk: int) -> CostAttachment:
    """The attachment, for its company's staff and bureaus with a subsidy duty; anyone else gets the
    same 404 as an attachment that does not exist."""
    if not user.is_authenticated:
        raise Http404
    attachments = CostAttachment.objects.all()
    if not (user.is_superuser or bureau_duties(user) & SUBSIDY_DUTIES):
        staff_of = Membership.objects.filter(user=user, organisation__kind=Organisation.Kind.COMPANY)
        attachments = attachments.filter(declaration__company_id__in=staff_of.values("organisation_id"))
    attachment = attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment


@dataclass(frozen=True)
class FeeGroup:
    company: Organisation
    season_year: int
    fees: list[ConnectionFee]
    total: Decimal


def connection_fee_groups() -> list[FeeGroup]:
    """Every recorded fee, by company and season, each group with its total (corrections included)."""
    fees = ConnectionFee.objects.select_related("company", "recorded_by").order_by(
        "company__name", "company_id", "-season_year", "id"
    )
    groups = []
    for (_company, season_year), rows in groupby(fees, key=lambda fee: (fee.company_id, fee.season_year)):
        rows = list(rows)
        total = sum((fee.amount for fee in rows), Decimal("0.00"))
        groups.append(FeeGroup(rows[0].company, season_year, rows, total))
    return groups
