"""A reviewing bureau's one decision as its page takes it: cost adjustments, each with its reason,
then the approval, all or nothing."""

from django.db import transaction

from subsidy.models import Claim
from subsidy.services.claims import claim_adjust_cost, claim_review_approve


@transaction.atomic
def claim_review_record(
    *, user, claim_id: int, adjustments: list[tuple[str, str, str]], comment: str = ""
) -> Claim:
    """`adjustments`: (category, amount after, reason); a refusal of any of them undoes them all."""
    for category, amount, reason in adjustments:
        claim_adjust_cost(user=user, claim_id=claim_id, category=category, amount=amount, reason=reason)
    return claim_review_approve(user=user, claim_id=claim_id, comment=comment)
