"""Statements: the inputs they store, their figures recomputed from those inputs, and the accounts
whose current inputs differ from their issued statement's (listed for re-settlement, POLICY.md §11)."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from heating.billing import AccountFacts, Breakdown, Part, PriceTerms, bill
from heating.models import Account, Statement
from heating.models.policy import season_days
from heating.models.statements import FIGURES

from .bills import SeasonBill, season_bills
from .ledger import money_held
from .policy import policy_for_season

# The inputs CONTRACTS.md's statements listing shows, in its order; `readings` is stored beside them.
CONTRACT_INPUTS = (
    "price_class",
    "method",
    "parts",
    "area_decision",
    "exchangers",
    "low_income",
    "heat_gj",
    "days_open",
    "season_days",
    "prepaid",
)
# Money received after settlement pays the statement; it is not a change of what the bill rests on.
MONEY_INPUTS = ("prepaid",)


def _days(facts: AccountFacts, start_year: int) -> tuple[int, int]:
    """(days open, days of the season), as the facts of the season give them (POLICY.md §4)."""
    first_day, last_day = season_days(start_year)
    length = (last_day - first_day).days + 1
    return facts.days_open or length, facts.season_days or length


def _cents(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _reading(reading) -> dict:
    return {
        "id": reading.id,
        "read_at": timezone.localtime(reading.read_at).isoformat(),
        "value_gj": f"{reading.value_gj:.6f}",
    }


def statement_inputs(season_bill: SeasonBill, start_year: int, prepaid: Decimal) -> dict:
    """What a statement stores of a (settleable) season bill: its facts, Q with the readings that
    gave it, the days open, and `prepaid`, the money held for the season when it is issued."""
    facts = season_bill.facts
    heat = season_bill.usage.heat_gj if season_bill.usage and facts.method == "metered" else None
    days_open, days = _days(facts, start_year)
    spans = season_bill.usage.spans if heat is not None else ()
    return {
        "price_class": facts.price_class,
        "method": facts.method,
        "parts": [{"kind": part.kind, "area": _cents(part.area)} for part in facts.parts],
        "area_decision": _cents(facts.area_decision),
        "exchangers": facts.exchangers,
        "low_income": facts.low_income,
        "heat_gj": None if heat is None else f"{heat:.6f}",
        "days_open": days_open,
        "season_days": days,
        "prepaid": _cents(prepaid),
        "readings": [
            {"meter": span.serial, "opening": _reading(span.opening), "closing": _reading(span.closing)}
            for span in spans
        ],
    }


def facts_from_inputs(inputs: dict) -> AccountFacts:
    """The engine's facts from a statement's stored inputs (the one way back from them)."""
    decision = inputs["area_decision"]
    return AccountFacts(
        price_class=inputs["price_class"],
        method=inputs["method"],
        parts=tuple(Part(kind=p["kind"], area=Decimal(p["area"])) for p in inputs["parts"]),
        exchangers=inputs["exchangers"],
        low_income=inputs["low_income"],
        area_decision=None if decision is None else Decimal(decision),
        days_open=inputs["days_open"],
        season_days=inputs["season_days"],
    )


def breakdown_from_inputs(inputs: dict, terms: PriceTerms) -> Breakdown:
    heat = inputs["heat_gj"]
    return bill(
        facts_from_inputs(inputs),
        terms,
        heat_gj=None if heat is None else Decimal(heat),
        prepaid=Decimal(inputs["prepaid"]),
    )


def figures(breakdown: Breakdown) -> dict[str, Decimal | None]:
    return {name: getattr(breakdown, name) for name in FIGURES}


def recompute(statement: Statement) -> dict[str, Decimal | None]:
    """A statement's figures recomputed from its stored inputs under its stored policy."""
    return figures(breakdown_from_inputs(statement.inputs, statement.policy.terms()))


def billing_inputs(inputs: dict) -> dict:
    return {key: value for key, value in inputs.items() if key not in MONEY_INPUTS}


_LABELS = {
    "policy": gettext_lazy("价格政策"),
    "price_class": gettext_lazy("价格类别"),
    "method": gettext_lazy("计费方式"),
    "parts": gettext_lazy("采暖部位"),
    "area_decision": gettext_lazy("面积认定"),
    "exchangers": gettext_lazy("小型换热设备"),
    "low_income": gettext_lazy("困难群体"),
    "heat_gj": gettext_lazy("用热量（GJ）"),
    "days_open": gettext_lazy("供暖天数"),
    "season_days": gettext_lazy("供暖季天数"),
    "readings": gettext_lazy("抄表读数"),
}
# Shown old → new; lists are only named.
_SCALARS = (
    "policy",
    "price_class",
    "method",
    "area_decision",
    "exchangers",
    "low_income",
    "heat_gj",
    "days_open",
)


