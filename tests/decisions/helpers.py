"""People for the decision tests: an officer of a bureau holding given duties, and a company clerk."""

from heating.models import Role
from tests.factories import BureauFactory, CompanyFactory, MembershipFactory


def officer(*duties):
    """A user of a new bureau holding `duties` (none: a bureau without them)."""
    return MembershipFactory(organisation=BureauFactory(duties=list(duties)), role=Role.OFFICER).user


def clerk():
    return MembershipFactory(organisation=CompanyFactory(), role=Role.MANAGER).user
