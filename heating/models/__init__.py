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
from .complaints import Complaint, ComplaintPhoto, ComplaintStep, TemperatureMeasurement
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
from .policy import PolicyNoticePdf, PricePolicy, Season
from .premises import Building, HeatedPart, Premises, Route
from .receipts import Receipt, ReceiptCounter, ReceiptVoid
from .reconciliation import Mismatch, Reconciliation
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
    "Complaint",
    "ComplaintPhoto",
    "ComplaintStep",
    "TemperatureMeasurement",
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
    "Mismatch",
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
    "PolicyNoticePdf",
    "PricePolicy",
    "Reading",
    "Receipt",
    "Reconciliation",
    "ReceiptCounter",
    "ReceiptVoid",
    "Refund",
    "Role",
    "Route",
    "Season",
    "Statement",
]