def _keyed(inputs: dict, policy_code: str) -> dict:
    """Inputs, money aside, with the policy beside them: a statement under another policy differs."""
    return {**billing_inputs(inputs), "policy": policy_code}


def statement_changes(statement: Statement, inputs: dict, policy) -> list[str]:
    """The keys of what a statement rests on that differ from `inputs` under `policy`, in order."""
    old, new = _keyed(statement.inputs, statement.policy.code), _keyed(inputs, policy.code)
    return [key for key in dict.fromkeys([*old, *new]) if old.get(key) != new.get(key)]


def _shown(value) -> str:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return _("无") if value is None else str(value)


def change_reason(statement: Statement, inputs: dict, policy) -> str:
    """Why a statement is re-issued, in words: what changed, and from what to what."""
    old, new = _keyed(statement.inputs, statement.policy.code), _keyed(inputs, policy.code)
    parts = []
    for key in statement_changes(statement, inputs, policy):
        label = str(_LABELS.get(key, key))
        if key in _SCALARS:
            parts.append(
                _("%(what)s：%(old)s → %(new)s")
                % {"what": label, "old": _shown(old.get(key)), "new": _shown(new.get(key))}
            )
        else:
            parts.append(_("%(what)s有变更") % {"what": label})
    return "；".join(parts)


def exception_reason(season_bill: SeasonBill) -> str:
    """Why a season bill cannot be settled, in words."""
    if season_bill.facts is None:
        return _("该供暖季没有计费事实，或账户在该供暖季未开户")
    if season_bill.problem:
        return season_bill.problem
    if season_bill.usage is not None and season_bill.usage.problems:
        return "；".join(str(problem) for problem in season_bill.usage.problems)
    return _("计量账户在该供暖季没有读数")


@dataclass(frozen=True)
class Resettlement:
    """An account whose current inputs differ from its issued statement's. When the season's data
    cannot be billed any more (a voided endpoint reading, say), `problem` says why and there are no
    new inputs or figures: it is fixed first, then re-settled."""

    account: Account
    statement: Statement
    old_inputs: dict
    new_inputs: dict | None
    old_figures: dict
    new_figures: dict | None
    changed: tuple[str, ...]
    problem: str | None = None


def current_inputs(accounts: list[Account], start_year: int) -> tuple[dict[int, SeasonBill], dict[int, dict]]:
    """Season bills for the accounts, and the inputs a statement issued now would store for the
    settleable ones (exceptions have none); a fixed number of queries."""
    bills = season_bills(accounts, start_year)
    held = money_held([a.id for a in accounts], start_year)
    inputs = {
        account_id: statement_inputs(season_bill, start_year, held.get(account_id, Decimal("0.00")))
        for account_id, season_bill in bills.items()
        if not season_bill.is_exception
    }
    return bills, inputs


def resettlements_due(company, start_year: int) -> list[Resettlement]:
    """The company's accounts whose issued statement for the season no longer matches what the
    season's data gives now, with old and new inputs and figures; set-based."""
    issued = {
        s.account_id: s
        for s in Statement.objects.filter(
            account__company=company, season_year=start_year, status=Statement.Status.ISSUED
        ).select_related("account", "policy")
    }
    if not issued:
        return []
    bills, inputs = current_inputs([s.account for s in issued.values()], start_year)
    policy = policy_for_season(start_year)
    terms = policy.terms()
    due = []
    for account_id, statement in issued.items():
        old_figures = {name: getattr(statement, name) for name in FIGURES}
        new = inputs.get(account_id)
        if new is None:
            problem = exception_reason(bills[account_id])
            due.append(
                Resettlement(
                    statement.account, statement, statement.inputs, None, old_figures, None, (), problem
                )
            )
            continue
        changed = statement_changes(statement, new, policy)
        if changed:
            due.append(
                Resettlement(
                    account=statement.account,
                    statement=statement,
                    old_inputs=statement.inputs,
                    new_inputs=new,
                    old_figures=old_figures,
                    new_figures=figures(breakdown_from_inputs(new, terms)),
                    changed=tuple(changed),
                )
            )
    return sorted(due, key=lambda r: r.account.number)


_SEASON_NAME = re.compile(r"^([0-9]{4})-([0-9]{4})$")


def season_from_name(text: str) -> int | None:
    """The start year of a season named "YYYY-YYYY" (the second year the first plus one), else None.
    Year 0 does not exist (and "0000-0001" must not fall back to a default season)."""
    match = _SEASON_NAME.fullmatch(text or "")
    if not match or int(match[1]) < 1 or int(match[2]) != int(match[1]) + 1:
        return None
    return int(match[1])


def company_statements(company, start_year: int):
    """Every version of the company's statements for the season, by account number, oldest first."""
    return (
        Statement.objects.filter(account__company=company, season_year=start_year)
        .select_related("account", "policy", "supersedes")
        .order_by("account__number", "version")
    )
