"""The claim workflow's county (bureaus, officers, a company with its manager) and its stand-in for
the season's figures, shared with tests/subsidy_claims."""

from tests.subsidy_claims.conftest import (  # noqa: F401
    bureaus,
    clerk,
    company,
    figures,
    manager,
    officer,
    other_company,
    other_manager,
)
