"""Loading a price notice as data (POLICY.md §1): a new notice is a new row, checked before it is kept."""
import datetime

from django.db import IntegrityError, transaction

from heating.models import PricePolicy


@transaction.atomic
def policy_create(
    *, code: str, title: str, effective_from: datetime.date, effective_until: datetime.date, **figures
) -> PricePolicy:
    """A new price policy with its figures (the PricePolicy fields); ValidationError when any is wrong or
    its period overlaps another policy's, naming that policy."""
    policy = PricePolicy(
        code=code, title=title, effective_from=effective_from, effective_until=effective_until, **figures
    )
    policy.full_clean()
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError:
        # A concurrent writer's overlapping policy reached PostgreSQL's exclusion constraint first:
        # the same check again now names it.
        policy.full_clean()
        raise
    return policy
