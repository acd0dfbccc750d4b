from heating.models import Role
from tests.factories import CompanyFactory, MembershipFactory, make_account


def counter(code="DEMO1"):
    """A company with a clerk, a manager and an account."""
    company = CompanyFactory(code=code)
    clerk = MembershipFactory(organisation=company, role=Role.CLERK).user
    manager = MembershipFactory(organisation=company, role=Role.MANAGER).user
    return company, clerk, manager, make_account(company=company)
