from .claims import Claim, ClaimAdjustment, ClaimEvent, ClaimReview, ClaimVersion
from .costs import COST_CATEGORIES, CostAttachment, CostDeclaration
from .fees import ConnectionFee
from .whatif import WhatIf

__all__ = [
    "COST_CATEGORIES",
    "Claim",
    "ClaimAdjustment",
    "ClaimEvent",
    "ClaimReview",
    "ClaimVersion",
    "ConnectionFee",
    "CostAttachment",
    "CostDeclaration",
    "WhatIf",
]
