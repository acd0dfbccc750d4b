from .claims import Claim, ClaimAdjustment, ClaimEvent, ClaimReview, ClaimVersion

__all__ = ["Claim", "ClaimAdjustment", "ClaimEvent", "ClaimReview", "ClaimVersion"]
