"""Claims brought to each state through the services, and the figures the stand-in gives."""

import datetime

from subsidy.services.claims import (
    claim_approve,
    claim_create,
    claim_pay,
    claim_review_approve,
    claim_submit,
)

SEASON = 2019
REVIEWERS = ("ZJJ", "FGJ", "SJJ")

# POLICY.md §9 example 11, the figures the contract's `as_json` gives.
EXAMPLE_11 = {
    "revenue": "21175.00",
    "hardship": "225.00",
    "cap": "600.00",
    "cost": "26000.00",
    "area": "800.00",
    "res_area": "300.00",
    "res_revenue": "4500.00",
    "res_cost": "9750.00",
    "inversion": "5250.00",
    "eligible": "6075.00",
    "actual_loss": "4825.00",
    "connection_fees": "1000.00",
    "offset": "500.00",
    "claim": "4325.00",
    "exceptions": 0,
}
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
