from .accounts import Account, AccountTerms, AreaDecision, InstitutionApproval, LowIncomeCertificate
from .customers import Customer
from .imports import ImportBatch
from .jobs import Job, JobSlot
from .meters import Meter, Reading, ReadingLimits
from .orgs import Duty, Membership, Organisation, OrganisationDuty, Role
from .payments import Payment
from .policy import PricePolicy, Season
from .premises import Building, HeatedPart, Premises, Route
from .tokens import ApiToken

__all__ = [
    "ApiToken",
    "ImportBatch",
    "Job",
    "JobSlot",
    "ReadingLimits",
    "Account",
    "AccountTerms",
    "AreaDecision",
    "Building",
    "Customer",
    "Duty",
    "HeatedPart",
    "InstitutionApproval",
    "LowIncomeCertificate",
    "Membership",
    "Meter",
    "Organisation",
    "OrganisationDuty",
    "Payment",
    "Premises",
    "PricePolicy",
    "Reading",
    "Role",
    "Route",
    "Season",
]
