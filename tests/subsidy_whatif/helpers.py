"""A settled season to try drafts on, and drafts made from the policy in force."""

from django.forms.models import model_to_dict

from heating.models import PricePolicy
from heating.models.orgs import Duty
from heating.selectors.policy import policy_for_season
from heating.services.policy import FIGURES
from tests.factories import BureauFactory, MembershipFactory, make_account
from tests.settlement.helpers import SEASON, pay, settle


def draft_of(policy: PricePolicy, code: str = "草案〔2026〕1号", **changes) -> PricePolicy:
    """A draft with the policy's terms, some changed."""
    terms = {name: value for name, value in model_to_dict(policy).items() if name in FIGURES}
    return PricePolicy.objects.create(
        code=code,
        title=f"测算 {code}",
        effective_from=policy.effective_from,
        effective_until=policy.effective_until,
        status=PricePolicy.Status.DRAFT,
        **{**terms, **changes},
    )


def in_force():
    return policy_for_season(SEASON)


def price_officer():
    """A login of the development-and-reform bureau, which holds the price-policy duty."""
    bureau = BureauFactory(name="县发展和改革局", duties=[Duty.PRICE_POLICY])
    return MembershipFactory(organisation=bureau).user


__all__ = ["SEASON", "draft_of", "in_force", "make_account", "pay", "price_officer", "settle"]
