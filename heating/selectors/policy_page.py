"""政策公开: every published price policy with the figures a resident asks about, and the one in force."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from heating.billing import money
from heating.models import PricePolicy
from heating.notice_text import NoticeText, policy_notice


@dataclass(frozen=True)
class PublishedPolicy:
    policy: PricePolicy
    # The notice's 基本热价: the area price × the basic share, per m² (6.30 元 under the 2019 notice).
    residential_basic_price: Decimal
    non_residential_basic_price: Decimal
    notice: NoticeText | None
    has_pdf: bool
    in_force: bool


@dataclass(frozen=True)
class PolicyPage:
    policies: list[PublishedPolicy]  # newest first
    in_force: PublishedPolicy | None  # the one whose period holds today
    latest: PublishedPolicy | None


def published_policies(today: datetime.date) -> PolicyPage:
    """Every published price policy, newest first, in one query."""
    policies = [
        PublishedPolicy(
            policy=p,
            residential_basic_price=money(p.residential_area_price * p.basic_share),
            non_residential_basic_price=money(p.non_residential_area_price * p.basic_share),
            notice=policy_notice(p),
            has_pdf=hasattr(p, "notice_pdf"),
            in_force=p.effective_from <= today <= p.effective_until,
        )
        for p in PricePolicy.objects.published().select_related("notice_pdf").order_by("-effective_from")
    ]
    in_force = next((p for p in policies if p.in_force), None)
    return PolicyPage(policies=policies, in_force=in_force, latest=next(iter(policies), None))
