from .costs import COST_CATEGORIES, CostAttachment, CostDeclaration
from .fees import ConnectionFee

__all__ = ["COST_CATEGORIES", "ConnectionFee", "CostAttachment", "CostDeclaration"]
