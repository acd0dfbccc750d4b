from .accounts import (
    Account,
    AccountHolder,
    AccountTerms,
    AreaDecision,
    InstitutionApproval,
    LowIncomeCertificate,
)
from .activation import ActivationCode
from .bank_collection import BankCollection
from .channel_refunds import ChannelRefund
from .customers import Customer
from .disputes import AreaDispute, AreaDisputeDocument
from .imports import ImportBatch
from .inbox import Message, MessageRead
from .institutions import InstitutionApplication, InstitutionDocument
from .jobs import Job, JobSlot
from .ledger import AppendOnlyError, LedgerEntry
from .lowincome import LowIncomeReminder, LowIncomeScan
from .meters import Meter, Reading, ReadingLimits
from .orders import PaymentNotification, PaymentOrder, ProviderAccount, SandboxRefund, SandboxTrade
from .orgs import Duty, Membership, Organisation, OrganisationDuty, Role, ServiceCounter
from .payments import Payment
from .policy import PricePolicy, Season
from .premises import Building, HeatedPart, Premises, Route
from .receipts import Receipt, ReceiptCounter, ReceiptVoid
from .refunds import Refund
from .season_totals import SeasonTotals
from .statements import Statement
from .tokens import ApiToken

__all__ = [
    "ActivationCode",
    "ApiToken",
    "AppendOnlyError",
    "ImportBatch",
    "Job",
    "JobSlot",
    "LedgerEntry",
    "ReadingLimits",
    "Account",
    "AccountHolder",
    "AccountTerms",
    "AreaDecision",
    "AreaDispute",
    "AreaDisputeDocument",
    "BankCollection",
    "ChannelRefund",
    "Building",
    "Customer",
    "Duty",
    "HeatedPart",
    "InstitutionApplication",
    "InstitutionApproval",
    "InstitutionDocument",
    "LowIncomeCertificate",
    "LowIncomeReminder",
    "LowIncomeScan",
    "Message",
    "MessageRead",
    "Membership",
    "SeasonTotals",
    "ServiceCounter",
    "Meter",
    "Organisation",
    "OrganisationDuty",
    "Payment",
    "PaymentNotification",
    "PaymentOrder",
    "ProviderAccount",
    "SandboxRefund",
    "SandboxTrade",
    "Premises",
    "PricePolicy",
    "Reading",
    "Receipt",
    "ReceiptCounter",
    "ReceiptVoid",
    "Refund",
    "Role",
    "Route",
    "Season",
    "Statement",
]
