"""Claims brought to each state through the services, and the figures the stand-in gives."""

import datetime

from subsidy.services.claims import (
    claim_approve,
    claim_create,
    claim_pay,
    claim_review_approve,
    claim_submit,
)
from tests.subsidy.test_formula import EXAMPLE_11_FIGURES

SEASON = 2019
REVIEWERS = ("ZJJ", "FGJ", "SJJ")

# POLICY.md §9 example 11, the figures the contract's `as_json` gives, and its cost by category.
EXAMPLE_11 = EXAMPLE_11_FIGURES
COST_ITEMS = {"fuel": "15000.00", "electricity": "4000.00", "wages": "5000.00", "other": "2000.00"}


def submitted(manager, season=SEASON):
    claim = claim_create(user=manager, start_year=season)
    return claim_submit(user=manager, claim_id=claim.id)


def reviewed(manager, officer, season=SEASON):
    claim = submitted(manager, season)
    for code in REVIEWERS:
        claim = claim_review_approve(user=officer[code], claim_id=claim.id)
    return claim


def approved(manager, officer, season=SEASON):
    claim = reviewed(manager, officer, season)
    return claim_approve(user=officer["CZJ"], claim_id=claim.id)


def paid(manager, officer, season=SEASON):
    claim = approved(manager, officer, season)
    return claim_pay(
        user=officer["CZJ"],
        claim_id=claim.id,
        paid_on=datetime.date(2020, 9, 1),
        reference="财拨〔2020〕17号",
    )
